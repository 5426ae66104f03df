/**
 * Worker-thread side of {@link readOrderedLines}: reads every input in turn, orders the lines
 * ({@link createLineOrderer}) and posts them in batches. See ordered-line-reader.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLineOrderer } from '../core/stats/pipeline.js';
import { verbCode } from '../core/telephony/queue-log.js';
import {
  FILE_TAG,
  MAX_BATCHES_IN_FLIGHT,
  type BatchProblem,
  type OrderedReadInput,
  type OrderedReadMessage,
} from './ordered-line-reader.js';
import { readQueueLogLines, UnreadableInputError } from './queue-log-reader.js';

/** Lines per batch, at most. */
const BATCH_LINES = 16_384;
/** Characters per batch, about. */
const BATCH_CHARS = 120_000;
const CHUNK_BYTES = 1 << 16;

const input = workerData as OrderedReadInput;
const port = parentPort!;
const inFlight = new Int32Array(input.inFlight);

let pieces: string[] = [];
const ends = new Uint32Array(BATCH_LINES);
const tags = new Float64Array(BATCH_LINES);
const heads = new Int32Array(5 * BATCH_LINES);
const times = new Float64Array(BATCH_LINES);
const verbs = new Uint8Array(BATCH_LINES);
let count = 0;
let chars = 0;
let problems: BatchProblem[] = [];
let fileIndex = 0;
let bytes = 0;

function post(message: OrderedReadMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Posts the current batch, then waits while the caller has too many to process. */
function send(): void {
  if (count === 0 && problems.length === 0) return;
  const batchEnds = ends.slice(0, count);
  const batchTags = tags.slice(0, count);
  const batchHeads = heads.slice(0, 5 * count);
  const batchTimes = times.slice(0, count);
  const batchVerbs = verbs.slice(0, count);
  Atomics.add(inFlight, 0, 1);
  post(
    {
      type: 'batch',
      text: pieces.join(''),
      ends: batchEnds,
      tags: batchTags,
      heads: batchHeads,
      times: batchTimes,
      verbs: batchVerbs,
      problems,
      file: fileIndex,
      bytes,
    },
    [batchEnds.buffer, batchTags.buffer, batchHeads.buffer, batchTimes.buffer, batchVerbs.buffer],
  );
  pieces = [];
  count = 0;
  chars = 0;
  problems = [];
  for (;;) {
    const waiting = Atomics.load(inFlight, 0);
    if (waiting < MAX_BATCHES_IN_FLIGHT) break;
    Atomics.wait(inFlight, 0, waiting);
  }
}

const orderer = createLineOrderer(
  input.reorderWindow,
  (line, tag, head) => {
    const at = 5 * count;
    heads[at] = head.p1;
    heads[at + 1] = head.p2;
    heads[at + 2] = head.p3;
    heads[at + 3] = head.p4;
    heads[at + 4] = head.p5;
    times[count] = head.time;
    verbs[count] = verbCode(head.verb);
    pieces.push(line);
    chars += line.length;
    ends[count] = chars;
    tags[count] = tag;
    count++;
    if (count === BATCH_LINES || chars >= BATCH_CHARS) send();
  },
  (tag, field, reason) => {
    problems.push({
      at: count,
      file: input.files[Math.floor(tag / FILE_TAG)] ?? '?',
      line: tag % FILE_TAG,
      field,
      reason,
      reader: false,
    });
  },
);

async function run(): Promise<void> {
  let lines = 0;
  let readerMalformed = 0;
  try {
    for (const [i, file] of input.files.entries()) {
      fileIndex = i;
      bytes = 0;
      const summary = await readQueueLogLines(
        file,
        {
          timeZone: input.timeZone,
          format: input.format,
          chunkBytes: CHUNK_BYTES,
          onMalformed: (problem) => {
            readerMalformed++;
            problems.push({ ...problem, at: count, reader: true });
          },
          onProgress: (read) => {
            bytes = read;
          },
        },
        (line, lineNo) => orderer.pushLine(line, i * FILE_TAG + lineNo),
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
    orderMalformed: orderer.malformed,
    duplicates: orderer.duplicates,
    late: orderer.late,
  });
}

await run();
