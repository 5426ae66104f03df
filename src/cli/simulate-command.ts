/**
 * `callfloor simulate`: writes a deterministic simulated Asterisk `queue_log` to stdout, for trying
 * the statistics and the floor without a PBX, and for benchmarks.
 *
 *   callfloor simulate --calls 10000 --seed 7 --start 2026-01-05T00:00:00+08:00 > queue_log
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { generate, type GroundTruth } from '../core/simulation/index.js';
import { UsageError, type CliContext } from './context.js';

/** Default start of the simulated log: Monday 2026-01-05 00:00 UTC (fixed, so output is reproducible). */
export const DEFAULT_SIMULATION_START = '2026-01-05T00:00:00Z';

/** Options of `simulate` as commander parses them (strings; validated in {@link parseSimulateOptions}). */
export interface SimulateCliOptions {
  readonly calls: string;
  readonly seed: string;
  readonly start: string;
  readonly agents: string;
  readonly utcOffset?: string;
  readonly restartEveryDays: string;
  readonly truth?: string;
}

/** Validated options of `simulate`. */
export interface SimulateOptions {
  readonly calls: number;
  readonly seed: number;
  /** Epoch seconds. */
  readonly startEpoch: number;
  /** Local time offset for the time-of-day curve and shifts, minutes east of UTC. */
  readonly utcOffsetMinutes: number;
  readonly agents: number;
  readonly restartEveryDays: number;
  /** Where to write the ground truth JSON, or `null`. */
  readonly truth: string | null;
}

function integer(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

const ISO_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Validates the command-line options.
 * `--start` is an ISO 8601 date-time; with an offset (`Z`, `+08:00`) that offset is also the local
 * offset of the time-of-day curve unless `--utc-offset` is given; without one it is read as UTC.
 * @throws UsageError naming the option at fault.
 */
export function parseSimulateOptions(raw: SimulateCliOptions): SimulateOptions {
  const calls = integer(raw.calls, '--calls', 0, 100_000_000);
  const seed = integer(raw.seed, '--seed', 0, 0xffffffff);
  const agents = integer(raw.agents, '--agents', 1, 100_000);
  const restartEveryDays = integer(raw.restartEveryDays, '--restart-every-days', 0, 100_000);
  const start = raw.start.trim();
  const offsetMatch = ISO_OFFSET.exec(start);
  const millis = Date.parse(offsetMatch === null ? `${start}Z` : start);
  if (!/^\d{4}-\d{2}-\d{2}/.test(start) || !Number.isFinite(millis)) {
    throw new UsageError(`--start must be an ISO 8601 date-time, got "${raw.start}"`);
  }
  let utcOffsetMinutes = 0;
  if (raw.utcOffset !== undefined) {
    const value = Number(raw.utcOffset);
    if (!/^[+-]?\d+$/.test(raw.utcOffset.trim()) || Math.abs(value) > 14 * 60) {
      throw new UsageError(
        `--utc-offset must be minutes east of UTC (-840 to 840), got "${raw.utcOffset}"`,
      );
    }
    utcOffsetMinutes = value;
  } else if (offsetMatch !== null && offsetMatch[1]?.toUpperCase() !== 'Z') {
    const digits = (offsetMatch[1] ?? '').replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    utcOffsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return {
    calls,
    seed,
    startEpoch: Math.floor(millis / 1000),
    utcOffsetMinutes,
    agents,
    restartEveryDays,
    truth: raw.truth ?? null,
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}

/**
 * Writes the simulated log for validated options to `out`, respecting back-pressure. When the reader
 * goes away (EPIPE, e.g. `callfloor simulate | head`), it stops quietly.
 * @returns the ground truth of what was generated.
 * @throws the stream's error for any other write failure.
 */
export async function writeSimulatedLog(
  options: SimulateOptions,
  out: NodeJS.WritableStream,
): Promise<GroundTruth> {
  const log = generate({
    seed: options.seed,
    calls: options.calls,
    startEpoch: options.startEpoch,
    utcOffsetMinutes: options.utcOffsetMinutes,
    agents: options.agents,
    restartEveryDays: options.restartEveryDays,
  });
  let failure: Error | null = null;
  // Kept attached: a late 'error' event without a listener would crash the process.
  out.on('error', (error) => {
    failure ??= error;
  });
  try {
    for (const chunk of log.chunks(8192)) {
      if (failure !== null) break;
      await write(out, chunk);
    }
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure !== null && !isBrokenPipe(failure)) throw failure;
  return log.truth();
}

/** Registers `simulate` on the program. */
export function registerSimulateCommand(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description(
      'Write a deterministic simulated Asterisk queue_log (queues, agents on shifts, pauses with ' +
        'reasons, abandons, timeouts, transfers) to stdout.',
    )
    .option('--calls <n>', 'callers to simulate', '1000')
    .option('--seed <n>', 'random seed (0 to 4294967295); same seed, same log', '1')
    .option(
      '--start <iso>',
      'start time, ISO 8601 (its offset sets the local day)',
      DEFAULT_SIMULATION_START,
    )
    .option('--agents <n>', 'number of agents', '40')
    .option('--utc-offset <minutes>', 'local time offset for the day curve and shifts, minutes')
    .option('--restart-every-days <n>', 'mean days between Asterisk restarts (0 = never)', '30')
    .option('--truth <file>', 'also write the ground truth (what the simulator decided) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ callfloor simulate --calls 5000 --seed 7 > queue_log
  $ callfloor simulate --calls 200000 --start 2026-01-05T00:00:00+08:00 --truth truth.json > big.log
  $ callfloor simulate --calls 1000 | callfloor stats - --tz UTC`,
    )
    .action(async (raw: SimulateCliOptions) => {
      const options = parseSimulateOptions(raw);
      const truth = await writeSimulatedLog(options, ctx.stdout);
      if (options.truth !== null) {
        await writeFile(options.truth, JSON.stringify(truth, null, 2) + '\n');
      }
      ctx.setExitCode(0);
    });
}
