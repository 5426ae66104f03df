import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test-support/databases.js';
import { appendAudit, searchAudit, type NewAuditEntry } from './audit.repository.js';

const dialects = await testDialects();
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

function entry(at: number, action: string, fields: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at,
    actor_kind: 'session',
    actor_id: 'u-lead',
    actor_name: 'Lena Lead',
    role: 'team_lead',
    ip: '10.0.0.7',
    action,
    method: 'GET',
    path: '/api/calls',
    target: null,
    status: 200,
    detail: null,
    ...fields,
  };
}

describe.each(dialects)('audit log on $name', ({ open }) => {
  async function seeded(): Promise<TestDatabase> {
    const db = await open();
    opened.push(db);
    await appendAudit(
      db.db,
      entry(1000, 'auth.login', { method: 'POST', path: '/api/auth/login' }),
    );
    await appendAudit(db.db, entry(2000, 'export.calls', { detail: '{"format":"csv"}' }));
    await appendAudit(
      db.db,
      entry(3000, 'read.customer_data', { actor_id: 'u-qa', actor_name: 'Quinn QA', role: 'qa' }),
    );
    await appendAudit(db.db, entry(4000, 'export.reports', { target: 'agents' }));
    await appendAudit(
      db.db,
      entry(5000, 'tokens.create', {
        actor_kind: 'admin_token',
        actor_id: null,
        actor_name: 'admin token',
        role: 'admin',
        method: 'POST',
        path: '/api/tokens',
        target: 'tok-1',
        status: 201,
      }),
    );
    return db;
  }

  it('appends entries and reads them back newest first with every field', async () => {
    const db = await seeded();
    const page = await searchAudit(db.db, { limit: 10 });
    expect(page.next).toBeNull();
    expect(page.entries.map((e) => e.action)).toEqual([
      'tokens.create',
      'export.reports',
      'read.customer_data',
      'export.calls',
      'auth.login',
    ]);
    const exportCalls = page.entries[3];
    expect(exportCalls).toMatchObject({
      at: 2000,
      actor_kind: 'session',
      actor_id: 'u-lead',
      actor_name: 'Lena Lead',
      role: 'team_lead',
      ip: '10.0.0.7',
      action: 'export.calls',
      method: 'GET',
      path: '/api/calls',
      target: null,
      status: 200,
      detail: '{"format":"csv"}',
    });
    expect(typeof exportCalls?.id).toBe('number');
    const ids = page.entries.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  it('filters by time range, actor (id or name), action (exact or prefix*) and target', async () => {
    const db = await seeded();
    const actions = async (filter: Parameters<typeof searchAudit>[1]) =>
      (await searchAudit(db.db, filter)).entries.map((e) => e.action);
    expect(await actions({ limit: 10, from: 2000, to: 4000 })).toEqual([
      'read.customer_data',
      'export.calls',
    ]);
    expect(await actions({ limit: 10, actor: 'u-qa' })).toEqual(['read.customer_data']);
    expect(await actions({ limit: 10, actor: 'admin token' })).toEqual(['tokens.create']);
    expect(await actions({ limit: 10, action: 'export.*' })).toEqual([
      'export.reports',
      'export.calls',
    ]);
    expect(await actions({ limit: 10, action: 'export' })).toEqual([]);
    expect(await actions({ limit: 10, action: 'auth.login' })).toEqual(['auth.login']);
    // A prefix is literal: `%` and `_` are not wildcards.
    expect(await actions({ limit: 10, action: 'export_*' })).toEqual([]);
    expect(await actions({ limit: 10, target: 'agents' })).toEqual(['export.reports']);
    expect(await actions({ limit: 10, actor: 'u-lead', action: 'export.*', from: 3000 })).toEqual([
      'export.reports',
    ]);
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const db = await seeded();
    const first = await searchAudit(db.db, { limit: 2 });
    expect(first.entries.map((e) => e.at)).toEqual([5000, 4000]);
    expect(first.next).toBe(first.entries[1]?.id);
    const second = await searchAudit(db.db, { limit: 2, before: first.next ?? 0 });
    expect(second.entries.map((e) => e.at)).toEqual([3000, 2000]);
    const third = await searchAudit(db.db, { limit: 2, before: second.next ?? 0 });
    expect(third.entries.map((e) => e.at)).toEqual([1000]);
    expect(third.next).toBeNull();
    // A page that ends exactly at the last entry has no next page.
    const exact = await searchAudit(db.db, { limit: 5 });
    expect(exact.next).toBeNull();
  });

  it('rejects a limit outside 1..5000', async () => {
    const db = await seeded();
    await expect(searchAudit(db.db, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(searchAudit(db.db, { limit: 5001 })).rejects.toThrow(/limit/);
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    const db = await seeded();
    await expect(
      db.db.updateTable('audit_log').set({ action: 'forged' }).where('at', '=', 2000).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.db.deleteFrom('audit_log').where('at', '=', 1000).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
    const page = await searchAudit(db.db, { limit: 10 });
    expect(page.entries).toHaveLength(5);
    expect(page.entries.map((e) => e.action)).not.toContain('forged');
  });
});
