/**
 * The two ways to run the floor simulator: a batch generator that streams a whole `queue_log` for a
 * given number of callers (e.g. a 2M-call log written without holding it in memory), and a live
 * simulator that a server advances with the wall clock for its demo floor.
 */
import { FloorSimulator, type GroundTruth } from './floor-simulator.js';
import type { SimulationOptions } from './options.js';

/** Options of {@link generate}. */
export interface GenerateOptions extends SimulationOptions {
  /** Callers to create (distinct callids); the log ends when the last of their calls ends. */
  readonly calls: number;
  /** Write a QUEUESTART as the first line, as a log that starts at an Asterisk start does. Default true. */
  readonly startWithQueueStart?: boolean;
}

/**
 * A simulated `queue_log`, produced lazily. Iterate it (lines, no terminators) or read
 * {@link SimulatedLog.chunks} (text with `\n` after every line). It can be iterated only once;
 * {@link SimulatedLog.truth} is complete once the iteration has finished.
 */
export interface SimulatedLog extends Iterable<string> {
  /** Lines of text, `linesPerChunk` at a time (default 4096), each line ending with `\n`. */
  chunks(linesPerChunk?: number): Iterable<string>;
  /** The ground truth of what has been generated so far. */
  truth(): GroundTruth;
}

/**
 * Generates a deterministic Asterisk `queue_log` (`epoch|callid|queue|agent|EVENT|data…` lines in
 * non-decreasing time order) for `options.calls` callers. Same options → identical lines.
 * Defaults: 4 queues (sales, support, billing, vip), 40 agents, time-of-day arrivals and shifts,
 * restarts about every 30 days, a QUEUESTART first line.
 *
 * @throws RangeError for inconsistent options (see {@link FloorSimulator}), at the call.
 */
export function generate(options: GenerateOptions): SimulatedLog {
  if (!Number.isInteger(options.calls) || options.calls < 0) {
    throw new RangeError(`calls must be a non-negative integer, got ${options.calls}`);
  }
  const sim = new FloorSimulator({
    ...options,
    timeOfDay: options.timeOfDay ?? true,
    restartEveryDays: options.restartEveryDays ?? 30,
    arrivalLimit: options.calls,
    startWithQueueStart: options.startWithQueueStart ?? true,
  });
  let used = false;
  function* lines(): Generator<string, void, undefined> {
    if (used) throw new Error('a SimulatedLog can be iterated only once');
    used = true;
    const out = sim.output;
    for (;;) {
      for (const line of out) yield line;
      out.length = 0;
      if (!sim.step()) break;
    }
    for (const line of out) yield line;
    out.length = 0;
  }
  function* chunks(linesPerChunk = 4096): Generator<string, void, undefined> {
    if (used) throw new Error('a SimulatedLog can be iterated only once');
    used = true;
    const out = sim.output;
    for (;;) {
      const more = sim.step();
      if (out.length >= linesPerChunk || (!more && out.length > 0)) {
        yield out.join('\n') + '\n';
        out.length = 0;
      }
      if (!more) break;
    }
  }
  return {
    [Symbol.iterator]: lines,
    chunks,
    truth: () => sim.truth(),
  };
}

/** Options of {@link createLiveSimulator}. */
export type LiveSimulatorOptions = SimulationOptions;

/** A simulated floor that runs along a clock the caller supplies. */
export interface LiveSimulator {
  /**
   * Runs the floor up to `toEpochSeconds` (inclusive) and returns the lines for the elapsed time, in
   * order. Splitting does not matter: advance(t1) then advance(t2) returns, concatenated, the same
   * lines as a single advance(t2). A time not after the previous one returns `[]`.
   */
  advance(toEpochSeconds: number): string[];
  /** The simulated clock: the last time advanced to (epoch seconds). */
  readonly now: number;
  /** The ground truth so far (open sessions and calls counted up to the last line). */
  truth(): GroundTruth;
}

/**
 * Creates the live demo floor (for a server with no telephony source): 40 agents in 4 queues by
 * default, who log in within the first 10 s, pause with reasons, log off and back on; a flat
 * Poisson arrival rate (a call every few seconds) with abandons, timeouts, key exits and transfers.
 * No restarts unless `restartEveryDays` is set. Pure: the caller supplies the time.
 *
 * @throws RangeError for inconsistent options (see {@link FloorSimulator}).
 */
export function createLiveSimulator(options: LiveSimulatorOptions): LiveSimulator {
  const sim = new FloorSimulator({
    ...options,
    timeOfDay: options.timeOfDay ?? false,
    talkScale: options.talkScale ?? 0.5,
    restartEveryDays: options.restartEveryDays ?? 0,
    arrivalLimit: null,
    startWithQueueStart: false,
  });
  let last = Math.floor(options.startEpoch) - 1;
  return {
    advance(toEpochSeconds) {
      const to = Math.floor(toEpochSeconds);
      if (!(to > last)) return [];
      last = to;
      sim.runUntil(to);
      const lines = sim.output.slice();
      sim.output.length = 0;
      return lines;
    },
    get now() {
      return Math.max(last, Math.floor(options.startEpoch));
    },
    truth: () => sim.truth(),
  };
}
