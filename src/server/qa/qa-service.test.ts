/**
 * Call QA in the server, through the service on real databases (SQLite and PostgreSQL): stored
 * evaluations equal the CLI's `callfloor qa --json`, linking to stored calls, overrides in the
 * reports, critical alerts on the floor hub, violations, acknowledgement/appeal, scope, bad input.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Principal } from '../../core/people/access.js';
import { compileQaConfig, type QaReport, type TranscriptFormat } from '../../core/qa/index.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { AppError } from '../errors.js';
import { FULL_VIEW, LiveHub } from '../live/live-hub.js';
import { QaService } from './qa-service.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'transcripts');
const fixture = (name: string): string => join(FIXTURES, name);

/** `callfloor qa --json FILE` through the real CLI entry. */
async function cliQa(file: string, ...args: string[]): Promise<QaReport> {
  let out = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await main(['node', 'callfloor', 'qa', '--json', ...args, file], {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    stderrIsTTY: false,
  });
  expect(code).toBe(0);
  return JSON.parse(out) as QaReport;
}

const person = (
  userId: string,
  role: Principal['role'],
  teamIds: readonly string[] = [],
): Principal => ({ kind: 'session', role, userId, name: userId, teamIds, tokenId: null });

const reviewer = person('q1', 'qa');
const agentA1 = person('a1', 'agent', ['t1']);
const agentA2 = person('a2', 'agent', ['t2']);
const leadT1 = person('lead1', 'team_lead', ['t1']);
const TEAMS: Record<string, string> = { a1: 't1', a2: 't2' };
const ALIASES: Record<string, string> = { 'PJSIP/1001': 'a1', 'PJSIP/1002': 'a2' };

/** Agent profanity (E09, critical by default) after a greeting. */
const PROFANITY = {
  id: 'c-prof',
  agent: 'a2',
  startedAt: 1_764_900_000,
  turns: [
    { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
    { speaker: 'customer', text: '我的快递怎么还没到' },
    { speaker: 'agent', text: '他妈的，等着吧' },
    { speaker: 'agent', text: '谢谢，再见' },
  ],
};

const dialects = await testDialects();

describe.each(dialects)('QaService on $name', ({ open }) => {
  let db: TestDatabase;
  let hub: LiveHub;
  let qa: QaService;
  let clock = 1_764_900_500_000;

  beforeAll(async () => {
    db = await open();
    hub = new LiveHub({ engine: () => null, mode: 'live', serviceLevelTarget: 0.8 });
    qa = new QaService({
      db: db.db,
      config: compileQaConfig(),
      teamOf: (agent) => TEAMS[agent] ?? null,
      agentIdOf: (name) => ALIASES[name] ?? name,
      alerts: hub,
      timeZone: 'Asia/Taipei',
      now: () => clock,
    });
    // A stored call that call.json (id call-0001) links to.
    await db.db
      .insertInto('queue_call')
      .values({
        call_id: 'call-0001',
        queue: 'sales',
        attributed_at: 1_764_896_390,
        entered_at: 1_764_896_390,
        outcome: 'answered',
        wait: 10,
        agent: 'PJSIP/1001',
        connected_at: 1_764_896_400,
        ended_at: 1_764_896_446,
        talk: 46,
        wrap_up: 0,
        transferred: 0,
        exit_key: null,
        caller_id: '0912345678',
        first_stint: 1,
        rings: '[]',
      })
      .execute();
  });
  afterAll(async () => {
    await db.dispose();
  });

  let linkedId = 0;
  let criticalId = 0;

  it('stores the CLI result of a JSON transcript and links it to the stored call', async () => {
    const text = readFileSync(fixture('call.json'), 'utf8');
    const { evaluations } = await qa.ingest(
      { text, format: 'auto', fileName: 'call.json', meta: {} },
      reviewer,
    );
    expect(evaluations).toHaveLength(1);
    const e = evaluations[0]!;
    linkedId = e.id;
    // Agent, queue and start come from the queue-call (member name → person id).
    expect(e).toMatchObject({
      callId: 'call-0001',
      agent: 'a1',
      team: 't1',
      queue: 'sales',
      startedAt: 1_764_896_400,
      automaticScore: 0.875, // 7 of 8 applicable checks pass (E12 fails; E05.deescalate n/a)
      score: 0.875,
      critical: false,
      failed: ['E12'],
    });
    const detail = await qa.detail(reviewer, e.id);
    const cli = await cliQa(fixture('call.json'));
    expect(detail.automatic).toEqual(cli.calls[0]);
    // The evidence turn of E12 is marked in the transcript.
    expect(detail.turns[3]).toMatchObject({ text: '订单明天送达。', start: 40 });
    expect(detail.turns[3]?.evidenceOf).toContain('E12');
    expect(detail.holds).toEqual([{ start: 8, end: 39 }]);
  });

  it('takes the holds of a linked call from the stored HOLD/UNHOLD intervals', async () => {
    // call.json without its `holds`; the connectors stored the hold 8–39 s after the answer.
    await db.db
      .insertInto('queue_call')
      .values({
        call_id: 'call-h',
        queue: 'sales',
        attributed_at: 1_764_896_990,
        entered_at: 1_764_896_990,
        outcome: 'answered',
        wait: 10,
        agent: 'PJSIP/1001',
        connected_at: 1_764_897_000,
        ended_at: 1_764_897_046,
        talk: 46,
        wrap_up: 0,
        transferred: 0,
        exit_key: null,
        caller_id: null,
        first_stint: 1,
        rings: '[]',
      })
      .execute();
    await db.db
      .insertInto('call_hold')
      .values({
        call_id: 'call-h',
        start_at: 1_764_897_008,
        end_at: 1_764_897_039,
        agent: 'PJSIP/1001',
      })
      .execute();
    const call = JSON.parse(readFileSync(fixture('call.json'), 'utf8')) as Record<string, unknown>;
    delete call.holds;
    const { evaluations } = await qa.ingest(
      {
        text: JSON.stringify({ ...call, id: 'call-h' }),
        format: 'json',
        fileName: 'call.json',
        meta: {},
      },
      reviewer,
    );
    const detail = await qa.detail(reviewer, evaluations[0]!.id);
    expect(detail.holds).toEqual([{ start: 8, end: 39 }]);
    // Scored as call.json with its own holds: E11 passes (the wait request came first).
    const cli = await cliQa(fixture('call.json'));
    expect(detail.automatic.checks).toEqual(cli.calls[0]!.checks);
    expect(detail.checks.find((c) => c.id === 'E11')?.result).toBe('pass');
  });

  it.each([
    ['call-zh.txt', 'text'],
    ['call-en.vtt', 'vtt'],
    ['call-zh-hant.srt', 'srt'],
    ['transcribe-en.json', 'transcribe'],
    ['chats.tsv', 'chat-tsv'],
  ] as const)('stores %s as the CLI scores it', async (name, format) => {
    const text = readFileSync(fixture(name), 'utf8');
    const { evaluations, warnings } = await qa.ingest(
      { text, format: format, fileName: name, meta: { agent: 'a1' } },
      reviewer,
    );
    const cli = await cliQa(fixture(name));
    expect(evaluations).toHaveLength(cli.calls.length);
    for (const [i, e] of evaluations.entries()) {
      const detail = await qa.detail(reviewer, e.id);
      expect(detail.automatic).toEqual(cli.calls[i]);
      expect(detail.agent).toBe('a1');
    }
    if (name === 'chats.tsv') {
      // The bad lines are reported by file and line, the good sessions kept.
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) expect(w).toMatch(/^chats\.tsv:\d+: /);
    }
  });

  it('raises a floor alert for a critical failure and records it as a violation', async () => {
    const before = hub.floor('en', FULL_VIEW).alerts.length;
    const { evaluations } = await qa.ingest(
      { text: JSON.stringify(PROFANITY), format: 'json', fileName: 'api.json', meta: PROFANITY },
      reviewer,
    );
    const e = evaluations[0]!;
    criticalId = e.id;
    expect(e).toMatchObject({ agent: 'a2', critical: true, score: 0, failed: ['E09'] });
    const alerts = hub.floor('en', FULL_VIEW).alerts;
    expect(alerts).toHaveLength(before + 1);
    const alert = alerts.find((a) => a.id === `qa.critical:${e.id}`);
    expect(alert).toEqual({
      id: `qa.critical:${e.id}`,
      norm: 'E09',
      rule: 'qa.critical',
      severity: 'critical',
      agent: 'a2',
      queue: null,
      source: null,
      since: clock,
      message: 'a2: critical QA failure (E09) on call c-prof',
    });
    expect(hub.floor('zh-TW', FULL_VIEW).alerts.find((a) => a.id === alert?.id)?.message).toBe(
      'a2：通話 c-prof 品質檢核嚴重不合格（E09）',
    );
    expect(hub.floor('zh-CN', FULL_VIEW).alerts.find((a) => a.id === alert?.id)?.message).toBe(
      'a2：通话 c-prof 质检严重不合格（E09）',
    );

    // A reviewer records the violation: stored, and the alert is closed.
    clock += 1000;
    const detail = await qa.violation(reviewer, e.id, { note: 'reported to the team lead' });
    expect(detail.violations).toEqual([
      {
        id: detail.violations[0]!.id,
        norm: 'E09',
        rule: 'qa.critical',
        by: 'q1',
        at: clock,
        note: 'reported to the team lead',
      },
    ]);
    const row = await db.db.selectFrom('violation').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ agent: 'a2', source: 'qa', evaluation_id: e.id });
    expect(hub.floor('en', FULL_VIEW).alerts.find((a) => a.id === alert?.id)).toBeUndefined();
    // A check that is not a critical failure cannot become a violation.
    await expect(qa.violation(reviewer, linkedId, {})).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('applies overrides to the score and the reports', async () => {
    const byCheck = async () => {
      const r = await qa.report(reviewer, 'check', { agent: 'a1' });
      return r.rows.find((row) => 'check' in row && row.check === 'E12');
    };
    const beforeRow = await byCheck();
    clock += 1000;
    const detail = await qa.override(reviewer, linkedId, {
      check: 'E12',
      result: 'pass',
      comment: 'thanked the customer off the recording',
    });
    expect(detail.score).toBe(1);
    expect(detail.automaticScore).toBe(0.875);
    expect(detail.checks.find((c) => c.id === 'E12')).toMatchObject({
      result: 'pass',
      automatic: 'fail',
      overridden: true,
    });
    expect(detail.overrides).toEqual([
      {
        id: detail.overrides[0]!.id,
        check: 'E12',
        result: 'pass',
        comment: 'thanked the customer off the recording',
        by: 'q1',
        at: clock,
      },
    ]);
    const afterRow = await byCheck();
    expect(afterRow).toMatchObject({
      fail: (beforeRow as { fail: number }).fail - 1,
      pass: (beforeRow as { pass: number }).pass + 1,
    });
    // Period report: call-0001 started 2025-12-05 09:00:00 in Taipei (epoch 1764896400).
    const periods = await qa.report(reviewer, 'period', {
      agent: 'a1',
      from: 1_764_896_400,
      to: 1_764_896_401,
    });
    expect(periods.rows).toEqual([
      {
        key: '2025-12-05',
        evaluations: 1,
        scored: 1,
        meanScore: 1,
        critical: 0,
        failedChecks: 0,
        meanManualScore: null,
      },
    ]);
    // Overriding the critical fail away raises no alert again, and team reports see the change.
    const teams = await qa.report(reviewer, 'team', { team: 't2' });
    expect(teams.rows).toEqual([
      {
        key: 't2',
        evaluations: 1,
        scored: 1,
        meanScore: 0,
        critical: 1,
        failedChecks: 1,
        meanManualScore: null,
      },
    ]);
  });

  it('stores manual scorecard items and their mean', async () => {
    const detail = await qa.scorecard(reviewer, linkedId, [
      { item: 'E02', score: 1, comment: 'verified the order number' },
      { item: 'E10', score: 0, comment: 'no wrap-up notes' },
      { item: 'E06', score: null, comment: '' },
    ]);
    expect(detail.manualScore).toBe(0.5);
    expect(detail.scorecard.map((s) => [s.item, s.score])).toEqual([
      ['E02', 1],
      ['E06', null],
      ['E10', 0],
    ]);
    // Given again, an item replaces the stored one.
    const again = await qa.scorecard(reviewer, linkedId, [
      { item: 'E10', score: 1, comment: 'notes found' },
    ]);
    expect(again.manualScore).toBe(1);
    expect(again.scorecard).toHaveLength(3);
  });

  it('lets the evaluated agent acknowledge and appeal, and a reviewer decide', async () => {
    clock += 1000;
    const acked = await qa.acknowledge(agentA1, linkedId);
    expect(acked.acknowledgedAt).toBe(clock);
    expect(acked.acknowledged).toBe(true);
    // Another agent does not even see it (not found), a team lead may see but not acknowledge.
    await expect(qa.acknowledge(agentA2, linkedId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(qa.acknowledge(leadT1, linkedId)).rejects.toMatchObject({ code: 'forbidden' });
    const appealed = await qa.appeal(agentA1, linkedId, 'The hold was announced before.');
    expect(appealed.appeal).toMatchObject({
      text: 'The hold was announced before.',
      status: 'open',
    });
    await expect(
      qa.decideAppeal(reviewer, criticalId, { decision: 'accepted', comment: '' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const decided = await qa.decideAppeal(reviewer, linkedId, {
      decision: 'rejected',
      comment: 'the recording has no announcement',
    });
    expect(decided.appeal).toMatchObject({
      status: 'rejected',
      decidedBy: 'q1',
      comment: 'the recording has no announcement',
    });
    await expect(qa.appeal(agentA1, linkedId, 'again')).rejects.toMatchObject({
      code: 'conflict',
    });
    const mine = await qa.list(agentA1, {});
    expect(mine.every((e) => e.agent === 'a1')).toBe(true);
    expect(mine.find((e) => e.id === linkedId)).toMatchObject({
      acknowledged: true,
      appealStatus: 'rejected',
    });
  });

  it('limits team leads to their teams', async () => {
    const list = await qa.list(leadT1, {});
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((e) => e.team === 't1')).toBe(true);
    await expect(qa.detail(leadT1, criticalId)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    const report = await qa.report(leadT1, 'agent', {});
    expect(report.rows.map((r) => ('key' in r ? r.key : null))).toEqual(['a1']);
    // Filters: E09 failures are in team t2 only.
    expect(await qa.list(leadT1, { check: 'E09' })).toEqual([]);
    expect((await qa.list(reviewer, { check: 'E09' })).map((e) => e.id)).toEqual([criticalId]);
  });

  it('reports bad input by file and JSON path or line, and stores nothing', async () => {
    const count = async () =>
      Number(
        (
          await db.db
            .selectFrom('transcript')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const bad = async (name: string, format: TranscriptFormat) =>
      qa
        .ingest(
          { text: readFileSync(fixture(name), 'utf8'), format, fileName: basename(name), meta: {} },
          reviewer,
        )
        .then(
          () => null,
          (error: unknown) => error,
        );
    const jsonError = await bad('bad-turn.json', 'auto');
    expect(jsonError).toBeInstanceOf(AppError);
    expect((jsonError as AppError).message).toBe(
      'bad-turn.json: $.turns[1].text: Invalid input: expected string, received undefined',
    );
    const textError = (await bad('bad-prefix.txt', 'text')) as AppError;
    expect(textError.code).toBe('invalid_request');
    expect(textError.message).toMatch(/^bad-prefix\.txt: line 2: no speaker prefix/);
    expect(await count()).toBe(before);
  });

  it('scores a transcript without agent turns without failing', async () => {
    const { evaluations } = await qa.ingest(
      {
        text: JSON.stringify({
          id: 'c-none',
          turns: [{ speaker: 'customer', text: '喂？有人吗' }],
        }),
        format: 'json',
        fileName: 'api.json',
        meta: { agent: 'a1' },
      },
      reviewer,
    );
    const detail = await qa.detail(reviewer, evaluations[0]!.id);
    const outcome = Object.fromEntries(detail.checks.map((c) => [c.id, c.result]));
    // Every check judges the agent: with no agent turn all are n/a (issue #5 "Bad input").
    expect(detail.score).toBeNull();
    expect(outcome).toEqual({
      E01: 'na',
      E13: 'na',
      R04: 'na',
      E11: 'na',
      E12: 'na',
      'E05.argue': 'na',
      'E05.deescalate': 'na',
      E09: 'na',
      E04: 'na',
    });
  });

  it('re-opens the alerts of unresolved critical failures after a restart', async () => {
    await qa.ingest(
      {
        text: JSON.stringify({ ...PROFANITY, id: 'c-prof-2' }),
        format: 'json',
        fileName: 'api.json',
        meta: { agent: 'a2' },
      },
      reviewer,
    );
    const fresh = new LiveHub({ engine: () => null, mode: 'live', serviceLevelTarget: 0.8 });
    const restarted = new QaService({
      db: db.db,
      config: compileQaConfig(),
      teamOf: (agent) => TEAMS[agent] ?? null,
      alerts: fresh,
      timeZone: 'Asia/Taipei',
      now: () => clock,
    });
    // c-prof has a violation record: c-prof-2 is open again, c-prof is not.
    const raised = await restarted.restoreAlerts(0);
    const messages = fresh.floor('en', FULL_VIEW).alerts.map((a) => a.message);
    expect(messages).toHaveLength(raised);
    expect(messages).toContain('a2: critical QA failure (E09) on call c-prof-2');
    expect(messages).not.toContain('a2: critical QA failure (E09) on call c-prof');
  });
});
