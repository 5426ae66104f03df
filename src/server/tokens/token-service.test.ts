import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/people/access.js';
import { findActiveTokenByHash, findApiToken, touchApiToken } from '../../db/tokens.repository.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { AppError } from '../errors.js';
import {
  createToken,
  hashTokenSecret,
  listTokens,
  mayGrantRole,
  revokeToken,
} from './token-service.js';

const dialects = await testDialects();
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

const admin: Principal = {
  kind: 'session',
  role: 'admin',
  userId: 'u-admin',
  name: 'Ada Admin',
  teamIds: [],
  tokenId: null,
};
const NOW = 1_790_000_000_000;

describe('token secrets', () => {
  it('are hashed with SHA-256, lowercase hex of the whole secret', () => {
    // `printf cf_abc | sha256sum`
    expect(hashTokenSecret('cf_abc')).toBe(
      '4eff2b246e70ef910d4b56f9cbad793df7e44eb2f30aed27d3781be1763156fe',
    );
  });

  it('the admin may grant machine roles and its own role, not roles with more permissions', () => {
    expect(mayGrantRole(admin, 'wallboard')).toBe(true);
    expect(mayGrantRole(admin, 'integration')).toBe(true);
    expect(mayGrantRole(admin, 'admin')).toBe(true);
    expect(mayGrantRole(admin, 'manager')).toBe(false); // customer.numbers, reports.view
    expect(mayGrantRole(admin, 'agent')).toBe(false); // reports.view, qa.view
    expect(mayGrantRole({ ...admin, role: 'manager' }, 'agent')).toBe(true);
  });
});

describe.each(dialects)('API tokens on $name', ({ open }) => {
  async function db(): Promise<TestDatabase> {
    const d = await open();
    opened.push(d);
    return d;
  }

  it('creates a token, stores only the hash, and finds it by hash while active', async () => {
    const d = await db();
    const created = await createToken(
      d.db,
      admin,
      { name: 'TV hall A', role: 'wallboard', expiresAt: NOW + 3_600_000 },
      NOW,
    );
    expect(created.secret).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    expect(created.wallboardPath).toBe(`/wallboard?token=${created.secret}`);
    expect(created.token).toMatchObject({
      name: 'TV hall A',
      role: 'wallboard',
      createdBy: 'u-admin',
      createdAt: NOW,
      expiresAt: NOW + 3_600_000,
      revokedAt: null,
      status: 'active',
    });
    const stored = await findApiToken(d.db, created.token.id);
    expect(stored?.token_hash).toBe(hashTokenSecret(created.secret));
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const hash = hashTokenSecret(created.secret);
    expect((await findActiveTokenByHash(d.db, hash, NOW))?.id).toBe(created.token.id);
    // Expiry is exclusive: at expires_at the token is no longer usable.
    expect(await findActiveTokenByHash(d.db, hash, NOW + 3_600_000)).toBeUndefined();
    expect(await findActiveTokenByHash(d.db, hashTokenSecret('cf_other'), NOW)).toBeUndefined();

    await touchApiToken(d.db, created.token.id, NOW + 5);
    expect((await findApiToken(d.db, created.token.id))?.last_used_at).toBe(NOW + 5);
  });

  it('an integration token has no wallboard path and no expiry by default', async () => {
    const d = await db();
    const created = await createToken(d.db, admin, { name: 'CRM', role: 'integration' }, NOW);
    expect(created.wallboardPath).toBeNull();
    expect(created.token.expiresAt).toBeNull();
    expect(
      (await findActiveTokenByHash(d.db, hashTokenSecret(created.secret), NOW + 1e12))?.name,
    ).toBe('CRM');
  });

  it('revokes: the token is no longer found, the list shows it revoked, twice is not_found', async () => {
    const d = await db();
    const a = await createToken(d.db, admin, { name: 'A', role: 'integration' }, NOW);
    const b = await createToken(d.db, admin, { name: 'B', role: 'wallboard' }, NOW + 1000);
    await revokeToken(d.db, a.token.id, NOW + 2000);
    expect(
      await findActiveTokenByHash(d.db, hashTokenSecret(a.secret), NOW + 3000),
    ).toBeUndefined();
    const list = await listTokens(d.db, NOW + 3000);
    expect(list.map((t) => [t.name, t.status, t.revokedAt])).toEqual([
      ['B', 'active', null],
      ['A', 'revoked', NOW + 2000],
    ]);
    expect(JSON.stringify(list)).not.toContain(b.secret);
    await expect(revokeToken(d.db, a.token.id, NOW + 4000)).rejects.toMatchObject({
      code: 'not_found',
      field: 'id',
    });
    await expect(revokeToken(d.db, 'tok_missing', NOW)).rejects.toBeInstanceOf(AppError);
  });

  it('refuses a past expiry and a role the creator may not grant', async () => {
    const d = await db();
    await expect(
      createToken(d.db, admin, { name: 'x', role: 'wallboard', expiresAt: NOW }, NOW),
    ).rejects.toMatchObject({ code: 'invalid_request', field: 'expiresAt' });
    await expect(
      createToken(d.db, admin, { name: 'x', role: 'manager' }, NOW),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'role' });
    expect(await listTokens(d.db, NOW)).toEqual([]);
  });
});
