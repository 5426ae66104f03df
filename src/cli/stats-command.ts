/**
 * `callfloor stats FILE...`: queue and agent KPIs from Asterisk queue_log inputs
 * (kpi.md, contract `callfloor.stats/v1`).
 */
import { setFlagsFromString } from 'node:v8';
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createOrderedStatsPipeline, createStatsPipeline } from '../core/stats/pipeline.js';
import type { StatsReport } from '../core/stats/report.js';
import {
  inputName,
  inputSize,
  readQueueLogLines,
  UnreadableInputError,
  type MalformedLine,
  type QueueLogFormat,
} from '../io/queue-log-reader.js';
import { FILE_TAG, readOrderedEvents, stopPrestartedReader } from '../io/ordered-line-reader.js';
import { InputError, UsageError, type CliContext } from './context.js';
import { addKpiOptions, parseKpiOptions, type KpiOptionValues } from './kpi-options.js';
import { formatCsv, formatTable } from './stats-format.js';

/** At most this many malformed lines are printed one by one; the rest are summed up. */
const MAX_MALFORMED_PRINTED = 100;
/** V8 heap growth after a full collection, percent (see the `stats` action). */
const HEAP_GROWING_FLAG = '--heap-growing-percent=50';
/** Inputs larger than this (bytes) get a progress bar when stderr is a terminal. */
const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

interface StatsOptions extends KpiOptionValues {
  json?: boolean;
  csv?: boolean;
  format: QueueLogFormat;
}

const EXAMPLES = `
Examples:
  $ callfloor stats /var/log/asterisk/queue_log --tz Asia/Taipei
  $ callfloor stats queue_log.1.gz queue_log --json --interval 30m --from 2026-01-05 --to 2026-01-06
  $ zcat queue_log.*.gz | callfloor stats - --csv > report.csv
  $ callfloor stats export.csv --tz America/New_York --agents aliases.json --sl-threshold 30

Give rotated files oldest first. Exit status: 0 report produced (even with malformed lines),
1 an input could not be read, 2 usage error.`;

/** Registers `stats` on the program. */
export function registerStatsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('stats')
    .description('Queue and agent KPIs from Asterisk queue_log files, exports, .gz or stdin (-)')
    .argument('<files...>', 'queue_log files (raw, .gz, CSV/TSV exports), or - for stdin')
    .option('--json', 'print the callfloor.stats/v1 JSON contract')
    .option('--csv', 'print CSV tables (queues, agents, intervals) for spreadsheets')
    .addOption(
      new Option('--format <layout>', 'input layout')
        .choices(['auto', 'raw', 'csv', 'tsv'])
        .default('auto'),
    )
    .addHelpText('after', EXAMPLES);
  addKpiOptions(command, true);
  command.action(async (files: string[], options: StatsOptions) => {
    if (options.json === true && options.csv === true) {
      throw new UsageError('options --json and --csv cannot be used together');
    }
    // A one-shot command over possibly gigabytes: keep the heap near its live data. V8's default
    // lets it grow to several times that between full collections (issue #2: peak RSS).
    setFlagsFromString(HEAP_GROWING_FLAG);
    const report = await runStats(files, options, ctx);
    ctx.stdout.write(
      options.json === true
        ? `${JSON.stringify(report, null, 2)}\n`
        : options.csv === true
          ? formatCsv(report)
          : formatTable(report),
    );
  });
}

/** Inputs of at least this many bytes in all are read on a worker thread (both cores in use). */
const THREAD_MIN_BYTES = 4 * 1024 * 1024;

/**
 * How inputs are read: `thread` on a worker thread ({@link readOrderedEvents}), `inline` on the
 * calling thread, `auto` on a worker thread for files (not stdin) of {@link THREAD_MIN_BYTES} or
 * more. Both give the same report and messages.
 */
export type ReadMode = 'auto' | 'thread' | 'inline';

/**
 * Reads the inputs and computes the report.
 * @param mode see {@link ReadMode} (`thread` falls back to `inline` when reading stdin)
 * @throws UsageError on bad options; InputError when an input cannot be read
 */
export async function runStats(
  files: readonly string[],
  options: StatsOptions,
  ctx: CliContext,
  mode: ReadMode = 'auto',
): Promise<StatsReport> {
  const { settings, aliases } = await parseKpiOptions(options);
  let malformed = 0;
  const onMalformed = (problem: MalformedLine): void => {
    malformed++;
    if (malformed <= MAX_MALFORMED_PRINTED) {
      ctx.stderr.write(`${problem.file}:${problem.line}: ${problem.reason}\n`);
    }
  };
  const onLineMalformed = (tag: number, field: string, reason: string): void =>
    onMalformed({
      file: files[Math.floor(tag / FILE_TAG)] ?? '?',
      line: tag % FILE_TAG,
      field,
      reason,
    });

  const sizes = await Promise.all(files.map(inputSize));
  const total = sizes.reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const bar =
    ctx.stderrIsTTY && total >= PROGRESS_MIN_BYTES
      ? new SingleBar({
          stream: ctx.stderr,
          format: 'reading [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s',
          hideCursor: true,
        })
      : null;
  const done = (file: number): number =>
    sizes.slice(0, file).reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const threaded =
    mode !== 'inline' && !files.includes('-') && (mode === 'thread' || total >= THREAD_MIN_BYTES);
  if (!threaded) stopPrestartedReader();
  bar?.start(Math.round(total / 1e6), 0);
  let report: StatsReport;
  try {
    if (threaded) {
      const pipeline = createOrderedStatsPipeline(settings, aliases);
      const summary = await readOrderedEvents(
        files,
        {
          timeZone: settings.timeZone,
          format: options.format,
          reorderWindow: settings.reorderWindow,
          onMalformed: (problem) => onMalformed(problem),
          onProgress:
            bar === null
              ? undefined
              : (file, bytes) => bar.update(Math.round((done(file) + bytes) / 1e6)),
        },
        (event) => pipeline.push(event),
      );
      report = pipeline.finish({
        files: files.map(inputName),
        lines: summary.lines,
        malformed: summary.readerMalformed + summary.orderMalformed,
        duplicates: summary.duplicates,
        late: summary.late,
      });
    } else {
      const pipeline = createStatsPipeline(settings, aliases, onLineMalformed);
      let lines = 0;
      let readerMalformed = 0;
      for (const [i, file] of files.entries()) {
        const summary = await readQueueLogLines(
          file,
          {
            timeZone: settings.timeZone,
            format: options.format,
            stdin: ctx.stdin,
            onMalformed: (problem) => {
              readerMalformed++;
              onMalformed(problem);
            },
            onProgress:
              bar === null ? undefined : (bytes) => bar.update(Math.round((done(i) + bytes) / 1e6)),
          },
          (line, lineNo) => pipeline.pushLine(line, i * FILE_TAG + lineNo),
        );
        lines += summary.lines;
      }
      report = pipeline.finish({
        files: files.map(inputName),
        lines,
        malformed: readerMalformed,
      });
    }
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new InputError(error.message);
    throw error;
  } finally {
    bar?.stop();
  }
  // After finish(): lines released from the reorder window at the end may be malformed too.
  printMalformedTotal(malformed, ctx);
  return report;
}

function printMalformedTotal(malformed: number, ctx: CliContext): void {
  if (malformed > MAX_MALFORMED_PRINTED) {
    ctx.stderr.write(
      `… and ${malformed - MAX_MALFORMED_PRINTED} more malformed lines (${malformed} in all)\n`,
    );
  }
}
