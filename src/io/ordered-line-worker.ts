/**
 * Worker-thread side of {@link readOrderedEvents}: reads every input in turn as bytes, orders the
 * lines ({@link createLineOrderer}), parses them ({@link ByteLineParser}) and posts the events in
 * column batches. See ordered-line-reader.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLineOrderer } from '../core/stats/pipeline.js';
import { parseQueueLogLine } from '../core/telephony/queue-log.js';
import {
  allocateColumns,
  ByteLineParser,
  type EventBatch,
} from '../core/telephony/queue-log-bytes.js';
import {
  FILE_TAG,
  MAX_BATCHES_IN_FLIGHT,
  type BatchProblem,
  type OrderedReadInput,
  type OrderedReadMessage,
} from './ordered-line-reader.js';
import { readQueueLogLineBytes, UnreadableInputError } from './queue-log-reader.js';

/** Events per batch. */
const BATCH_EVENTS = 16_384;
/** Bytes of string fields per batch. */
const BATCH_TEXT_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 18;

const port = parentPort!;

/** Reads, orders and parses the inputs, posting batches (see the module comment). */
async function run(input: OrderedReadInput): Promise<void> {
  const inFlight = new Int32Array(input.inFlight);
  // Batches are written round-robin into shared columns: one more than may wait for the caller, so
  // the one being written is never one the caller has yet to read.
  const slots = Array.from({ length: MAX_BATCHES_IN_FLIGHT + 1 }, () =>
    allocateColumns(BATCH_EVENTS, BATCH_TEXT_BYTES, true),
  );
  let slot = 0;
  const parser = new ByteLineParser(slots[0]!);
  const decoder = new TextDecoder();

  let problems: BatchProblem[] = [];
  let parseMalformed = 0;
  let fileIndex = 0;
  let bytes = 0;

  function post(message: OrderedReadMessage, transfer: ArrayBuffer[] = []): void {
    port.postMessage(message, transfer);
  }

  /** Posts the current batch, then waits while the caller has too many to process. */
  function send(): void {
    if (parser.size === 0 && problems.length === 0) return;
    slot = (slot + 1) % slots.length;
    const batch: EventBatch = parser.take(slots[slot]!);
    Atomics.add(inFlight, 0, 1);
    post({ type: 'batch', batch, problems, file: fileIndex, bytes });
    problems = [];
    for (;;) {
      const waiting = Atomics.load(inFlight, 0);
      if (waiting < MAX_BATCHES_IN_FLIGHT) break;
      Atomics.wait(inFlight, 0, waiting);
    }
  }

  function problem(tag: number, field: string, reason: string): void {
    problems.push({
      at: parser.size,
      file: input.files[Math.floor(tag / FILE_TAG)] ?? '?',
      line: tag % FILE_TAG,
      field,
      reason,
      reader: false,
    });
  }

  const orderer = createLineOrderer(
    input.reorderWindow,
    (line, tag) => {
      if (!parser.hasRoom(line.end - line.start)) send();
      if (!parser.write(line)) {
        // Not for the byte path: the string parser gives the event or words the error.
        const parsed = parseQueueLogLine(decoder.decode(line.buf.subarray(line.start, line.end)));
        if (parsed.ok) {
          parser.addEvent(parsed.event);
        } else {
          parseMalformed++;
          problem(tag, parsed.field, parsed.reason);
        }
      }
    },
    problem,
  );

  let lines = 0;
  let readerMalformed = 0;
  try {
    for (const [i, file] of input.files.entries()) {
      fileIndex = i;
      bytes = 0;
      const summary = await readQueueLogLineBytes(
        file,
        {
          timeZone: input.timeZone,
          format: input.format,
          chunkBytes: CHUNK_BYTES,
          onMalformed: (malformed) => {
            readerMalformed++;
            problems.push({ ...malformed, at: parser.size, reader: true });
          },
          onProgress: (read) => {
            bytes = read;
          },
        },
        (buf, start, end, lineNo, ascii) =>
          orderer.pushLine(buf, start, end, i * FILE_TAG + lineNo, ascii),
      );
      lines += summary.lines;
    }
  } catch (error) {
    // Lines still held in the window are never processed, as on one thread.
    send();
    post({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      unreadable: error instanceof UnreadableInputError,
    });
    return;
  }
  orderer.flush();
  send();
  post({
    type: 'end',
    lines,
    readerMalformed,
    orderMalformed: orderer.malformed + parseMalformed,
    duplicates: orderer.duplicates,
    late: orderer.late,
  });
}

// Started for a read: the input is the worker data. Started ahead of one ({@link prestartReader}):
// the input comes as the first message, once the caller has parsed its options.
if (workerData !== null && workerData !== undefined) {
  await run(workerData as OrderedReadInput);
} else {
  port.once('message', (input: OrderedReadInput) => void run(input));
}
