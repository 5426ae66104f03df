/**
 * Sign-in, lock-out, CSRF, confidentiality acceptance, temporary passwords, tokens, the wallboard
 * token exchange and the audit of it all, through the real app and a real SQLite database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStatsSettings } from '../../core/stats/report.js';
import { closeTestApps, startTestApp } from '../../test-support/app.js';
import {
  createTestUser,
  signIn,
  TEST_PASSWORD,
  tokenHeaders,
  type AuthHeaders,
} from '../../test-support/auth.js';
import type { TestDatabase } from '../../test-support/databases.js';
import { redactSecrets } from '../app.js';
import { LOCK_OUT_MS, MAX_FAILED_SIGN_INS } from './auth-routes.js';

const ADMIN_TOKEN = 'first-start-admin-token-0123456789';
let clock = 1_767_225_600_000;

afterEach(closeTestApps);

function harness(adminToken: string | null = ADMIN_TOKEN) {
  return startTestApp({
    settings: { ...defaultStatsSettings(), timeZone: 'UTC' },
    reorderWindow: 0,
    restore: false,
    now: () => clock,
    app: { adminToken },
  });
}

async function auditActions(db: TestDatabase): Promise<string[]> {
  const rows = await db.db.selectFrom('audit_log').select('action').orderBy('id').execute();
  return rows.map((r) => r.action);
}

describe('first start', () => {
  it('asks for the first admin when there is neither an admin nor an admin token, once', async () => {
    const { app, db } = await harness(null);
    expect((await app.inject('/api/auth/state')).json()).toMatchObject({
      setupRequired: true,
      demo: false,
    });
    const setup = await app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { id: 'root', name: 'Chen Jie', password: 'long enough password' },
    });
    expect(setup.statusCode).toBe(200);
    const cookie = String(setup.headers['set-cookie']);
    expect(cookie).toMatch(
      /callfloor_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/,
    );
    expect((await app.inject('/api/auth/state')).json()).toMatchObject({ setupRequired: false });
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { id: 'root2', name: 'X', password: 'long enough password' },
    });
    expect(again.statusCode).toBe(409);
    const stored = await db.db.selectFrom('app_user').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await auditActions(db)).toEqual(['auth.setup', 'POST /api/auth/setup']);
  });

  it('with CALLFLOOR_ADMIN_TOKEN set, the token acts as admin and no setup page is offered', async () => {
    const { app } = await harness();
    expect((await app.inject('/api/auth/state')).json()).toMatchObject({ setupRequired: false });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const me = (await app.inject({ url: '/api/auth/me', headers: admin })).json<{
      kind: string;
      role: string;
      permissions: string[];
      csrfToken: string | null;
    }>();
    expect(me).toMatchObject({ kind: 'admin_token', role: 'admin', csrfToken: null });
    expect(me.permissions).toContain('people.manage');
    // Least privilege: the IT admin does not read reports or customer numbers.
    expect(me.permissions).not.toContain('reports.view');
    expect((await app.inject({ url: '/api/reports/queues', headers: admin })).statusCode).toBe(403);
    const wrong = await app.inject({
      url: '/api/floor',
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });
});

describe('sign-in', () => {
  it('answers every failure with one generic error, counts it, and locks after 5 in a row', async () => {
    const { app, db } = await harness();
    await createTestUser(db.db, { id: 'lin', role: 'team_lead' });
    const attempt = (id: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { id, password } });

    const unknown = await attempt('nobody', 'whatever');
    const wrong = await attempt('lin', 'wrong password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_credentials' } });

    for (let i = 2; i <= MAX_FAILED_SIGN_INS; i++) await attempt('lin', `wrong ${i}`);
    const locked = await attempt('lin', TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());

    clock += LOCK_OUT_MS + 1;
    expect((await attempt('lin', TEST_PASSWORD)).statusCode).toBe(200);
    const login = await db.db
      .selectFrom('audit_log')
      .select(['actor_kind', 'actor_id', 'role', 'target'])
      .where('action', '=', 'auth.login')
      .executeTakeFirstOrThrow();
    expect(login).toEqual({
      actor_kind: 'session',
      actor_id: 'lin',
      role: 'team_lead',
      target: 'lin',
    });

    const failures = await db.db
      .selectFrom('audit_log')
      .select(['action', 'target', 'detail', 'ip', 'status'])
      .where('action', '=', 'auth.login_failed')
      .orderBy('id')
      .execute();
    expect(failures.map((f) => JSON.parse(f.detail ?? '{}') as unknown)).toEqual([
      { reason: 'unknown' },
      { reason: 'password', attempts: 1 },
      { reason: 'password', attempts: 2 },
      { reason: 'password', attempts: 3 },
      { reason: 'password', attempts: 4 },
      { reason: 'password', attempts: 5 },
      { reason: 'locked' },
    ]);
    expect(failures[0]).toMatchObject({ target: 'nobody', ip: '127.0.0.1', status: 401 });
    // No password ever reaches the audit log.
    const all = JSON.stringify(await db.db.selectFrom('audit_log').selectAll().execute());
    expect(all).not.toContain('wrong password');
    expect(all).not.toContain(TEST_PASSWORD);
  });

  it('rejects cookie writes without the CSRF token, accepts them with it, and signs out', async () => {
    const { app, db } = await harness();
    await createTestUser(db.db, { id: 'mgr', role: 'manager' });
    const headers = await signIn(app, 'mgr');
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: headers.cookie ?? '' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ error: { code: 'csrf' } });
    const badToken = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...headers, 'x-csrf-token': 'forged' },
    });
    expect(badToken.statusCode).toBe(403);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/floor', headers })).statusCode).toBe(401);
  });

  it('a temporary password must be changed first; the change signs out the other sessions', async () => {
    const { app, db } = await harness();
    await createTestUser(db.db, { id: 'new', role: 'agent', mustChangePassword: true });
    const first = await signIn(app, 'new');
    const second = await signIn(app, 'new');
    const blocked = await app.inject({ url: '/api/floor', headers: first });
    expect(blocked.json()).toMatchObject({ error: { code: 'password_change_required' } });
    const me: unknown = (await app.inject({ url: '/api/auth/me', headers: first })).json();
    expect(me).toMatchObject({ mustChangePassword: true, user: { id: 'new', role: 'agent' } });

    const wrongCurrent = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first,
      payload: { current: 'nope', next: 'a brand new secret' },
    });
    expect(wrongCurrent.statusCode).toBe(401);
    const short = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first,
      payload: { current: TEST_PASSWORD, next: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: { field: 'next' } });
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first,
      payload: { current: TEST_PASSWORD, next: 'a brand new secret' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/floor', headers: first })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/floor', headers: second })).statusCode).toBe(401);
    await expect(signIn(app, 'new', 'a brand new secret')).resolves.toBeDefined();
  });
});

describe('confidentiality acknowledgement (X05)', () => {
  it('blocks a person until they accept the current text, and again after a new version', async () => {
    const { app, db } = await harness();
    await createTestUser(db.db, { id: 'amy', role: 'agent', acceptConfidentiality: false });
    const amy = await signIn(app, 'amy');
    const blocked = await app.inject({ url: '/api/floor', headers: amy });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ error: { code: 'confidentiality_required' } });

    const text = (await app.inject({ url: '/api/confidentiality', headers: amy })).json<{
      version: number;
      texts: Record<string, string>;
      accepted: boolean;
    }>();
    expect(text.version).toBe(1);
    expect(text.accepted).toBe(false);
    expect(text.texts['zh-TW']).toContain('保密承諾書');
    expect(text.texts['zh-CN']).toContain('保密承诺书');
    expect(text.texts.en).toContain('Confidentiality undertaking');

    const accept = await app.inject({
      method: 'POST',
      url: '/api/confidentiality/accept',
      headers: amy,
      payload: { version: 1, language: 'zh-TW' },
    });
    expect(accept.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/floor', headers: amy })).statusCode).toBe(200);
    const stored = await db.db.selectFrom('confidentiality_acceptance').selectAll().execute();
    expect(stored).toEqual([
      { user_id: 'amy', version: 1, accepted_at: clock, language: 'zh-TW', ip: '127.0.0.1' },
    ]);

    // The admin publishes a new version: everyone accepts again.
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const publish = await app.inject({
      method: 'PUT',
      url: '/api/confidentiality',
      headers: admin,
      payload: { texts: { en: 'v2', 'zh-TW': '第二版', 'zh-CN': '第二版' } },
    });
    expect(publish.json()).toEqual({ version: 2 });
    expect((await app.inject({ url: '/api/floor', headers: amy })).statusCode).toBe(403);
    const stale = await app.inject({
      method: 'POST',
      url: '/api/confidentiality/accept',
      headers: amy,
      payload: { version: 1, language: 'en' },
    });
    expect(stale.statusCode).toBe(409);
    // Agents cannot edit the text.
    const edit = await app.inject({
      method: 'PUT',
      url: '/api/confidentiality',
      headers: amy,
      payload: { texts: { en: 'x', 'zh-TW': 'x', 'zh-CN': 'x' } },
    });
    expect(edit.statusCode).toBe(403);
    expect(await auditActions(db)).toContain('confidentiality.publish');
  });
});

describe('tokens', () => {
  it('a wallboard token URL opens a wallboard-only session and nothing else', async () => {
    const { app, db } = await harness();
    const secret = (await tokenHeaders(db.db, 'wallboard')).authorization!.slice('Bearer '.length);
    const open = await app.inject(`/wallboard?token=${secret}`);
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toBe('/wallboard');
    const cookie = String(open.headers['set-cookie']).split(';')[0]!;
    const headers: AuthHeaders = { cookie };
    expect((await app.inject({ url: '/api/floor', headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/reports/queues', headers })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/confidentiality', headers })).statusCode).toBe(200);
    const me = (await app.inject({ url: '/api/auth/me', headers })).json<{
      role: string;
      permissions: string[];
    }>();
    expect(me).toMatchObject({ role: 'wallboard', permissions: ['wallboard.view'] });
    const events = await app.inject({ method: 'POST', url: '/api/events', headers, payload: [] });
    expect(events.statusCode).toBe(403);

    const bad = await app.inject('/wallboard?token=cf_nope');
    expect(bad.statusCode).toBe(401);
    // A non-wallboard token cannot be used in a URL.
    const manager = (await tokenHeaders(db.db, 'manager')).authorization!.slice(7);
    expect((await app.inject(`/wallboard?token=${manager}`)).statusCode).toBe(401);
  });

  it('a revoked or expired token is refused', async () => {
    const { app, db } = await harness();
    const headers = await tokenHeaders(db.db, 'integration');
    expect((await app.inject({ url: '/api/floor', headers })).statusCode).toBe(200);
    const used = await db.db
      .selectFrom('api_token')
      .select('last_used_at')
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).toBe(clock);
    await db.db
      .updateTable('api_token')
      .set({ expires_at: clock - 1 })
      .execute();
    expect((await app.inject({ url: '/api/floor', headers })).statusCode).toBe(401);
    await db.db.updateTable('api_token').set({ expires_at: null, revoked_at: clock }).execute();
    expect((await app.inject({ url: '/api/floor', headers })).statusCode).toBe(401);
  });
});

describe('baseline', () => {
  it('sends security headers, and answers 401 without credentials', async () => {
    const { app } = await harness();
    const res = await app.inject('/api/floor');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('limits sign-in attempts per address', async () => {
    const { app } = await harness();
    let last = 0;
    for (let i = 0; i < 21; i++) {
      last = (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { id: 'x', password: 'y' },
        })
      ).statusCode;
    }
    expect(last).toBe(429);
  });

  it('refuses to start with a route that does not declare who may call it', async () => {
    const { app } = await harness();
    expect(() => app.get('/api/forgotten', () => 'x')).toThrow(/declares no config.access/);
  });

  it('never logs token secrets from URLs', () => {
    expect(redactSecrets('/wallboard?token=cf_secret&lang=en')).toBe(
      '/wallboard?token=***&lang=en',
    );
    expect(redactSecrets('/api/floor?lang=en')).toBe('/api/floor?lang=en');
  });
});
