/**
 * Reads queue_log inputs on a worker thread and hands their events back in processing order, so
 * that reading, ordering and parsing run on one core while the caller reconstructs calls and
 * aggregates on the other (`callfloor stats` on large files; issue #2).
 *
 * The worker ({@link ./ordered-line-worker.ts}) reads every input in turn as bytes
 * ({@link readQueueLogLineBytes}), orders the lines of all of them ({@link LineOrderer}), parses
 * the released lines ({@link ByteLineParser}) and posts the events in column batches
 * ({@link EventBatch}: typed arrays, moved between threads without copying). At most
 * {@link MAX_BATCHES_IN_FLIGHT} batches wait for the caller, so memory does not grow with the
 * input.
 *
 * What the caller sees is exactly what the single-threaded pipeline does: the same events in the
 * same order, and malformed lines reported at the same point of the stream.
 */
import { Buffer } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import type { TelephonyEvent } from '../core/telephony/events.js';
import { addBatchNames, batchEvent, type EventBatch } from '../core/telephony/queue-log-bytes.js';
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
      /** The events, in processing order. */
      readonly batch: EventBatch;
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
  /** Lines that could not be parsed (already reported). */
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
  /** Receives each malformed line or row, in stream order (`byReader`: a row the reader rejected). */
  readonly onMalformed: (problem: MalformedLine, byReader: boolean) => void;
  /** Called with the input index and the bytes of it read so far. */
  readonly onProgress?: (file: number, bytes: number) => void;
}

/** Starts the reader thread; with no input, it waits for one as its first message. */
function startWorker(input: OrderedReadInput | null): Worker {
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

/** A reader thread started ahead of use ({@link prestartReader}), not yet given its input. */
let prestarted: Worker | null = null;

/**
 * Starts the reader thread ahead of a {@link readOrderedEvents} call, so that it boots and loads
 * its modules while the caller is still setting up (some 70 ms of `callfloor stats`' start, on
 * the other core); the next call takes it. Until then it does not keep the process alive.
 */
export function prestartReader(): void {
  if (prestarted !== null) return;
  prestarted = startWorker(null);
  prestarted.unref();
}

/** Stops a thread {@link prestartReader} started, when the inputs are read inline after all. */
export function stopPrestartedReader(): void {
  void prestarted?.terminate();
  prestarted = null;
}

/**
 * Reads `files` (paths, not stdin) on a worker thread and calls `onEvent` with their events in
 * processing order (reorder window, duplicates dropped), as the single-threaded pipeline
 * ({@link createStatsPipeline}) would process them.
 *
 * @param onEvent receives each event
 * @returns the reader's, orderer's and parser's counters
 * @throws UnreadableInputError when an input cannot be opened or decoded (events released before
 *   it have been handed to `onEvent`); Error when the worker fails
 */
export function readOrderedEvents(
  files: readonly string[],
  options: OrderedReadOptions,
  onEvent: (event: TelephonyEvent) => void,
): Promise<OrderedReadSummary> {
  const inFlight = new SharedArrayBuffer(4);
  const counter = new Int32Array(inFlight);
  const names: string[] = [];
  const input: OrderedReadInput = {
    files,
    timeZone: options.timeZone,
    format: options.format,
    reorderWindow: options.reorderWindow,
    inFlight,
  };
  let worker: Worker;
  if (prestarted !== null) {
    worker = prestarted;
    prestarted = null;
    worker.ref();
    worker.postMessage(input);
  } else {
    worker = startWorker(input);
  }
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
            const { batch, problems } = message;
            // ASCII only (the parser leaves any other line to the string parser).
            const text = Buffer.from(batch.text.buffer, 0, batch.textLength).toString('latin1');
            addBatchNames(batch, text, names);
            let side = 0;
            const nextEvent = (): TelephonyEvent => batch.events[side++]!;
            let next = 0;
            const eventsUpTo = (stop: number): void => {
              for (; next < stop; next++) onEvent(batchEvent(batch, next, names, text, nextEvent));
            };
            for (const problem of problems) {
              eventsUpTo(problem.at);
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
            eventsUpTo(batch.count);
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
