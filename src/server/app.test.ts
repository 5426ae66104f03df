import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { importFiles } from '../cli/import-command.js';
import type { CliContext } from '../cli/context.js';
import { runStats } from '../cli/stats-command.js';
import { defaultStatsSettings, type StatsSettings } from '../core/stats/report.js';
import { closeTestApps, startTestApp } from '../test-support/app.js';
import { tokenHeaders, type AuthHeaders } from '../test-support/auth.js';
import { testDialects, type TestDatabase } from '../test-support/databases.js';
import { sharedDataAvailable, sharedDataPath } from '../test-support/shared-data.js';
import type { IngestService } from './ingest/ingest-service.js';
import type { LiveHub } from './live/live-hub.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const settings: StatsSettings = { ...defaultStatsSettings(), timeZone: 'UTC', reorderWindow: 2 };

interface Harness {
  app: FastifyInstance;
  /** A manager's token (floor, reports, exports, customer numbers). */
  manager: AuthHeaders;
  ingest: IngestService;
  db: TestDatabase;
  hub: LiveHub;
}

afterEach(closeTestApps);

async function harness(
  db?: TestDatabase,
  nowMs = (T0 + 120) * 1000,
  webRoot = '/nonexistent',
): Promise<Harness> {
  const {
    app,
    ingest,
    hub,
    db: database,
  } = await startTestApp({
    ...(db ? { db, disposeDb: true } : {}),
    settings,
    now: () => nowMs,
    app: { webRoot },
  });
  const manager = await tokenHeaders(database.db, 'manager');
  tokens.set(app, { manager, integration: await tokenHeaders(database.db, 'integration') });
  return { app, ingest, db: database, hub, manager };
}

/** Each app's tokens: the telephony integration posts events, a manager reads. */
const tokens = new WeakMap<FastifyInstance, { manager: AuthHeaders; integration: AuthHeaders }>();

/** `app.inject` as the integration (POST /api/events) or as a manager (everything else). */
function call(app: FastifyInstance, options: string | InjectOptions) {
  const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
  const auth = tokens.get(app)!;
  const who =
    opts.method === 'POST' && opts.url === '/api/events' ? auth.integration : auth.manager;
  return app.inject({ ...opts, headers: { ...who, ...opts.headers } });
}

const quiet: CliContext = {
  stdin: process.stdin,
  stdout: { write: () => true } as unknown as NodeJS.WritableStream,
  stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  stderrIsTTY: false,
  setExitCode: () => undefined,
};

const EVENTS = [
  { time: T0, queue: 'sales', agent: 'PJSIP/1001', event: 'ADDMEMBER', data: [] },
  { time: T0, queue: 'sales', agent: 'PJSIP/1002', event: 'ADDMEMBER', data: [] },
  { time: T0 + 10, queue: 'sales', agent: 'PJSIP/1001', event: 'PAUSE', data: ['Lunch'] },
  {
    time: T0 + 20,
    callId: 'c1',
    queue: 'sales',
    event: 'ENTERQUEUE',
    data: ['', '0912345678', '1'],
  },
  { time: T0 + 30, callId: 'c2', queue: 'sales', event: 'ENTERQUEUE', data: ['', '0922', '2'] },
  {
    time: T0 + 35,
    callId: 'c1',
    queue: 'sales',
    agent: 'PJSIP/1002',
    event: 'CONNECT',
    data: ['15', 'b1', '2'],
  },
];

describe('the floor API', () => {
  it('GET /healthz answers ok while the database answers', async () => {
    const { app } = await harness();
    const res = await call(app, '/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', mode: 'live', sources: [] });
  });

  it('POST /api/events feeds the floor: states, reasons, since, waiting callers', async () => {
    const { app } = await harness();
    const res = await call(app, { method: 'POST', url: '/api/events', payload: EVENTS });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 6, duplicates: 0, rejected: [] });
    const floor = (await call(app, '/api/floor')).json<{
      at: number;
      mode: string;
      agents: {
        agent: string;
        state: string;
        reason: string | null;
        since: number;
        callId: string | null;
      }[];
      queues: {
        queue: string;
        waiting: number;
        longestWait: number;
        serviceLevelTarget: number;
        today: { offered: number };
      }[];
      alerts: unknown[];
    }>();
    expect(floor.at).toBe((T0 + 120) * 1000);
    expect(floor.mode).toBe('live');
    expect(floor.agents.map((a) => [a.agent, a.state, a.reason, a.since, a.callId])).toEqual([
      ['PJSIP/1001', 'paused', 'Lunch', (T0 + 10) * 1000, null],
      ['PJSIP/1002', 'on_call', null, (T0 + 35) * 1000, 'c1'],
    ]);
    const sales = floor.queues[0]!;
    expect(sales.queue).toBe('sales');
    expect(sales.waiting).toBe(1);
    expect(sales.longestWait).toBe(90); // c2 entered at T0+30, now is T0+120
    expect(sales.serviceLevelTarget).toBe(0.8);
    // Today: c1 (answered, in progress) and c2 (waiting) are both offered.
    expect(sales.today.offered).toBe(2);
    expect(floor.alerts).toEqual([]);
  });

  it('counts duplicates and rejects bad events with their index and field', async () => {
    const { app } = await harness();
    await call(app, { method: 'POST', url: '/api/events', payload: EVENTS.slice(0, 3) });
    const res = await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: [
        EVENTS[2],
        { time: T0 + 40, callId: 'c2', queue: 'sales', event: 'ABANDON', data: ['1', '2', 'soon'] },
      ],
    });
    expect(res.json()).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [
        { index: 1, field: 'waittime', reason: expect.stringContaining('waittime') as string },
      ],
    });
  });

  it('answers 400 naming the field for a bad request', async () => {
    const { app } = await harness();
    const bad = await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: [
        { time: T0, event: 'PAUSE' },
        { time: 'soon', event: 'PAUSE' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_request', field: '[1].time' } });
    const tooMany = await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: Array.from({ length: 10_001 }, () => ({ time: T0, event: 'INFO' })),
    });
    expect(tooMany.statusCode).toBe(400);
    const notJson = await call(app, {
      method: 'POST',
      url: '/api/events',
      headers: { 'content-type': 'application/json' },
      payload: '[{',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: { code: 'invalid_request', field: 'body' } });
    const range = await call(app, '/api/reports/queues?from=2026-01-02&to=2026-01-01');
    expect(range.json()).toMatchObject({ error: { code: 'invalid_request', field: 'to' } });
    const tz = await call(app, '/api/reports/queues?tz=Mars/Olympus');
    expect(tz.json()).toMatchObject({ error: { field: 'tz' } });
    const format = await call(app, '/api/reports/queues?format=pdf');
    expect(format.statusCode).toBe(400);
    expect(format.json()).toMatchObject({ error: { field: 'format' } });
    const missing = await call(app, '/api/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('serves the reports from stored records as JSON, CSV and XLSX', async () => {
    const { app } = await harness();
    await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: [
        ...EVENTS,
        {
          time: T0 + 95,
          callId: 'c1',
          queue: 'sales',
          agent: 'PJSIP/1002',
          event: 'COMPLETECALLER',
          data: ['15', '60', '1'],
        },
        { time: T0 + 100, callId: 'c2', queue: 'sales', event: 'ABANDON', data: ['1', '2', '70'] },
      ],
    });
    // Let the reorder window release everything into reconstruction, then commit.
    const json = (await call(app, '/api/reports/queues?from=2026-01-01T00:00:00Z')).json<{
      queues: {
        queue: string;
        offered: number;
        answered: number;
        abandoned: number;
        asa: number;
        avgTalk: number;
      }[];
      settings: { from: number; timeZone: string };
    }>();
    expect(json.settings.from).toBe(T0);
    expect(json.queues).toHaveLength(1);
    expect(json.queues[0]).toMatchObject({
      queue: 'sales',
      offered: 2,
      answered: 1,
      abandoned: 1,
      asa: 15,
    });
    const csv = await call(app, '/api/reports/queues?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, row] = csv.body.trim().split('\r\n');
    expect(header!.split(',').slice(0, 4)).toEqual(['queue', 'offered', 'answered', 'abandoned']);
    expect(row!.split(',').slice(0, 4)).toEqual(['sales', '2', '1', '1']);
    const xlsx = await call(app, '/api/reports/agents?format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('agents')!;
    // Name first (no people register here: the agent id), then the id and the KPIs.
    expect(sheet.getRow(1).getCell(1).value).toBe('name');
    expect(sheet.getRow(1).getCell(2).value).toBe('agent');
    expect(sheet.getRow(3).getCell(1).value).toBe('PJSIP/1002');
    expect(sheet.getRow(3).getCell(2).value).toBe('PJSIP/1002');
    expect(sheet.getRow(3).getCell(3).value).toBe(1); // answered
    const agent = (await call(app, '/api/reports/agents?agent=PJSIP/1001')).json<{
      agents: { agent: string }[];
    }>();
    expect(agent.agents.map((a) => a.agent)).toEqual(['PJSIP/1001']);
  });

  it('counts a call in progress as busy up to now, not up to a "to" in the future (occupancy bug in the demo)', async () => {
    // Logged in at T0, answered at T0+60, still talking at now = T0+120; the report runs to tomorrow.
    const { app } = await harness(undefined, (T0 + 120) * 1000);
    await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: [
        { time: T0, queue: 'sales', agent: 'PJSIP/1009', event: 'ADDMEMBER', data: [] },
        { time: T0 + 50, callId: 'c9', queue: 'sales', event: 'ENTERQUEUE', data: ['', '1', '1'] },
        {
          time: T0 + 60,
          callId: 'c9',
          queue: 'sales',
          agent: 'PJSIP/1009',
          event: 'CONNECT',
          data: ['10', 'x', '1'],
        },
      ],
    });
    const report = (
      await call(app, '/api/reports/agents?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')
    ).json<{ agents: { agent: string; busy: number; loggedIn: number; occupancy: number }[] }>();
    const agent = report.agents.find((a) => a.agent === 'PJSIP/1009')!;
    expect(agent).toMatchObject({ busy: 60, loggedIn: 120, occupancy: 0.5 });
  });

  it('opens the R12 absence alert at the threshold, with the message in the requested language', async () => {
    const pausedAt = T0 + 10;
    const early = await harness(undefined, (pausedAt + 599) * 1000);
    await call(early.app, { method: 'POST', url: '/api/events', payload: EVENTS.slice(0, 3) });
    early.hub.evaluateAlerts();
    expect((await call(early.app, '/api/floor')).json<{ alerts: unknown[] }>().alerts).toEqual([]);

    const { app, hub } = await harness(undefined, (pausedAt + 600) * 1000);
    await call(app, { method: 'POST', url: '/api/events', payload: EVENTS.slice(0, 3) });
    hub.evaluateAlerts();
    const en = (await call(app, '/api/floor')).json<{
      alerts: { norm: string; rule: string; agent: string; since: number; message: string }[];
    }>();
    expect(en.alerts).toHaveLength(1);
    expect(en.alerts[0]).toMatchObject({
      norm: 'R12',
      rule: 'absence.unapproved',
      agent: 'PJSIP/1001',
      since: (pausedAt + 600) * 1000,
    });
    const zh = (
      await call(app, { url: '/api/floor', headers: { 'accept-language': 'zh-TW,zh;q=0.9' } })
    ).json<{ alerts: { message: string }[] }>();
    expect(zh.alerts[0]!.message).not.toBe(en.alerts[0]!.message);
    expect(zh.alerts[0]!.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers 503 when the batch cannot be stored, and keeps nothing of it', async () => {
    const { app, db, ingest } = await harness();
    await call(app, { method: 'POST', url: '/api/events', payload: EVENTS.slice(0, 3) });
    await db.db.schema.dropTable('meta').execute(); // the next commit fails at its last write
    const res = await call(app, {
      method: 'POST',
      url: '/api/events',
      payload: [
        { time: T0 + 50, queue: 'sales', agent: 'PJSIP/1002', event: 'PAUSE', data: ['Break'] },
        { time: T0 + 51, callId: 'c9', queue: 'sales', event: 'JOINEMPTY', data: [] },
      ],
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: { code: 'unavailable', message: 'the database is unavailable; retry', field: null },
    });
    // The engine is rebuilt from the database: PJSIP/1002's pause (not stored) is not shown.
    let states: [string, string][] = [];
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      states = (await call(app, '/api/floor'))
        .json<{ agents: { agent: string; state: string }[] }>()
        .agents.map((a) => [a.agent, a.state]);
      if (states.some(([a, s]) => a === 'PJSIP/1002' && s === 'available')) break;
    }
    expect(states).toEqual([
      ['PJSIP/1001', 'paused'],
      ['PJSIP/1002', 'available'],
    ]);
    expect(ingest.failedCommits).toBe(1);
    const stored = await db.db.selectFrom('event').select('verb').execute();
    expect(stored.map((e) => e.verb)).toEqual(['ADDMEMBER', 'ADDMEMBER', 'PAUSE']);
  });

  it('publishes the OpenAPI document and the interactive docs', async () => {
    const { app } = await harness();
    const doc = (await call(app, '/api/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/api/floor', '/api/events', '/api/reports/{kind}']),
    );
    const ui = await call(app, '/api/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    const root = await call(app, '/');
    expect(root.body).toContain('npm run build');
  });

  it('serves the built UI with an SPA fallback for its routes', async () => {
    const web = mkdtempSync(join(tmpdir(), 'callfloor-web-'));
    try {
      mkdirSync(join(web, 'assets'));
      writeFileSync(join(web, 'index.html'), '<!doctype html><div id="root"></div>');
      writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1);');
      const { app } = await harness(undefined, undefined, web);
      expect((await call(app, '/')).body).toContain('id="root"');
      const wallboard = await call(app, '/wallboard');
      expect(wallboard.statusCode).toBe(200);
      expect(wallboard.body).toContain('id="root"');
      expect((await call(app, '/reports/queues')).body).toContain('id="root"');
      expect((await call(app, '/assets/app.js')).body).toBe('console.log(1);');
      const api = await call(app, '/api/unknown');
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('sends a snapshot on connect, then agent and queue changes over WebSocket', async () => {
    const h = await harness();
    const { app } = h;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${address.port}/api/live`, { headers: h.manager });
    const messages: {
      type: string;
      data: { agent?: string; queue?: string; state?: string; waiting?: number };
    }[] = [];
    ws.on('message', (data) =>
      messages.push(JSON.parse((data as Buffer).toString('utf8')) as (typeof messages)[number]),
    );
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < 100 && messages.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(messages[0]?.type).toBe('snapshot');
    await call(app, { method: 'POST', url: '/api/events', payload: EVENTS.slice(0, 4) });
    for (let i = 0; i < 100 && messages.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    ws.close();
    const agentMsgs = messages
      .filter((m) => m.type === 'agent')
      .map((m) => [m.data.agent, m.data.state]);
    expect(agentMsgs).toContainEqual(['PJSIP/1001', 'paused']);
    const queueMsgs = messages.filter((m) => m.type === 'queue');
    expect(queueMsgs.at(-1)?.data).toMatchObject({ queue: 'sales', waiting: 1 });
  });
});

const dialects = await testDialects();
const disposables: TestDatabase[] = [];
afterAll(async () => {
  for (const db of disposables) await db.dispose();
});

describe.runIf(sharedDataAvailable())('reports of imported history', () => {
  const files = [
    { file: 'anonymous-bank-dec1999-subset', minOffered: 1000 },
    { file: 'pbxware-queue-log', minOffered: 100 },
  ];
  const cases = dialects.flatMap((d) => files.map((f) => ({ ...d, ...f })));
  it.each(cases)(
    'GET /api/reports gives the same figures as callfloor stats for $file/queue_log ($name)',
    async ({ open: openDb, file, minOffered }) => {
      const db = await openDb();
      const path = sharedDataPath(file, 'queue_log');
      await importFiles([path], { ...settings, reorderWindow: 300 }, new Map(), db, quiet);
      const { app } = await harness(db, Date.UTC(2030, 0, 1));
      const cli = await runStats([path], { tz: 'UTC', interval: '30m', format: 'auto' }, quiet);
      const queues = (await call(app, '/api/reports/queues')).json<{
        queues: unknown[];
        totals: unknown;
      }>();
      const agents = (await call(app, '/api/reports/agents')).json<{ agents: unknown[] }>();
      const intervals = (await call(app, '/api/reports/intervals?interval=30m')).json<{
        intervals: unknown[];
      }>();
      expect(cli.totals.offered).toBeGreaterThan(minOffered);
      expect(queues.queues).toEqual(cli.queues);
      expect(queues.totals).toEqual(cli.totals);
      expect(agents.agents).toEqual(cli.agents);
      expect(intervals.intervals).toEqual(cli.intervals);
    },
  );
});
