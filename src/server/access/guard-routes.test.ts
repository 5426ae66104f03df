/**
 * Issue #4 parts 3–4 through the real app (auth plugin, SQLite, app.inject, a real WebSocket):
 * scope of the floor and the live stream, masked customer numbers, exports, tokens and the audit
 * log.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { QueueCallRecord } from '../../core/stats/records.js';
import { defaultStatsSettings, type StatsSettings } from '../../core/stats/report.js';
import { searchAudit, type AuditRecord } from '../../db/audit.repository.js';
import { insertRecords } from '../../db/records.repository.js';
import { closeTestApps, startTestApp } from '../../test-support/app.js';
import { createTestUser, signIn, tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import type { TestDatabase } from '../../test-support/databases.js';
import type { IngestService } from '../ingest/ingest-service.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const NOW_MS = (T0 + 120) * 1000;
const settings: StatsSettings = { ...defaultStatsSettings(), timeZone: 'UTC', reorderWindow: 2 };
const ALIASES = new Map([
  ['PJSIP/1001', 'u-ann'],
  ['PJSIP/1002', 'u-bob'],
]);
const TEAMS: Record<string, string> = { 'u-ann': 'north', 'u-bob': 'south' };
const teamOf = (agent: string): string | null => TEAMS[agent] ?? null;

const EVENTS = [
  { time: T0, queue: 'sales', agent: 'PJSIP/1001', event: 'ADDMEMBER', data: [] },
  { time: T0, queue: 'sales', agent: 'PJSIP/1002', event: 'ADDMEMBER', data: [] },
  { time: T0, queue: 'sales', agent: 'PJSIP/1003', event: 'ADDMEMBER', data: [] },
  { time: T0 + 10, queue: 'sales', agent: 'PJSIP/1001', event: 'PAUSE', data: ['Lunch'] },
  {
    time: T0 + 20,
    callId: 'c9',
    queue: 'sales',
    event: 'ENTERQUEUE',
    data: ['', '0912345678', '1'],
  },
];

function stored(callId: string, offset: number, agent: string | null, callerId: string) {
  return {
    callId,
    queue: 'sales',
    attributedAt: T0 - 3600 + offset,
    enteredAt: T0 - 3600 + offset,
    outcome: agent === null ? 'abandoned' : 'answered',
    wait: 5,
    agent,
    connectedAt: agent === null ? null : T0 - 3600 + offset + 5,
    endedAt: T0 - 3600 + offset + 60,
    talk: agent === null ? null : 55,
    wrapUp: 0,
    transferred: false,
    exitKey: null,
    callerId,
    firstStint: true,
    rings: [],
  } satisfies QueueCallRecord;
}
const STORED = [
  stored('c1', 0, 'u-ann', '0912345678'),
  stored('c2', 10, 'u-bob', '0287654321'),
  stored('c3', 20, null, '0933111222'),
];

interface World {
  app: FastifyInstance;
  db: TestDatabase;
  ingest: IngestService;
  as: Record<
    'manager' | 'lead' | 'agent' | 'admin' | 'wallboard' | 'integration' | 'qa',
    AuthHeaders
  >;
}
afterEach(closeTestApps);

async function world(): Promise<World> {
  const { app, db, ingest } = await startTestApp({
    settings,
    aliases: ALIASES,
    now: () => NOW_MS,
    teamOf,
  });
  await db.db
    .insertInto('team')
    .values([
      { id: 'north', name: 'North', site_id: null, lead_id: 'u-lena' },
      { id: 'south', name: 'South', site_id: null, lead_id: null },
    ])
    .execute();
  await createTestUser(db.db, { id: 'u-lena', role: 'team_lead', teamId: null });
  await createTestUser(db.db, { id: 'u-bob', role: 'agent', teamId: 'south' });
  await createTestUser(db.db, { id: 'u-max', role: 'manager' });
  await createTestUser(db.db, { id: 'u-ada', role: 'admin' });
  await createTestUser(db.db, { id: 'u-quinn', role: 'qa' });
  const as = {
    manager: await signIn(app, 'u-max'),
    lead: await signIn(app, 'u-lena'),
    agent: await signIn(app, 'u-bob'),
    admin: await signIn(app, 'u-ada'),
    qa: await signIn(app, 'u-quinn'),
    wallboard: await tokenHeaders(db.db, 'wallboard', 'TV'),
    integration: await tokenHeaders(db.db, 'integration', 'PBX'),
  };
  await insertRecords(db.db, { queueCalls: STORED, segments: [], rejected: [], agents: new Map() });
  const posted = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers: as.integration,
    payload: EVENTS,
  });
  expect(posted.statusCode).toBe(200);
  return { app, db, ingest, as };
}

function get(w: World, who: keyof World['as'], url: string, extra: Partial<InjectOptions> = {}) {
  return w.app.inject({ method: 'GET', url, headers: w.as[who], ...extra });
}

/** The `format` of an export entry's detail. */
function formatOf(entry: AuditRecord): unknown {
  return (JSON.parse(entry.detail ?? '{}') as { format?: unknown }).format;
}

async function auditEntries(w: World): Promise<AuditRecord[]> {
  return (await searchAudit(w.db.db, { limit: 1000 })).entries;
}

async function xlsxColumn(bytes: Buffer, sheetName: string, column: string): Promise<unknown[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(sheetName);
  const header = (sheet?.getRow(1).values as unknown[]).slice(1);
  const index = header.indexOf(column) + 1;
  const values: unknown[] = [];
  sheet?.eachRow((row, n) => {
    if (n > 1) values.push(row.getCell(index).value ?? null);
  });
  return values;
}

type FloorBody = {
  agents: { agent: string }[];
  queues: { waitingCalls: { callerId: string | null }[] }[];
};
const floorAgents = (body: FloorBody) => body.agents.map((a) => a.agent);
const floorCallers = (body: FloorBody) =>
  body.queues.flatMap((q) => q.waitingCalls.map((c) => c.callerId));

describe('the floor per principal', () => {
  it('GET /api/floor: a team lead sees their team, an agent themselves, others all', async () => {
    const w = await world();
    const floor = async (who: keyof World['as']) =>
      (await get(w, who, '/api/floor')).json<FloorBody>();
    expect(floorAgents(await floor('manager'))).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
    expect(floorAgents(await floor('wallboard'))).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
    expect(floorAgents(await floor('lead'))).toEqual(['u-ann']);
    expect(floorAgents(await floor('agent'))).toEqual(['u-bob']);
    // Customer numbers: unmasked for the manager and the team lead, masked for the others.
    expect(floorCallers(await floor('manager'))).toEqual(['0912345678']);
    expect(floorCallers(await floor('lead'))).toEqual(['0912345678']);
    expect(floorCallers(await floor('wallboard'))).toEqual(['0912***678']);
    expect(floorCallers(await floor('agent'))).toEqual(['0912***678']);
    expect(floorCallers(await floor('admin'))).toEqual(['0912***678']);
    // Unmasked numbers are customer data: each such read is audited, masked ones are not.
    const reads = (await auditEntries(w)).filter((e) => e.action === 'read.customer_data');
    expect(reads.map((e) => [e.actor_id, e.target, e.path, e.ip]).sort()).toEqual([
      ['u-lena', 'floor', '/api/floor', '127.0.0.1'],
      ['u-lena', 'floor', '/api/floor', '127.0.0.1'],
      ['u-max', 'floor', '/api/floor', '127.0.0.1'],
      ['u-max', 'floor', '/api/floor', '127.0.0.1'],
    ]);
    expect((await w.app.inject('/api/floor')).statusCode).toBe(401);
  });

  it('?view=wallboard: the whole floor with numbers masked, for anyone allowed a wallboard', async () => {
    // An agent's wallboard once showed only that agent (newcomer check, 4 Dec).
    const w = await world();
    for (const who of ['agent', 'lead', 'manager', 'wallboard'] as const) {
      const body = (await get(w, who, '/api/floor?view=wallboard')).json<FloorBody>();
      expect(floorAgents(body), who).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
      expect(floorCallers(body), who).toEqual(['0912***678']);
    }
    // Masked reads are not customer data: nothing audited.
    const reads = (await auditEntries(w)).filter((e) => e.action === 'read.customer_data');
    expect(reads).toEqual([]);
  });

  it('the WebSocket gives a team lead only their team and a wallboard masked callers', async () => {
    const w = await world();
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = w.app.server.address() as { port: number };
    const connect = async (headers: AuthHeaders) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers });
      const texts: string[] = [];
      ws.on('message', (data) => texts.push((data as Buffer).toString('utf8')));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      for (let i = 0; i < 100 && texts.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return { ws, texts };
    };
    const lead = await connect(w.as.lead);
    const wallboard = await connect(w.as.wallboard);
    const snapshot = (texts: string[]) =>
      (JSON.parse(texts[0] ?? '{}') as { data: FloorBody }).data;
    expect(floorAgents(snapshot(lead.texts))).toEqual(['u-ann']);
    expect(floorCallers(snapshot(lead.texts))).toEqual(['0912345678']);
    expect(floorAgents(snapshot(wallboard.texts))).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
    expect(floorCallers(snapshot(wallboard.texts))).toEqual(['0912***678']);

    await w.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: w.as.integration,
      payload: [
        {
          time: T0 + 30,
          callId: 'c10',
          queue: 'sales',
          event: 'ENTERQUEUE',
          data: ['', '0287654321', '1'],
        },
        { time: T0 + 40, queue: 'sales', agent: 'PJSIP/1001', event: 'UNPAUSE', data: [] },
        { time: T0 + 41, queue: 'sales', agent: 'PJSIP/1002', event: 'PAUSE', data: ['Break'] },
        { time: T0 + 42, queue: 'sales', agent: 'PJSIP/1003', event: 'PAUSE', data: ['Break'] },
      ],
    });
    const agentsOf = (texts: string[]) =>
      texts
        .map((t) => JSON.parse(t) as { type: string; data: { agent?: string } })
        .filter((m) => m.type === 'agent')
        .map((m) => m.data.agent);
    for (let i = 0; i < 200 && agentsOf(wallboard.texts).length < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    lead.ws.close();
    wallboard.ws.close();
    expect(new Set(agentsOf(wallboard.texts))).toEqual(new Set(['u-ann', 'u-bob', 'PJSIP/1003']));
    expect(new Set(agentsOf(lead.texts))).toEqual(new Set(['u-ann']));
    expect(wallboard.texts.some((t) => t.includes('0287***321'))).toBe(true);
    expect(wallboard.texts.some((t) => /0287654321|0912345678/.test(t))).toBe(false);
    expect(lead.texts.some((t) => t.includes('0287654321'))).toBe(true);
    const reads = (await auditEntries(w)).filter((e) => e.action === 'read.customer_data');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actor_id: 'u-lena',
      target: 'live',
      path: '/api/live',
      status: 101,
      ip: '127.0.0.1',
      detail: '{"transport":"websocket"}',
    });
  });

  it('the SSE stream gives an agent only their own row, callers masked', async () => {
    const w = await world();
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = w.app.server.address() as { port: number };
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/live/sse`, {
      headers: w.as.agent,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    let text = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += Buffer.from(chunk).toString('utf8');
      if (text.includes('\n\n')) break;
    }
    controller.abort();
    const first = text.split('\n\n')[0]!.replace(/^data: /, '');
    const snapshot = (JSON.parse(first) as { type: string; data: FloorBody }).data;
    expect(floorAgents(snapshot)).toEqual(['u-bob']);
    expect(floorCallers(snapshot)).toEqual(['0912***678']);
  });

  it('refuses the WebSocket and the SSE stream without a principal', async () => {
    const w = await world();
    expect((await w.app.inject('/api/live/sse')).statusCode).toBe(401);
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = w.app.server.address() as { port: number };
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});

describe('GET /api/calls', () => {
  it('shows caller numbers to roles with customer.numbers and audits the read', async () => {
    const w = await world();
    const res = await get(w, 'manager', '/api/calls');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ calls: { callId: string; callerId: string }[]; truncated: boolean }>();
    expect(body.calls.map((c) => [c.callId, c.callerId])).toEqual([
      ['c1', '0912345678'],
      ['c2', '0287654321'],
      ['c3', '0933111222'],
    ]);
    const read = (await auditEntries(w)).find((e) => e.action === 'read.customer_data');
    expect(read).toMatchObject({
      actor_kind: 'session',
      actor_id: 'u-max',
      role: 'manager',
      ip: '127.0.0.1',
      method: 'GET',
      path: '/api/calls',
      target: 'calls',
      at: NOW_MS,
      status: 200,
    });
    expect(JSON.parse(read?.detail ?? '{}')).toMatchObject({ rows: 3 });
  });

  it('masks numbers for roles without customer.numbers, and does not audit a masked read', async () => {
    const w = await world();
    const agent = await get(w, 'agent', '/api/calls');
    expect(agent.json<{ calls: { callId: string; callerId: string }[] }>().calls).toMatchObject([
      { callId: 'c2', callerId: '0287***321' },
    ]);
    const integration = await get(w, 'integration', '/api/calls');
    expect(
      integration.json<{ calls: { callerId: string }[] }>().calls.map((c) => c.callerId),
    ).toEqual(['0912***678', '0287***321', '0933***222']);
    expect(integration.body).not.toMatch(/0912345678|0287654321|0933111222/);
    const lead = await get(w, 'lead', '/api/calls');
    expect(lead.json<{ calls: { callId: string }[] }>().calls.map((c) => c.callId)).toEqual(['c1']);
    expect((await auditEntries(w)).filter((e) => e.action === 'read.customer_data')).toHaveLength(
      1,
    );
  });

  it('exports CSV and XLSX for roles with reports.export (audited); refuses the others', async () => {
    const w = await world();
    const csv = await get(w, 'qa', '/api/calls?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[1]).toBe(
      `c1,sales,${T0 - 3600},${T0 - 3600},answered,5,u-ann,${T0 - 3595},${T0 - 3540},55,0,0,,0912345678`,
    );
    const xlsx = await get(w, 'lead', '/api/calls?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(await xlsxColumn(xlsx.rawPayload, 'calls', 'callerId')).toEqual(['0912345678']);
    // Roles without customer numbers have no export permission either (ROLE_PERMISSIONS).
    for (const who of ['agent', 'integration', 'wallboard', 'admin'] as const) {
      const refused = await get(w, who, '/api/calls?format=csv');
      expect(refused.statusCode).toBe(403);
      expect(refused.body).not.toMatch(/0912345678|0287654321|0933111222/);
    }
    const exports = (await auditEntries(w)).filter((e) => e.action === 'export.calls');
    expect(exports.map((e) => [e.actor_id, e.ip, formatOf(e)])).toEqual([
      ['u-lena', '127.0.0.1', 'xlsx'],
      ['u-quinn', '127.0.0.1', 'csv'],
    ]);
  });
});

describe('GET /api/reports/:kind per principal', () => {
  it('limits agent rows to the scope; exports need reports.export and are audited', async () => {
    const w = await world();
    const agents = async (who: keyof World['as']) =>
      (await get(w, who, '/api/reports/agents'))
        .json<{ agents: { agent: string }[] }>()
        .agents.map((a) => a.agent);
    expect(await agents('manager')).toEqual(
      expect.arrayContaining(['u-ann', 'u-bob', 'PJSIP/1003']),
    );
    expect(await agents('lead')).toEqual(['u-ann']);
    expect(await agents('agent')).toEqual(['u-bob']);
    expect((await get(w, 'agent', '/api/reports/agents?format=csv')).statusCode).toBe(403);
    expect((await get(w, 'integration', '/api/reports/queues?format=xlsx')).statusCode).toBe(403);
    const csv = await get(w, 'lead', '/api/reports/agents?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('u-ann');
    expect(csv.body).not.toContain('u-bob');
    const entry = (await auditEntries(w)).find((e) => e.action === 'export.reports');
    expect(entry).toMatchObject({ actor_id: 'u-lena', target: 'agents', ip: '127.0.0.1' });
  });
});

describe('API tokens and the audit log', () => {
  it('creates a wallboard token (secret once), uses it, revokes it; each write is audited', async () => {
    const w = await world();
    const created = await w.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: w.as.admin,
      payload: { name: 'TV hall B', role: 'wallboard' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json<{
      token: { id: string; role: string; status: string };
      secret: string;
      wallboardPath: string;
    }>();
    expect(body.secret).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    expect(body.wallboardPath).toBe(`/wallboard?token=${body.secret}`);
    expect(body.token).toMatchObject({ role: 'wallboard', status: 'active' });
    const bearer = { authorization: `Bearer ${body.secret}` };
    const floor = await w.app.inject({ url: '/api/floor', headers: bearer });
    expect(floor.statusCode).toBe(200);
    expect(floorCallers(floor.json<FloorBody>())).toEqual(['0912***678']);
    expect((await w.app.inject({ url: '/api/calls', headers: bearer })).statusCode).toBe(403);

    const list = await get(w, 'admin', '/api/tokens');
    expect(list.body).not.toContain(body.secret);
    expect(list.json<{ tokens: { id: string }[] }>().tokens.map((t) => t.id)).toContain(
      body.token.id,
    );
    // Escalation is refused: an admin cannot mint a manager token.
    const manager = await w.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: w.as.admin,
      payload: { name: 'x', role: 'manager' },
    });
    expect(manager.statusCode).toBe(403);
    expect(manager.json()).toMatchObject({ error: { code: 'forbidden', field: 'role' } });
    // Only tokens.manage.
    expect((await get(w, 'manager', '/api/tokens')).statusCode).toBe(403);

    const revoked = await w.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${body.token.id}`,
      headers: w.as.admin,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await w.app.inject({ url: '/api/floor', headers: bearer })).statusCode).toBe(401);

    const entries = await auditEntries(w);
    const create = entries.find((e) => e.action === 'tokens.create');
    expect(create).toMatchObject({
      actor_id: 'u-ada',
      role: 'admin',
      ip: '127.0.0.1',
      method: 'POST',
      path: '/api/tokens',
      target: body.token.id,
      status: 201,
    });
    expect(create?.detail).not.toContain(body.secret);
    expect(entries.find((e) => e.action === 'tokens.revoke')).toMatchObject({
      actor_id: 'u-ada',
      target: body.token.id,
      status: 204,
    });
    // The events POST of the integration is a write: audited too.
    expect(entries.find((e) => e.path === '/api/events')).toMatchObject({
      actor_kind: 'token',
      actor_name: 'PBX',
      role: 'integration',
      method: 'POST',
    });
  });

  it('GET /api/audit searches newest first with pages and exports CSV/XLSX (audited)', async () => {
    const w = await world();
    await get(w, 'lead', '/api/calls?format=csv');
    await get(w, 'qa', '/api/calls?format=xlsx');
    expect((await get(w, 'lead', '/api/audit')).statusCode).toBe(403);
    const page = await get(w, 'manager', '/api/audit?action=export.*&limit=1');
    expect(page.statusCode).toBe(200);
    const first = page.json<{
      entries: { action: string; actorId: string; detail: unknown }[];
      next: number;
    }>();
    expect(first.entries.map((e) => [e.action, e.actorId])).toEqual([['export.calls', 'u-quinn']]);
    expect(first.entries[0]?.detail).toMatchObject({ format: 'xlsx' });
    const second = await get(
      w,
      'manager',
      `/api/audit?action=export.*&limit=1&before=${first.next}`,
    );
    expect(second.json<{ entries: { actorId: string }[] }>().entries.map((e) => e.actorId)).toEqual(
      ['u-lena'],
    );
    const byActor = await get(w, 'admin', '/api/audit?actor=u-quinn');
    expect(byActor.json<{ entries: { action: string }[] }>().entries.map((e) => e.action)).toEqual([
      'export.calls',
      'read.customer_data',
      'auth.login', // the sign-in names the person (newest first: it came before)
    ]);

    const csv = await get(w, 'admin', '/api/audit?format=csv&action=export.calls');
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actorKind,actorId,actorName,role,ip,action,method,path,target,status,detail',
    );
    expect(lines).toHaveLength(3);
    const xlsx = await get(w, 'manager', '/api/audit?format=xlsx&actor=u-lena');
    expect(await xlsxColumn(xlsx.rawPayload, 'audit', 'action')).toContain('export.calls');
    const exportsOfAudit = (await auditEntries(w)).filter((e) => e.action === 'export.audit');
    expect(exportsOfAudit.map((e) => [e.actor_id, formatOf(e)])).toEqual([
      ['u-max', 'xlsx'],
      ['u-ada', 'csv'],
    ]);
    expect((await get(w, 'manager', '/api/audit?from=2026-13-01')).json()).toMatchObject({
      error: { code: 'invalid_request', field: 'from' },
    });
  });
});
