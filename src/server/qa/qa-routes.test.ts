/**
 * The QA routes through the real app and auth plugin: people sign in (cookie + CSRF), the
 * integration uploads with an API token. Service details are tested in qa-service.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { QaReport } from '../../core/qa/index.js';
import { defaultStatsSettings } from '../../core/stats/report.js';
import { createTestUser, signIn, tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import { sqliteTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import { buildApp } from '../app.js';
import { LiveHub } from '../live/live-hub.js';
import { PeopleDirectory } from '../people/directory.js';
import type { EvaluationDetail, EvaluationSummary } from './qa-service.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'transcripts');
const fixture = (name: string): string => join(FIXTURES, name);
const TEAMS: Record<string, string> = { a1: 't1', a2: 't2' };

async function cliQa(file: string): Promise<QaReport> {
  let out = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await main(['node', 'callfloor', 'qa', '--json', file], {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    stderrIsTTY: false,
  });
  return JSON.parse(out) as QaReport;
}

let db: TestDatabase;
let app: FastifyInstance;
let integration: AuthHeaders;
let reviewer: AuthHeaders;
let agent1: AuthHeaders;
let agent2: AuthHeaders;
let lead1: AuthHeaders;
let manager: AuthHeaders;
let linkedId = 0;
let criticalId = 0;

beforeAll(async () => {
  db = await sqliteTestDatabase();
  const hub = new LiveHub({ engine: () => null, mode: 'live', serviceLevelTarget: 0.8 });
  const people = await PeopleDirectory.load(db.db);
  app = await buildApp({
    people,
    database: db,
    ingest: null,
    hub,
    mode: 'live',
    settings: { ...defaultStatsSettings(), timeZone: 'UTC' },
    webRoot: '/nonexistent',
    logger: false,
    qa: { teamOf: (agent) => TEAMS[agent] ?? null },
  });
  await db.db
    .insertInto('team')
    .values([
      { id: 't1', name: 'Team 1', site_id: null, lead_id: 'lead1' },
      { id: 't2', name: 'Team 2', site_id: null, lead_id: null },
    ])
    .execute();
  await createTestUser(db.db, { id: 'q1', role: 'qa' });
  await createTestUser(db.db, { id: 'a1', role: 'agent', teamId: 't1', name: 'Ann Agent' });
  await createTestUser(db.db, { id: 'a2', role: 'agent', teamId: 't2' });
  await createTestUser(db.db, { id: 'lead1', role: 'team_lead' });
  await people.reload();
  integration = await tokenHeaders(db.db, 'integration');
  manager = await tokenHeaders(db.db, 'manager');
  reviewer = await signIn(app, 'q1');
  agent1 = await signIn(app, 'a1');
  agent2 = await signIn(app, 'a2');
  lead1 = await signIn(app, 'lead1');
});
afterAll(async () => {
  await app.close();
  await db.dispose();
});

describe('POST /api/transcripts', () => {
  it('scores a JSON transcript on arrival: the stored result equals callfloor qa --json', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/transcripts?agent=a1&name=call.json',
      headers: { ...integration, 'content-type': 'application/json' },
      payload: readFileSync(fixture('call.json'), 'utf8'),
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ evaluations: EvaluationSummary[]; warnings: string[] }>();
    expect(body.warnings).toEqual([]);
    expect(body.evaluations).toHaveLength(1);
    linkedId = body.evaluations[0]!.id;
    expect(body.evaluations[0]).toMatchObject({ agent: 'a1', score: 0.875, failed: ['E12'] });
    const detail = await app.inject({ url: `/api/qa/evaluations/${linkedId}`, headers: reviewer });
    expect(detail.statusCode).toBe(200);
    expect(detail.json<EvaluationDetail>().automatic).toEqual(
      (await cliQa(fixture('call.json'))).calls[0],
    );
    // Reading a transcript is audited as a read of customer data.
    const audit = await db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'read.customer_data')
      .execute();
    expect(audit.map((a) => [a.actor_id, a.target])).toEqual([['q1', `qa_evaluation:${linkedId}`]]);
  });

  it('reads other formats from a text body with ?format=', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/transcripts?format=vtt&agent=a1&name=call-en.vtt',
      headers: { ...integration, 'content-type': 'text/vtt' },
      payload: readFileSync(fixture('call-en.vtt'), 'utf8'),
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ evaluations: EvaluationSummary[] }>().evaluations[0]!.id;
    const detail = await app.inject({ url: `/api/qa/evaluations/${id}`, headers: reviewer });
    expect(detail.json<EvaluationDetail>().automatic).toEqual(
      (await cliQa(fixture('call-en.vtt'))).calls[0],
    );
  });

  it('answers 400 naming the JSON path or the line, and stores nothing', async () => {
    const post = (name: string, type: string, query = '') =>
      app.inject({
        method: 'POST',
        url: `/api/transcripts?name=${name}${query}`,
        headers: { ...integration, 'content-type': type },
        payload: readFileSync(fixture(name), 'utf8'),
      });
    const before = (await db.db.selectFrom('transcript').select('id').execute()).length;
    const path = await post('bad-turn.json', 'application/json');
    expect(path.statusCode).toBe(400);
    expect(path.json()).toEqual({
      error: {
        code: 'invalid_request',
        message:
          'bad-turn.json: $.turns[1].text: Invalid input: expected string, received undefined',
        field: 'body',
      },
    });
    const syntax = await post('bad-syntax.json', 'application/json');
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json<{ error: { message: string } }>().error.message).toMatch(
      /^bad-syntax\.json: line 2: invalid JSON/,
    );
    const line = await post('bad-prefix.txt', 'text/plain', '&format=text');
    expect(line.statusCode).toBe(400);
    expect(line.json<{ error: { message: string } }>().error.message).toMatch(
      /^bad-prefix\.txt: line 2: no speaker prefix/,
    );
    const empty = await app.inject({
      method: 'POST',
      url: '/api/transcripts',
      headers: { ...integration, 'content-type': 'text/plain' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    expect((await db.db.selectFrom('transcript').select('id').execute()).length).toBe(before);
  });

  it('needs transcripts.ingest', async () => {
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/transcripts',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(anonymous.statusCode).toBe(401);
    const asAgent = await app.inject({
      method: 'POST',
      url: '/api/transcripts',
      headers: { ...agent1, 'content-type': 'application/json' },
      payload: readFileSync(fixture('call.json'), 'utf8'),
    });
    expect(asAgent.statusCode).toBe(403);
  });
});

describe.skipIf(!sharedDataAvailable())('POST /api/transcripts with real data', () => {
  it('stores the 994 JDDC chat sessions exactly as callfloor qa --json scores them', async () => {
    const file = sharedDataPath('jddc-chat-zh', 'chat_0.1per.txt');
    const before = await db.db.selectFrom('qa_evaluation').select('id').execute();
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/transcripts?format=chat-tsv&name=chat_0.1per.txt&agent=a1',
      headers: { ...integration, 'content-type': 'text/tab-separated-values' },
      payload: readFileSync(file, 'utf8'),
    });
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(201);
    const ids = new Set(
      res.json<{ evaluations: EvaluationSummary[] }>().evaluations.map((e) => e.id),
    );
    const stored = (
      await db.db.selectFrom('qa_evaluation').select(['id', 'result']).orderBy('id').execute()
    ).filter((r) => ids.has(Number(r.id)));
    const cli = await cliQa(file);
    expect(stored).toHaveLength(994);
    expect(stored.map((r) => JSON.parse(r.result) as unknown)).toEqual(cli.calls);
    expect(before.length + 994).toBe(
      (await db.db.selectFrom('qa_evaluation').select('id').execute()).length,
    );
    console.info(`JDDC 994 sessions: POST /api/transcripts ${Math.round(elapsed)} ms`);
  }, 120_000);
});

describe('review', () => {
  it('puts a critical failure on the floor console', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/transcripts',
      headers: { ...integration, 'content-type': 'application/json' },
      payload: {
        id: 'c-prof',
        agent: 'a2',
        turns: [
          { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
          { speaker: 'customer', text: '我的快递怎么还没到' },
          { speaker: 'agent', text: '他妈的，等着吧' },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    criticalId = res.json<{ evaluations: EvaluationSummary[] }>().evaluations[0]!.id;
    const floor = await app.inject({ url: '/api/floor?lang=zh-TW', headers: manager });
    expect(
      floor.json<{ alerts: { rule: string; norm: string; agent: string; message: string }[] }>()
        .alerts,
    ).toContainEqual(
      expect.objectContaining({
        rule: 'qa.critical',
        norm: 'E09',
        agent: 'a2',
        message: 'a2：通話 c-prof 品質檢核嚴重不合格（E09）',
      }),
    );
  });

  it('lets a reviewer override a check (with CSRF), which changes the report', async () => {
    const report = async () =>
      (
        await app.inject({ url: '/api/qa/reports?groupBy=agent&agent=a1', headers: reviewer })
      ).json<{ rows: { key: string; meanScore: number; failedChecks: number }[] }>().rows[0];
    const before = await report();
    const noCsrf = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/override`,
      headers: { cookie: reviewer.cookie! },
      payload: { check: 'E12', result: 'pass', comment: 'thanked off the recording' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/override`,
      headers: reviewer,
      payload: { check: 'E12', result: 'pass', comment: 'thanked off the recording' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<EvaluationDetail>().score).toBe(1);
    const after = await report();
    expect(after?.failedChecks).toBe((before?.failedChecks ?? 0) - 1);
    expect(after!.meanScore).toBeGreaterThan(before!.meanScore);
    const missingComment = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/override`,
      headers: reviewer,
      payload: { check: 'E12', result: 'pass', comment: ' ' },
    });
    expect(missingComment.statusCode).toBe(400);
    expect(missingComment.json<{ error: { field: string } }>().error.field).toBe('comment');
    // An agent cannot override.
    const asAgent = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/override`,
      headers: agent1,
      payload: { check: 'E12', result: 'pass', comment: 'me' },
    });
    expect(asAgent.statusCode).toBe(403);
  });

  it('lets the agent acknowledge and appeal their own evaluation only', async () => {
    const ack = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/ack`,
      headers: agent1,
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json<EvaluationDetail>().acknowledged).toBe(true);
    const other = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/ack`,
      headers: agent2,
    });
    expect(other.statusCode).toBe(404);
    const appeal = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/appeal`,
      headers: agent1,
      payload: { text: 'I announced the hold.' },
    });
    expect(appeal.statusCode).toBe(200);
    const decision = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${linkedId}/appeal/decision`,
      headers: reviewer,
      payload: { decision: 'accepted', comment: 'confirmed on the recording' },
    });
    expect(decision.json<EvaluationDetail>().appeal).toMatchObject({
      status: 'accepted',
      decidedBy: 'q1',
    });
  });

  it('keeps team leads to their teams', async () => {
    const list = await app.inject({ url: '/api/qa/evaluations', headers: lead1 });
    const evaluations = list.json<{
      evaluations: (EvaluationSummary & { agentName: string })[];
    }>().evaluations;
    expect(evaluations.length).toBeGreaterThan(0);
    expect(evaluations.every((e) => e.agent === 'a1')).toBe(true);
    // Named as the floor names them: the person's name from the register.
    expect(new Set(evaluations.map((e) => e.agentName))).toEqual(new Set(['Ann Agent']));
    const first = await app.inject({
      url: `/api/qa/evaluations/${evaluations[0]!.id}`,
      headers: lead1,
    });
    expect(first.json<{ agentName: string }>().agentName).toBe('Ann Agent');
    const other = await app.inject({ url: `/api/qa/evaluations/${criticalId}`, headers: lead1 });
    expect(other.statusCode).toBe(404);
    const mine = await app.inject({ url: '/api/qa/evaluations', headers: agent2 });
    const mineList = mine.json<{ evaluations: (EvaluationSummary & { agentName: string })[] }>();
    expect(mineList.evaluations.map((e) => e.id)).toEqual([criticalId]);
    // a2 was registered without a name (createTestUser then uses the id).
    expect(mineList.evaluations[0]!.agentName).toBe('a2');
  });

  it('records a violation and exports reports to those allowed', async () => {
    const v = await app.inject({
      method: 'POST',
      url: `/api/qa/evaluations/${criticalId}/violation`,
      headers: reviewer,
      payload: { note: 'profanity' },
    });
    expect(v.statusCode).toBe(200);
    expect(v.json<EvaluationDetail>().violations).toMatchObject([
      { norm: 'E09', rule: 'qa.critical' },
    ]);
    const floor = await app.inject({ url: '/api/floor', headers: manager });
    expect(
      floor.json<{ alerts: { rule: string }[] }>().alerts.filter((a) => a.rule === 'qa.critical'),
    ).toEqual([]);
    const csv = await app.inject({
      url: '/api/qa/reports?groupBy=check&format=csv&agent=a2',
      headers: reviewer,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe('check,pass,fail,na,failRate');
    // a2's one call: E09 failed (after the violation too: a record does not change the result).
    expect(csv.body).toContain('\r\nE09,0,1,0,1\r\n');
    const asAgent = await app.inject({
      url: '/api/qa/reports?groupBy=agent&format=csv',
      headers: agent1,
    });
    expect(asAgent.statusCode).toBe(403);
  });
});

describe('site QA config edited in the UI (issue #5: "a file, and editable in the UI")', () => {
  it('validates with the bad key named, applies to calls scored from then on, and survives a restart', async () => {
    const put = (config: unknown, headers = manager) =>
      app.inject({ method: 'PUT', url: '/api/qa/config', headers, payload: { config } });
    expect((await app.inject({ url: '/api/qa/config', headers: reviewer })).json()).toEqual({
      config: {},
      source: 'defaults',
    });
    const bad = await put({ checks: { E04: { maxCharsPerMinute: -1 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'invalid_request', field: 'config.checks.E04.maxCharsPerMinute' },
    });
    // QA reviewers read it; only settings.edit (manager, admin) changes it.
    expect((await put({}, reviewer)).statusCode).toBe(403);

    const critical = { checks: { E12: { critical: true } } };
    const ok = await put(critical);
    expect(ok.json()).toEqual({ config: critical, source: 'ui' });
    // call.json fails only E12 (0.875 before): now a critical failure, score 0.
    const res = await app.inject({
      method: 'POST',
      url: '/api/transcripts?agent=a1&name=call-again.json',
      headers: { ...integration, 'content-type': 'application/json' },
      payload: readFileSync(fixture('call.json'), 'utf8'),
    });
    expect(res.json<{ evaluations: EvaluationSummary[] }>().evaluations[0]).toMatchObject({
      score: 0,
      failed: ['E12'],
    });

    // A restarted server on the same database uses the saved config.
    const again = await buildApp({
      database: db,
      ingest: null,
      hub: new LiveHub({ engine: () => null, mode: 'live', serviceLevelTarget: 0.8 }),
      mode: 'live',
      settings: { ...defaultStatsSettings(), timeZone: 'UTC' },
      webRoot: '/nonexistent',
      logger: false,
    });
    try {
      const view = await again.inject({ url: '/api/qa/config', headers: manager });
      expect(view.json()).toEqual({ config: critical, source: 'ui' });
    } finally {
      await again.close();
    }
  });
});
