/**
 * `callfloor stats FILE...`: queue and agent KPIs from Asterisk queue_log inputs
 * (kpi.md, contract `callfloor.stats/v1`).
 */
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createStatsPipeline } from '../core/stats/pipeline.js';
import type { StatsReport } from '../core/stats/report.js';
import {
  inputName,
  inputSize,
  readQueueLogLines,
  UnreadableInputError,
  type MalformedLine,
  type QueueLogFormat,
} from '../io/queue-log-reader.js';
import { InputError, UsageError, type CliContext } from './context.js';
import { addKpiOptions, parseKpiOptions, type KpiOptionValues } from './kpi-options.js';
import { formatCsv, formatTable } from './stats-format.js';

/** At most this many malformed lines are printed one by one; the rest are summed up. */
const MAX_MALFORMED_PRINTED = 100;
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

/**
 * Reads the inputs and computes the report.
 * @throws UsageError on bad options; InputError when an input cannot be read
 */
export async function runStats(
  files: readonly string[],
  options: StatsOptions,
  ctx: CliContext,
): Promise<StatsReport> {
  const { settings, aliases } = await parseKpiOptions(options);
  let lines = 0;
  let malformed = 0;
  let readerMalformed = 0;
  const onMalformed = (problem: MalformedLine): void => {
    malformed++;
    if (malformed <= MAX_MALFORMED_PRINTED) {
      ctx.stderr.write(`${problem.file}:${problem.line}: ${problem.reason}\n`);
    }
  };
  // A line's tag: its file's index and its line number.
  const FILE_TAG = 2 ** 32;
  const pipeline = createStatsPipeline(settings, aliases, (tag, field, reason) =>
    onMalformed({
      file: files[Math.floor(tag / FILE_TAG)] ?? '?',
      line: tag % FILE_TAG,
      field,
      reason,
    }),
  );

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
  bar?.start(Math.round(total / 1e6), 0);
  let done = 0;
  try {
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
            bar === null ? undefined : (bytes) => bar.update(Math.round((done + bytes) / 1e6)),
        },
        (line, lineNo) => pipeline.pushLine(line, i * FILE_TAG + lineNo),
      );
      done += sizes[i] ?? 0;
      lines += summary.lines;
    }
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new InputError(error.message);
    throw error;
  } finally {
    bar?.stop();
  }
  if (malformed > MAX_MALFORMED_PRINTED) {
    ctx.stderr.write(
      `… and ${malformed - MAX_MALFORMED_PRINTED} more malformed lines (${malformed} in all)\n`,
    );
  }
  return pipeline.finish({ files: files.map(inputName), lines, malformed: readerMalformed });
}
