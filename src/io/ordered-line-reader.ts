/**
 * Reads queue_log inputs on a worker thread and hands their lines back in processing order, so
 * that reading, splitting and ordering run on one core while the caller parses and reconstructs on
 * the other (`callfloor stats` on large files; issue #2).
 *
 * The worker ({@link ./ordered-line-worker.ts}) runs {@link readQueueLogLines} on every input in
 * turn and a {@link LineOrderer} over all of them, and posts the released lines in batches: one
 * string per batch plus typed arrays of line ends and tags (cheap to pass between threads, unlike
 * arrays of objects). At most {@link MAX_BATCHES_IN_FLIGHT} batches wait for the caller, so memory
 * does not grow with the input.
 *
 * What the caller sees is exactly what the single-threaded pipeline does: the same lines in the
 * same order with the same tags, and malformed lines reported at the same point of the stream.
 */
import { Worker } from 'node:worker_threads';
import { VERB_CODES, type QueueLogHead } from '../core/telephony/queue-log.js';
import {
  UnreadableInputError,
  type MalformedLine,
  type QueueLogFormat,
} from './queue-log-reader.js';

/** A line's tag: its input's index × FILE_TAG + its 1-based line number. */
export const FILE_TAG = 2 ** 32;

/** Batches posted but not yet processed by the caller, at most. */
export const MAX_BATCHES_IN_FLIGHT = 3;

/** Young-generation size of the worker's heap, MB. */
const WORKER_YOUNG_MB = 8;

/** What the worker is given (`workerData`). */
export interface OrderedReadInput {
  readonly files: readonly string[];
  readonly timeZone: string;
  readonly format: QueueLogFormat;
  /** Reorder window, seconds. */
  readonly reorderWindow: number;
  /** One Int32: batches in flight (the worker waits on it with Atomics.wait). */
  readonly inFlight: SharedArrayBuffer;
}

/** A malformed line inside a batch: reported after the batch's first `at` lines. */
export interface BatchProblem extends MalformedLine {
  readonly at: number;
  /** Rejected by the reader (a row that could not be converted), not by the line orderer. */
  readonly reader: boolean;
}

/** Messages from the worker. */
export type OrderedReadMessage =
  | {
      readonly type: 'batch';
      /** The lines, concatenated. */
      readonly text: string;
      /** End of each line in `text` (exclusive). */
      readonly ends: Uint32Array;
      readonly tags: Float64Array;
      /** Each line's head positions p1…p5 (see QueueLogHead), five per line. */
      readonly heads: Int32Array;
      /** Each line's time, epoch s. */
      readonly times: Float64Array;
      /** Each line's verb as {@link verbCode} (0: read it from the text). */
      readonly verbs: Uint8Array;
      readonly problems: readonly BatchProblem[];
      /** Input index being read and its bytes read so far (as stored). */
      readonly file: number;
      readonly bytes: number;
    }
  | {
      readonly type: 'end';
      readonly lines: number;
      readonly readerMalformed: number;
      readonly orderMalformed: number;
      readonly duplicates: number;
      readonly late: number;
    }
  | { readonly type: 'error'; readonly message: string; readonly unreadable: boolean };

/** What {@link readOrderedLines} returns once every input is read. */
export interface OrderedReadSummary {
  /** Non-empty lines (or data rows) read, over all inputs. */
  readonly lines: number;
  /** Rows the reader could not convert (already reported). */
  readonly readerMalformed: number;
  /** Lines whose time or verb could not be read (already reported). */
  readonly orderMalformed: number;
  readonly duplicates: number;
  readonly late: number;
}

/** Options of {@link readOrderedLines}. */
export interface OrderedReadOptions {
  readonly timeZone: string;
  readonly format: QueueLogFormat;
  /** Reorder window, seconds. */
  readonly reorderWindow: number;
  /** Receives each malformed line or row, in stream order. */
  readonly onMalformed: (problem: MalformedLine, byReader: boolean) => void;
  /** Called with the input index and the bytes of it read so far. */
  readonly onProgress?: (file: number, bytes: number) => void;
}

function startWorker(input: OrderedReadInput): Worker {
  const url = new URL('./ordered-line-worker.js', import.meta.url);
  // The worker's live data is small (the reorder window): a small young generation saves memory.
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_MB };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(url, { workerData: input, resourceLimits });
  }
  // Running from TypeScript sources (tests, tsx): load the worker through tsx's loader.
  const source = new URL('./ordered-line-worker.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`,
    { eval: true, workerData: input, resourceLimits },
  );
}

/**
 * Reads `files` (paths, not stdin) on a worker thread and calls `onLine` with their lines in
 * processing order (reorder window, duplicates dropped), as a {@link LineOrderer} would.
 *
 * @param onLine receives each released line — in `text` from `start` to `end` (no trailing `\r`),
 *   its head already read (one object reused for every line) — and its tag (see {@link FILE_TAG})
 * @returns the reader's and orderer's counters
 * @throws UnreadableInputError when an input cannot be opened or decoded (lines released before
 *   it have been handed to `onLine`); Error when the worker fails
 */
export function readOrderedLines(
  files: readonly string[],
  options: OrderedReadOptions,
  onLine: (text: string, start: number, end: number, head: QueueLogHead, tag: number) => void,
): Promise<OrderedReadSummary> {
  const head: QueueLogHead = { p1: 0, p2: 0, p3: 0, p4: 0, p5: 0, time: 0, verb: '' };
  const inFlight = new SharedArrayBuffer(4);
  const counter = new Int32Array(inFlight);
  const worker = startWorker({
    files,
    timeZone: options.timeZone,
    format: options.format,
    reorderWindow: options.reorderWindow,
    inFlight,
  });
  return new Promise<OrderedReadSummary>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
    };
    worker.on('message', (message: OrderedReadMessage) => {
      if (settled) return;
      try {
        switch (message.type) {
          case 'batch': {
            const { text, ends, tags, heads, times, verbs, problems } = message;
            let start = 0;
            let next = 0;
            const lineUpTo = (stop: number): void => {
              for (; next < stop; next++) {
                const lineEnd = ends[next]!;
                // The head was read without a trailing \r.
                const end = text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
                const at = 5 * next;
                head.p1 = heads[at]!;
                head.p2 = heads[at + 1]!;
                head.p3 = heads[at + 2]!;
                head.p4 = heads[at + 3]!;
                head.p5 = heads[at + 4]!;
                head.time = times[next]!;
                const code = verbs[next]!;
                head.verb =
                  code > 0
                    ? VERB_CODES[code - 1]!
                    : text.slice(start + head.p4 + 1, head.p5 < 0 ? end : start + head.p5);
                onLine(text, start, end, head, tags[next]!);
                start = lineEnd;
              }
            };
            for (const problem of problems) {
              lineUpTo(problem.at);
              options.onMalformed(
                {
                  file: problem.file,
                  line: problem.line,
                  field: problem.field,
                  reason: problem.reason,
                },
                problem.reader,
              );
            }
            lineUpTo(ends.length);
            options.onProgress?.(message.file, message.bytes);
            Atomics.sub(counter, 0, 1);
            Atomics.notify(counter, 0);
            return;
          }
          case 'end':
            settle(() =>
              resolve({
                lines: message.lines,
                readerMalformed: message.readerMalformed,
                orderMalformed: message.orderMalformed,
                duplicates: message.duplicates,
                late: message.late,
              }),
            );
            return;
          case 'error':
            settle(() =>
              reject(
                message.unreadable
                  ? new UnreadableInputError(message.message)
                  : new Error(message.message),
              ),
            );
            void worker.terminate();
            return;
        }
      } catch (error) {
        settle(() => reject(error instanceof Error ? error : new Error(String(error))));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the queue_log reader thread stopped (exit code ${code})`))),
    );
  });
}
