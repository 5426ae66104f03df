/**
 * `callfloor import FILE...`: loads queue_log history into the database (the one `serve` uses), so
 * reports cover it. Member names map to people through the register merged with `--agents`. Runs the same reader → sequencer → reconstruction as `callfloor stats`; the
 * records, the events and the 15-minute rollups are written in ONE transaction (an interrupted or
 * failed import stores nothing). Importing the same file again doubles nothing: records are keyed,
 * and the file's earlier events are replaced.
 */
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CallReconstructor } from '../core/stats/reconstruction.js';
import type {
  AgentSegment,
  QueueCallRecord,
  RecordSink,
  RejectedJoin,
} from '../core/stats/records.js';
import { eventVerb, type TelephonyEvent } from '../core/telephony/events.js';
import { EventSequencer } from '../core/telephony/sequencer.js';
import { isPostgresUrl, openDatabase, type DatabaseHandle } from '../db/database.js';
import type { StatsSettings } from '../core/stats/report.js';
import { insertEvents, type EventRow } from '../db/ingest.repository.js';
import { migrateToLatest } from '../db/migrate.js';
import { insertRecords, raiseLastEventTime } from '../db/records.repository.js';
import {
  inputName,
  inputSize,
  readQueueLog,
  UnreadableInputError,
  type MalformedLine,
} from '../io/queue-log-reader.js';
import { refreshRollups } from '../server/ingest/rollup-store.js';
import { PeopleDirectory } from '../server/people/directory.js';
import { InputError, type CliContext } from './context.js';
import { addKpiOptions, parseKpiOptions, type KpiOptionValues } from './kpi-options.js';

interface ImportOptions extends KpiOptionValues {
  db?: string;
}

/** What an import stored. */
export interface ImportSummary {
  readonly files: string[];
  readonly lines: number;
  readonly events: number;
  readonly malformed: number;
  readonly duplicates: number;
  readonly queueCalls: number;
  readonly segments: number;
}

const MAX_MALFORMED_PRINTED = 100;

/** Registers `import` on the program. */
export function registerImportCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('import')
    .description('Load queue_log history (raw, .gz, CSV/TSV exports) into the server database')
    .argument('<files...>', 'queue_log files, oldest first')
    .option(
      '--db <path>',
      'SQLite file (default $CALLFLOOR_DB or ./data/callfloor.db); DATABASE_URL selects PostgreSQL',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ callfloor import /var/log/asterisk/queue_log.1.gz /var/log/asterisk/queue_log --tz Asia/Taipei',
    );
  addKpiOptions(command, false);
  command.action(async (files: string[], options: ImportOptions) => {
    const summary = await runImport(files, options, ctx, process.env);
    ctx.stdout.write(
      `imported ${summary.events} events from ${summary.files.length} file(s): ` +
        `${summary.queueCalls} queue-calls, ${summary.segments} agent segments` +
        (summary.malformed > 0 ? `, ${summary.malformed} malformed lines skipped` : '') +
        (summary.duplicates > 0 ? `, ${summary.duplicates} duplicates` : '') +
        '\n',
    );
  });
}

/**
 * Imports files into the database.
 * @throws UsageError on bad options; InputError when an input cannot be read (nothing is stored)
 */
export async function runImport(
  files: readonly string[],
  options: ImportOptions,
  ctx: CliContext,
  env: NodeJS.ProcessEnv,
): Promise<ImportSummary> {
  const { settings, aliases } = await parseKpiOptions(options);
  const url = env.DATABASE_URL ?? null;
  const database = await openDatabase({
    path: options.db ?? env.CALLFLOOR_DB ?? './data/callfloor.db',
    url: isPostgresUrl(url) ? url : null,
  });
  try {
    await migrateToLatest(database.db, database.schema);
    // Member names of the people register, merged over --agents (the register wins), as `serve`.
    const people = await PeopleDirectory.load(database.db, aliases);
    return await importFiles(files, settings, people.aliases(), database, ctx);
  } finally {
    await database.close();
  }
}

/**
 * Imports files into an open, migrated database (one transaction).
 * @throws InputError when an input cannot be read (nothing is stored); the database's error when
 *   the write fails (nothing is stored either)
 */
export async function importFiles(
  files: readonly string[],
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string>,
  database: DatabaseHandle,
  ctx: CliContext,
): Promise<ImportSummary> {
  const queueCalls: QueueCallRecord[] = [];
  const segments: AgentSegment[] = [];
  const rejected: RejectedJoin[] = [];
  const agents = new Map<string, boolean>();
  const sink: RecordSink = {
    queueCall: (r) => queueCalls.push(r),
    agentSegment: (s) => segments.push(s),
    rejected: (j) => rejected.push(j),
    agentSeen: (a) => {
      if (!agents.has(a)) agents.set(a, false);
    },
    agentHasSessions: (a) => agents.set(a, true),
  };
  const reconstructor = new CallReconstructor({ wrapup: settings.wrapup, aliases, sink });
  const sequencer = new EventSequencer(settings.reorderWindow, (e) => reconstructor.ingest(e));
  const events: EventRow[] = [];
  const receivedMs = Date.now();
  let malformed = 0;
  let lines = 0;
  const onMalformed = (problem: MalformedLine): void => {
    malformed++;
    if (malformed <= MAX_MALFORMED_PRINTED) {
      ctx.stderr.write(`${problem.file}:${problem.line}: ${problem.reason}\n`);
    }
  };

  const sizes = await Promise.all(files.map(inputSize));
  const total = sizes.reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const bar = ctx.stderrIsTTY
    ? new SingleBar({
        stream: ctx.stderr,
        format: 'importing [{bar}] {percentage}% | {value}/{total} kB | ETA {eta}s',
        hideCursor: true,
      })
    : null;
  bar?.start(Math.max(1, Math.round(total / 1000)), 0);
  let done = 0;
  const sources: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const source = `import:${file === '-' ? '-' : resolve(file)}`;
      sources.push(source);
      const summary = await readQueueLog(
        file,
        {
          timeZone: settings.timeZone,
          onMalformed,
          onProgress:
            bar === null ? undefined : (bytes) => bar.update(Math.round((done + bytes) / 1000)),
        },
        (event: TelephonyEvent, key: string) => {
          if (!sequencer.push(event, key)) return;
          events.push({
            source,
            time: event.time,
            callId: event.callId,
            queue: event.queue,
            agent: event.agent,
            verb: eventVerb(event),
            data: JSON.stringify(event),
            receivedMs,
          });
        },
      );
      done += sizes[i] ?? 0;
      lines += summary.lines;
    }
  } catch (error) {
    bar?.stop();
    if (error instanceof UnreadableInputError) throw new InputError(error.message);
    throw error;
  }
  bar?.update(Math.round(total / 1000));
  bar?.stop();
  sequencer.flush();
  const lastTime = Number.isFinite(reconstructor.lastTime) ? reconstructor.lastTime : null;
  if (lastTime !== null) reconstructor.finish(lastTime);

  await database.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('event').where('source', 'in', sources).execute();
    await insertEvents(trx, events);
    await insertRecords(trx, { queueCalls, segments, rejected, agents });
    await refreshRollups(trx, queueCalls, {
      serviceLevelThreshold: settings.serviceLevelThreshold,
      shortAbandon: settings.shortAbandon,
      timeZone: settings.timeZone,
    });
    if (lastTime !== null) await raiseLastEventTime(trx, lastTime);
  });
  return {
    files: files.map(inputName),
    lines,
    events: events.length,
    malformed,
    duplicates: sequencer.duplicates,
    queueCalls: queueCalls.length,
    segments: segments.length,
  };
}
