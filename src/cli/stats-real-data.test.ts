/**
 * `stats` on the real public files in ../shared/data (read in place, never copied: see
 * src/test-support/shared-data.ts). Skipped with a message where the folder is missing; a failure
 * under CI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { sharedDataAvailable, sharedDataPath } from '../test-support/shared-data.js';
import type { CliContext } from './context.js';
import { runStats } from './stats-command.js';

const available = sharedDataAvailable();

function context(): CliContext & { errors: () => string } {
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    stderrIsTTY: false,
    setExitCode: () => undefined,
    errors: () => errors,
  };
}

describe.runIf(available)('anonymous bank, Dec 1999 (Technion SEE), against clean_data.csv', () => {
  it('reports what the CSV says: offered, ASA, average talk, per-agent answered and talk', async () => {
    // The truth, computed here from the CSV the log was derived from (SOURCE.md).
    const rows = parse<Record<string, string>>(
      readFileSync(sharedDataPath('anonymous-bank-dec1999-subset', 'clean_data.csv')),
      { columns: true },
    );
    const qTimes = rows.map((r) => Number(r.q_time));
    const serTimes = rows.map((r) => Number(r.ser_time));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const perAgent = new Map<string, { answered: number; talk: number }>();
    for (const r of rows) {
      const a = perAgent.get(r.server!) ?? { answered: 0, talk: 0 };
      a.answered++;
      a.talk += Number(r.ser_time);
      perAgent.set(r.server!, a);
    }

    const ctx = context();
    const report = await runStats(
      [sharedDataPath('anonymous-bank-dec1999-subset', 'queue_log')],
      { tz: 'Asia/Jerusalem', format: 'auto' },
      ctx,
    );

    expect(rows.length).toBe(1552);
    expect(report.input.malformed).toBe(0);
    expect(report.totals.offered).toBe(1552);
    expect(report.totals.answered).toBe(1552);
    expect(report.totals.uniqueCalls).toBe(1552);
    expect(report.totals.asa).toBeCloseTo(mean(qTimes), 9);
    expect(report.totals.avgTalk).toBeCloseTo(mean(serTimes), 9);
    expect(report.agents.map((a) => a.agent).sort()).toEqual([...perAgent.keys()].sort());
    for (const agent of report.agents) {
      expect(agent.answered, agent.agent).toBe(perAgent.get(agent.agent)?.answered);
      expect(agent.talk, agent.agent).toBe(perAgent.get(agent.agent)?.talk);
    }
  });
});

describe.runIf(available)(
  'PBXware production log (custom verbs, duplicates, restarts, two member names)',
  () => {
    const file = sharedDataPath('pbxware-queue-log', 'queue_log');
    const aliasFile = join(mkdtempSync(join(tmpdir(), 'callfloor-')), 'aliases.json');
    writeFileSync(
      aliasFile,
      JSON.stringify(
        Object.fromEntries(
          ['1109', '1126', '1127', '1128', '1141', '1144'].map((n) => [
            `Local/${n}@callback-agent`,
            `Agent/${n}`,
          ]),
        ),
      ),
    );

    it('reads every line, and the figures match the ones counted by hand', async () => {
      const ctx = context();
      const report = await runStats(
        [file],
        { tz: 'America/New_York', format: 'auto', agents: aliasFile },
        ctx,
      );
      // Counted with: awk -F'|' '{print $5}' queue_log | sort | uniq -c ; sort queue_log | uniq -d
      expect(report.input).toMatchObject({
        lines: 1000,
        malformed: 0,
        duplicates: 14,
        events: 986,
      });
      // OUT* custom verbs: 128 + 77 + 24 + 18 + 9 + 1 = 257 lines, 14 of them duplicates.
      expect(report.input.unknownEvents).toBe(243);
      expect(ctx.errors()).toBe('');
      const it = report.queues.find((q) => q.queue === 'IT')!;
      // 108 ENTERQUEUE; 93 CONNECT; 12 ABANDON; 1 EXITWITHTIMEOUT; the export ends with 2 callers
      // still queued (…2389, …2438); no caller was queued at any of the 7 restarts.
      expect(it).toMatchObject({
        offered: 108,
        answered: 93,
        abandoned: 12,
        timedOut: 1,
        stillWaiting: 2,
        lost: 0,
        transferred: 2,
        answeredWithinThreshold: 39,
      });
      // awk: mean CONNECT holdtime = 3599/93; mean ABANDON waittime = 1141/12; talk of the 91 calls
      // that ended in the input = 23913 s (COMPLETE* calltime + the two transfers' calltime).
      expect(it.asa).toBeCloseTo(3599 / 93, 9);
      expect(it.avgAbandonWait).toBeCloseTo(1141 / 12, 9);
      expect(it.avgTalk).toBeCloseTo(23913 / 91, 9);
      expect(it.serviceLevel).toBeCloseTo(39 / 108, 9);
      expect(it.maxWait).toBe(300);
      // One person per agent number once the two member names are mapped.
      expect(report.agents.map((a) => a.agent)).toEqual([
        'Agent/1109',
        'Agent/1126',
        'Agent/1127',
        'Agent/1128',
        'Agent/1141',
        'Agent/1144',
      ]);
      const a1128 = report.agents.find((a) => a.agent === 'Agent/1128')!;
      // Sessions [1543828334, 1543854795] and [1543908688, 1543941762]: the AGENTCALLBACKLOGOFF
      // lines themselves say 26461 and 33074 s.
      expect(a1128).toMatchObject({ answered: 13, talk: 2110, loggedIn: 26461 + 33074, paused: 0 });
      const talk = Object.fromEntries(report.agents.map((a) => [a.agent, [a.answered, a.talk]]));
      expect(talk).toEqual({
        'Agent/1109': [17, 5524],
        'Agent/1126': [13, 3887],
        'Agent/1127': [18, 3842],
        'Agent/1128': [13, 2110],
        'Agent/1141': [22, 5358],
        'Agent/1144': [10, 3192],
      });
    });

    it('reads the PBXware CSV export to the same report as the raw log', async () => {
      const raw = await runStats(
        [file],
        { tz: 'America/New_York', format: 'auto', agents: aliasFile },
        context(),
      );
      const csv = await runStats(
        [sharedDataPath('pbxware-queue-log', 'queue_log.csv')],
        { tz: 'America/New_York', format: 'auto', agents: aliasFile },
        context(),
      );
      expect(csv.input.malformed).toBe(0);
      expect(csv.queues).toEqual(raw.queues);
      expect(csv.agents).toEqual(raw.agents);
      expect(csv.totals).toEqual(raw.totals);
      expect(csv.input.duplicates).toBe(raw.input.duplicates);
    });
  },
);
