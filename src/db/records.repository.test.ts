import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatsAggregator } from '../core/stats/aggregate.js';
import { defaultStatsSettings, type StatsSettings } from '../core/stats/report.js';
import { importFiles } from '../cli/import-command.js';
import type { CliContext } from '../cli/context.js';
import { runStats } from '../cli/stats-command.js';
import { sharedDataAvailable, sharedDataPath } from '../test-support/shared-data.js';
import { testDialects, type TestDatabase } from '../test-support/databases.js';
import { countEvents, selectRollups } from './ingest.repository.js';
import { callHolds, feedRecords, insertRecords, lastRecordTime } from './records.repository.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'queue_log');
const fixtureFiles = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.queue_log'))
  .sort();

function quietCtx(): CliContext {
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  return {
    stdin: process.stdin,
    stdout: sink,
    stderr: sink,
    stderrIsTTY: false,
    setExitCode: () => undefined,
  };
}

function settingsFor(file: string): StatsSettings {
  const expected = join(FIXTURES, file.replace(/\.queue_log$/, '.expected.json'));
  const raw = JSON.parse(readFileSync(expected, 'utf8')) as {
    settings?: Partial<StatsSettings>;
  };
  // The whole input (no range): a session still open at the end of an import closes at its last
  // event, as `stats` does without --to.
  return { ...defaultStatsSettings(), timeZone: 'UTC', ...raw.settings, from: null, to: null };
}

/** The report from stored records, as the API computes it (no live engine). */
async function reportFromDb(db: TestDatabase, settings: StatsSettings) {
  const aggregator = new StatsAggregator(settings);
  await feedRecords(db.db, { from: settings.from, to: settings.to, queue: null }, aggregator);
  const end = settings.to ?? (await lastRecordTime(db.db)) ?? 0;
  return aggregator.report(
    { files: [], lines: 0, events: 0, malformed: 0, duplicates: 0, late: 0, unknownEvents: 0 },
    end,
  );
}

const dialects = await testDialects();
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

describe.each(dialects)('stored records on $name', ({ open }) => {
  it.each(fixtureFiles)('give the same report as callfloor stats for %s', async (file) => {
    const db = await open();
    opened.push(db);
    const settings = { ...settingsFor(file), interval: 15 as const };
    const path = join(FIXTURES, file);
    await importFiles([path], settings, new Map(), db, quietCtx());
    const fromDb = await reportFromDb(db, settings);
    const fromCli = await runStats(
      [path],
      {
        tz: settings.timeZone,
        slThreshold: String(settings.serviceLevelThreshold),
        shortAbandon: String(settings.shortAbandon),
        slFormula: settings.serviceLevelFormula,
        interval: '15m',
        format: 'auto',
      },
      quietCtx(),
    );
    expect(fromDb.queues).toEqual(fromCli.queues);
    expect(fromDb.agents).toEqual(fromCli.agents);
    expect(fromDb.intervals).toEqual(fromCli.intervals);
    expect(fromDb.totals).toEqual(fromCli.totals);
  });

  it('re-importing a file doubles nothing (records, events, rollups)', async () => {
    const db = await open();
    opened.push(db);
    const file = join(FIXTURES, fixtureFiles[0]!);
    const settings = settingsFor(fixtureFiles[0]!);
    const first = await importFiles([file], settings, new Map(), db, quietCtx());
    const rollupsBefore = await selectRollups(db.db, null, null);
    const before = await reportFromDb(db, settings);
    await importFiles([file], settings, new Map(), db, quietCtx());
    expect(await countEvents(db.db)).toBe(first.events);
    expect(await selectRollups(db.db, null, null)).toEqual(rollupsBefore);
    expect(await reportFromDb(db, settings)).toEqual(before);
    // The rollup's counts are those of the report (one 15-minute interval or more).
    const offered = rollupsBefore.reduce((sum, r) => sum + Number(r.offered), 0);
    expect(offered).toBe(before.totals.offered);
  });

  it('writes nothing of a batch that fails half-way', async () => {
    const db = await open();
    opened.push(db);
    const record = {
      callId: '1.1',
      queue: 'sales',
      attributedAt: 1000,
      enteredAt: 1000,
      outcome: 'answered' as const,
      wait: 5,
      agent: 'PJSIP/1',
      connectedAt: 1005,
      endedAt: 1100,
      talk: 95,
      wrapUp: 0,
      transferred: false,
      exitKey: null,
      callerId: null,
      firstStint: true,
      rings: [],
    };
    await expect(
      db.db.transaction().execute(async (trx) => {
        await insertRecords(trx, {
          queueCalls: [record],
          segments: [],
          rejected: [],
          agents: new Map([['PJSIP/1', true]]),
        });
        // A NOT NULL violation after the first rows: the whole transaction must roll back.
        await trx
          .insertInto('agent_segment')
          .values({
            agent: 'PJSIP/1',
            kind: 'paused',
            reason: null,
            start_at: null as unknown as number,
            end_at: 2,
          })
          .execute();
      }),
    ).rejects.toThrow();
    const rows = await db.db.selectFrom('queue_call').selectAll().execute();
    expect(rows).toHaveLength(0);
    expect(await db.db.selectFrom('agent_seen').selectAll().execute()).toHaveLength(0);
  });

  it('store the holds of a call and read them back in start order, once', async () => {
    const db = await open();
    opened.push(db);
    const T = 1_700_000_000;
    const holds = [
      { callId: 'c1', agent: 'Alice', start: T + 40.5, end: T + 45 },
      { callId: 'c1', agent: 'Alice', start: T + 20, end: T + 30 },
      { callId: 'c2', agent: null, start: T + 20, end: T + 21 },
    ];
    const batch = { queueCalls: [], segments: [], rejected: [], agents: new Map(), holds };
    await db.db.transaction().execute((trx) => insertRecords(trx, batch));
    // The same holds again (a replay) store nothing more.
    await db.db.transaction().execute((trx) => insertRecords(trx, batch));
    expect(await callHolds(db.db, 'c1')).toEqual([
      { callId: 'c1', agent: 'Alice', start: T + 20, end: T + 30 },
      { callId: 'c1', agent: 'Alice', start: T + 40.5, end: T + 45 },
    ]);
    expect(await callHolds(db.db, 'c2')).toEqual([
      { callId: 'c2', agent: null, start: T + 20, end: T + 21 },
    ]);
    expect(await callHolds(db.db, 'none')).toEqual([]);
  });
});

describe.runIf(sharedDataAvailable())('import of shared data', () => {
  it.each(dialects)(
    'gives the same report as callfloor stats on anonymous-bank queue_log ($name)',
    async ({ open }) => {
      const db = await open();
      opened.push(db);
      const path = sharedDataPath('anonymous-bank-dec1999-subset', 'queue_log');
      const settings: StatsSettings = { ...defaultStatsSettings(), timeZone: 'UTC', interval: 60 };
      await importFiles([path], settings, new Map(), db, quietCtx());
      const fromDb = await reportFromDb(db, settings);
      const fromCli = await runStats(
        [path],
        { tz: 'UTC', interval: '60m', format: 'auto' },
        quietCtx(),
      );
      expect(fromCli.totals.offered).toBeGreaterThan(0);
      expect(fromDb.queues).toEqual(fromCli.queues);
      expect(fromDb.agents).toEqual(fromCli.agents);
      expect(fromDb.intervals).toEqual(fromCli.intervals);
    },
  );
});
