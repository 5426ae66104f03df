/**
 * Byte-level `queue_log` parsing: the fast path of `callfloor stats` on large inputs (issue #2).
 *
 * A raw line's bytes are parsed straight into an {@link EventBatch} — typed-array columns that
 * pass between threads without copying — so the reading thread parses and the other thread only
 * turns columns into {@link TelephonyEvent}s ({@link batchEvent}) for reconstruction. No string is
 * made per line: queue and member names are interned ({@link EventBatch.names}), and the few
 * string fields (callid, caller id, pause reason, …) are copied into one byte buffer per batch.
 *
 * The result is exactly {@link parseQueueLogLine}'s: every line this path does not cover — any
 * byte outside ASCII, a fractional epoch, a number that is not plain digits, a verb without a
 * code, informational and unknown verbs, a malformed line — is left to the string parser
 * ({@link ByteLineParser.write} returns false), and tests compare the two on every fixture.
 */
import { INFORMATIONAL_VERBS, verbRank, type TelephonyEvent } from './events.js';
import { queueLogEventFromFields, VERB_CODES, type DataFields } from './queue-log.js';

/** Data fields a line may have for the byte path (more: the string parser). */
const MAX_DATA = 6;
/** Slots per event in {@link EventBatch.refs}. */
export const REF_STRIDE = 4 + 2 * MAX_DATA;
/** Slots per event in {@link EventBatch.nums}. */
export const NUM_STRIDE = MAX_DATA;

// Slots of refs: callid, queue and member as name ids (−1: null), the number of data fields,
// then each data field's [start, end) range in the batch text.
const QUEUE = 0;
const AGENT = 1;
const CALL_ID = 2;
const N_DATA = 3;
const DATA = 4;

const BAR = 0x7c;
/** `|` positions kept per line: the five base fields and {@link MAX_DATA} data fields. */
export const MAX_BARS = 4 + MAX_DATA;
/** Names interned before the table starts over (at a batch boundary), bounding its memory. */
const MAX_NAMES = 100_000;

/**
 * Parsed events in processing order, as columns.
 *
 * Event `i`: `time[i]` (epoch s), `kind[i]` — 1 + its index in {@link VERB_CODES}, or 0 when
 * the event is the next one of `events` (parsed by the string parser) — and its fields in
 * `refs[i * REF_STRIDE …]` (callid, queue and member as name ids, the number of data fields and
 * each one's range of `text`) and `nums[i * NUM_STRIDE …]` (each data field's value when it is
 * plain digits, else NaN). {@link batchEvent} makes the event with the string parser's own
 * event builder, so there is one way to turn fields into events.
 */
export interface EventBatch {
  readonly count: number;
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly refs: Int32Array;
  readonly nums: Float64Array;
  /** String fields' bytes (ASCII), `textLength` of them used. */
  readonly text: Uint8Array;
  readonly textLength: number;
  /** Events the string parser made, in order (one per `kind` 0). */
  readonly events: TelephonyEvent[];
  /**
   * Names this batch adds to the name table, in id order (after clearing it when `resetNames`):
   * start and end of each in `text`. {@link addBatchNames} applies them.
   */
  readonly names: number[];
  /** The name table starts over before this batch's names. */
  readonly resetNames: boolean;
}

/** The arrays an {@link EventBatch} is written into (reused batch after batch). */
export interface BatchColumns {
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly refs: Int32Array;
  readonly nums: Float64Array;
  readonly text: Uint8Array;
}

/**
 * Allocates the columns of a batch of `capacity` events with `textBytes` bytes for string fields;
 * on SharedArrayBuffers when `shared` (reused between threads without moving them).
 */
export function allocateColumns(capacity: number, textBytes: number, shared = false): BatchColumns {
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    time: new Float64Array(buffer(8 * capacity)),
    kind: new Uint8Array(buffer(capacity)),
    refs: new Int32Array(buffer(4 * REF_STRIDE * capacity)),
    nums: new Float64Array(buffer(8 * NUM_STRIDE * capacity)),
    text: new Uint8Array(buffer(textBytes)),
  };
}

/** Verb code (see {@link VERB_CODES}) → processing rank ({@link verbRank}). */
const RANK_OF_CODE = Int8Array.from([10, ...VERB_CODES.map(verbRank)]);
const INFORMATIONAL_CODE = new Uint8Array(VERB_CODES.length + 1);
VERB_CODES.forEach(
  (verb, i) => (INFORMATIONAL_CODE[i + 1] = INFORMATIONAL_VERBS.has(verb) ? 1 : 0),
);

/** FNV-1a hash of `buf[start, end)` (32 bits, signed). */
export function fnv(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

const VERB_BYTES = VERB_CODES.map((v) => Uint8Array.from(v, (c) => c.charCodeAt(0)));
/** Verb hash → code; verbs whose hash collides get none (the string path reads them). */
const CODE_BY_HASH = new Map<number, number>();
{
  const seen = new Set<number>();
  VERB_BYTES.forEach((bytes, i) => {
    const h = fnv(bytes, 0, bytes.length);
    if (seen.has(h)) CODE_BY_HASH.delete(h);
    else CODE_BY_HASH.set(h, i + 1);
    seen.add(h);
  });
}

function sameBytes(
  a: Uint8Array,
  aStart: number,
  b: Uint8Array,
  bStart: number,
  n: number,
): boolean {
  for (let k = 0; k < n; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

function verbCodeAt(buf: Uint8Array, start: number, end: number): number {
  const code = CODE_BY_HASH.get(fnv(buf, start, end)) ?? 0;
  if (code === 0) return 0;
  const bytes = VERB_BYTES[code - 1]!;
  return bytes.length === end - start && sameBytes(bytes, 0, buf, start, bytes.length) ? code : 0;
}

/**
 * Interned names: callids, queues and members. Each is made a string once, so the other thread
 * gets the same string object for every line of a call (its hash computed once, map lookups by
 * identity) and allocates nothing per line. An open-addressing hash table on typed arrays: no
 * allocation per lookup.
 */
class NameTable {
  /** Slot → id + 1 (0: empty); a power of two, at most half full. */
  private slots = new Int32Array(1 << 12);
  /** Each name's bytes: `arena` from `starts[id]` to `starts[id + 1]`, and its hash. */
  private starts: Int32Array = new Int32Array(1025);
  private hashes: Int32Array = new Int32Array(1024);
  private arena = new Uint8Array(1 << 16);
  private size = 0;
  /** Whether the last {@link id} added the name. */
  added = false;

  id(buf: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const h = fnv(buf, start, end);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let id = this.slots[slot]! - 1; id >= 0; id = this.slots[slot]! - 1) {
      const at = this.starts[id]!;
      if (
        this.hashes[id] === h &&
        this.starts[id + 1]! - at === n &&
        sameBytes(this.arena, at, buf, start, n)
      ) {
        this.added = false;
        return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    if (this.size === this.hashes.length) {
      this.hashes = grownInt32(this.hashes, 2 * this.hashes.length);
      this.starts = grownInt32(this.starts, this.hashes.length + 1);
    }
    const at = this.starts[id]!;
    if (at + n > this.arena.length) {
      const arena = new Uint8Array(Math.max(2 * this.arena.length, at + n));
      arena.set(this.arena.subarray(0, at));
      this.arena = arena;
    }
    const arena = this.arena;
    for (let k = 0; k < n; k++) arena[at + k] = buf[start + k]!;
    this.starts[id + 1] = at + n;
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (2 * this.size > this.slots.length) this.rehash();
    this.added = true;
    return id;
  }

  /** Names so far. */
  get count(): number {
    return this.size;
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  private rehash(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

/** A copy of `array` in a new array of `size` elements (the rest zero). */
export function grownInt32(array: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}

/** `NONE` or empty: a null base field (queue_log writes `NONE`). */
function isNone(buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  return (
    n === 0 ||
    (n === 4 &&
      buf[start] === 0x4e &&
      buf[start + 1] === 0x4f &&
      buf[start + 2] === 0x4e &&
      buf[start + 3] === 0x45)
  );
}

/**
 * One raw queue_log line given as bytes (no terminator; the reader took one trailing `\r`), read
 * for ordering and parsing: its time, verb and the positions of its first `|`s. Reused for every
 * line; {@link read} fills it in, and the line orderer restores it when it releases a held line,
 * so each line is scanned once.
 */
export class ByteLine {
  buf: Uint8Array = new Uint8Array(0);
  /** The line is `buf[start, end)`: its duplicate key. */
  start = 0;
  end = 0;
  /** End of its last field: `end`, or `end − 1` when it ends in one more `\r`. */
  stop = 0;
  /** Time (epoch s), verb code (1 + index in {@link VERB_CODES}) and processing rank. */
  time = 0;
  code = 0;
  rank = 0;
  /** Number of `|` in the line; the first {@link MAX_BARS} positions are in `bars`. */
  nBars = 0;
  readonly bars = new Int32Array(MAX_BARS);
  /** Whether the last {@link read} succeeded (false: the string parser reads the line). */
  ok = false;

  /**
   * Reads a line's time and verb (and where its fields are), for ordering and parsing.
   * @param ascii the caller knows the bytes are ASCII (else each line is checked)
   * @returns false when the line is not for the byte path (read it with {@link readQueueLogHead});
   *   `ok` tells the same
   */
  read(buf: Uint8Array, start: number, end: number, ascii: boolean): boolean {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.ok = false;
    // The string parser ignores one trailing \r (a second one, after the reader took the first).
    const stop = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    this.stop = stop;
    const bars = this.bars;
    let n = 0;
    if (ascii) {
      for (let i = start; i < stop; i++) {
        if (buf[i] === BAR) {
          if (n < MAX_BARS) bars[n] = i;
          n++;
        }
      }
    } else {
      let any = 0;
      for (let i = start; i < stop; i++) {
        const b = buf[i]!;
        any |= b;
        if (b === BAR) {
          if (n < MAX_BARS) bars[n] = i;
          n++;
        }
      }
      if (any >= 0x80) return false;
    }
    this.nBars = n;
    if (n < 4) return false;
    const p1 = bars[0]!;
    if (p1 === start || p1 - start > 20) return false;
    let time = 0;
    for (let i = start; i < p1; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) return false;
      time = time * 10 + c;
    }
    const code = verbCodeAt(buf, bars[3]! + 1, n > 4 ? bars[4]! : stop);
    if (code === 0) return false;
    this.code = code;
    this.time = time;
    this.rank = RANK_OF_CODE[code]!;
    this.ok = true;
    return true;
  }
}

/**
 * Data fields the event builder reads as numbers, by verb code (kpi.md, app_queue.c): they must be
 * plain digits or empty for the byte path. {@link TAIL}: the last three, when there are four or
 * more (ATTENDEDTRANSFER).
 */
const TAIL: readonly number[] = [];
const NUMERIC_BY_VERB: Readonly<Record<string, readonly number[]>> = {
  ENTERQUEUE: [2],
  RINGNOANSWER: [0],
  RINGCANCELED: [0],
  CONNECT: [0, 2],
  ABANDON: [0, 1, 2],
  EXITWITHTIMEOUT: [0, 1, 2],
  EXITEMPTY: [0, 1, 2],
  EXITWITHKEY: [1, 2, 3],
  COMPLETEAGENT: [0, 1, 2],
  COMPLETECALLER: [0, 1, 2],
  TRANSFER: [2, 3, 4],
  BLINDTRANSFER: [2, 3, 4],
  ATTENDEDTRANSFER: TAIL,
};
const NUMERIC_FIELDS: readonly (readonly number[])[] = [
  [],
  ...VERB_CODES.map((verb) => NUMERIC_BY_VERB[verb] ?? []),
];

/**
 * Parses raw queue_log lines given as bytes into {@link EventBatch}es. One instance per stream;
 * not thread-safe.
 */
export class ByteLineParser {
  private readonly names = new NameTable();
  /** Text ranges (start, end pairs) of the names this batch adds. */
  private newNames: number[] = [];
  private resetNames = false;
  private count = 0;
  private times: Float64Array;
  private kinds: Uint8Array;
  private refs: Int32Array;
  private nums: Float64Array;
  private text: Uint8Array;
  private textLength = 0;
  private events: TelephonyEvent[] = [];
  readonly capacity: number;

  /**
   * @param columns where the first batch is written (its `time.length` events at most; string
   *   fields must fit in its `text`)
   */
  constructor(columns: BatchColumns) {
    this.capacity = columns.time.length;
    this.times = columns.time;
    this.kinds = columns.kind;
    this.refs = columns.refs;
    this.nums = columns.nums;
    this.text = columns.text;
  }

  /** Events in the current batch. */
  get size(): number {
    return this.count;
  }

  /** Whether the current batch has room for one more line of `lineBytes` bytes. */
  hasRoom(lineBytes: number): boolean {
    return this.count < this.capacity && this.textLength + lineBytes <= this.text.length;
  }

  /**
   * Parses a line into the current batch.
   * @param line a line {@link ByteLine.read} read (when it returned false, this does too)
   * @returns false when the line is not for this path: parse it with {@link parseQueueLogLine}
   *   and {@link addEvent} the event (nothing was added)
   */
  write(line: ByteLine): boolean {
    if (this.count === this.capacity) throw new Error('event batch full: take() it first');
    if (!line.ok) return false;
    const { buf, bars, code } = line;
    // A line longer than the whole text buffer is left to the string parser.
    if (this.textLength + (line.end - line.start) > this.text.length) return false;
    if (INFORMATIONAL_CODE[code] === 1) return false;
    const nData = line.nBars >= 5 ? line.nBars - 4 : 0;
    if (nData > MAX_DATA || !numbersAreDigits(line, code, nData)) return false;
    const i = this.count;
    const r = i * REF_STRIDE;
    const n = i * NUM_STRIDE;
    const refs = this.refs;
    refs[r + N_DATA] = nData;
    for (let k = 0; k < nData; k++) {
      const from = fieldStart(line, k);
      const to = fieldEnd(line, k);
      refs[r + DATA + 2 * k] = this.textLength;
      this.append(buf, from, to);
      refs[r + DATA + 2 * k + 1] = this.textLength;
      this.nums[n + k] = digits(buf, from, to);
    }
    const p1 = bars[0]!;
    const p2 = bars[1]!;
    const p3 = bars[2]!;
    const p4 = bars[3]!;
    refs[r + QUEUE] = isNone(buf, p2 + 1, p3) ? -1 : this.intern(buf, p2 + 1, p3);
    refs[r + AGENT] = isNone(buf, p3 + 1, p4) ? -1 : this.intern(buf, p3 + 1, p4);
    refs[r + CALL_ID] = isNone(buf, p1 + 1, p2) ? -1 : this.intern(buf, p1 + 1, p2);
    this.times[i] = line.time;
    this.kinds[i] = code;
    this.count++;
    return true;
  }

  /** Adds an event parsed by the string parser (kind 0 in the batch). */
  addEvent(event: TelephonyEvent): void {
    if (this.count === this.capacity) throw new Error('event batch full: take() it first');
    this.times[this.count] = event.time;
    this.kinds[this.count] = 0;
    this.events.push(event);
    this.count++;
  }

  /**
   * Hands over the current batch and starts a new one in `next` (the columns of a batch already
   * consumed, or new ones).
   */
  take(next: BatchColumns): EventBatch {
    const batch: EventBatch = {
      count: this.count,
      time: this.times,
      kind: this.kinds,
      refs: this.refs,
      nums: this.nums,
      text: this.text,
      textLength: this.textLength,
      events: this.events,
      names: this.newNames,
      resetNames: this.resetNames,
    };
    this.newNames = [];
    this.resetNames = false;
    if (this.names.count > MAX_NAMES) {
      this.names.clear();
      this.resetNames = true;
    }
    this.count = 0;
    this.times = next.time;
    this.kinds = next.kind;
    this.refs = next.refs;
    this.nums = next.nums;
    this.text = next.text;
    this.textLength = 0;
    this.events = [];
    return batch;
  }

  /** The name's id; a new name's bytes go into the text for the other thread. */
  private intern(buf: Uint8Array, start: number, end: number): number {
    const id = this.names.id(buf, start, end);
    if (this.names.added) {
      const at = this.textLength;
      this.append(buf, start, end);
      this.newNames.push(at, this.textLength);
    }
    return id;
  }

  private append(buf: Uint8Array, start: number, end: number): void {
    const text = this.text;
    let at = this.textLength;
    for (let i = start; i < end; i++) text[at++] = buf[i]!;
    this.textLength = at;
  }
}

/** Data field `k` (0-based) of a line: [start, end) in its buffer. */
function fieldStart(line: ByteLine, k: number): number {
  return line.bars[4 + k]! + 1;
}
function fieldEnd(line: ByteLine, k: number): number {
  return 5 + k < line.nBars ? line.bars[5 + k]! : line.stop;
}

/** The value of plain digits from `from` to `to`; NaN when empty or not digits. */
function digits(buf: Uint8Array, from: number, to: number): number {
  if (from === to) return NaN;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

/**
 * Whether every data field the event builder reads as a number is empty or plain digits (any
 * other text — " 12", "1e3", "x" — is left to the string parser, which also words the error).
 */
function numbersAreDigits(line: ByteLine, code: number, nData: number): boolean {
  const numeric = NUMERIC_FIELDS[code]!;
  if (numeric === TAIL) {
    if (nData < 4) return true;
    return (
      emptyOrDigits(line, nData - 3) &&
      emptyOrDigits(line, nData - 2) &&
      emptyOrDigits(line, nData - 1)
    );
  }
  for (const k of numeric) if (k < nData && !emptyOrDigits(line, k)) return false;
  return true;
}

function emptyOrDigits(line: ByteLine, k: number): boolean {
  const from = fieldStart(line, k);
  const to = fieldEnd(line, k);
  return from === to || !Number.isNaN(digits(line.buf, from, to));
}

/**
 * Applies a batch's names to the name table (`names`, kept by the caller across batches).
 * @param text the batch's `text` decoded (latin1: it is ASCII)
 */
export function addBatchNames(batch: EventBatch, text: string, names: string[]): void {
  if (batch.resetNames) names.length = 0;
  for (let k = 0; k < batch.names.length; k += 2) {
    names.push(text.slice(batch.names[k], batch.names[k + 1]));
  }
}

/** A batch row's data fields, for the event builder (one instance, reset for every row). */
class ColumnFields implements DataFields {
  length = 0;
  private refs: Int32Array = new Int32Array(0);
  private nums: Float64Array = new Float64Array(0);
  private decoded = '';
  private r = 0;
  private n = 0;

  reset(batch: EventBatch, i: number, text: string): this {
    this.refs = batch.refs;
    this.nums = batch.nums;
    this.decoded = text;
    this.r = i * REF_STRIDE;
    this.n = i * NUM_STRIDE;
    this.length = batch.refs[this.r + N_DATA]!;
    return this;
  }

  text(index: number): string | undefined {
    if (index >= this.length) return undefined;
    const at = this.r + DATA + 2 * index;
    return this.decoded.slice(this.refs[at], this.refs[at + 1]);
  }

  num(index: number, field: string, verb: string): number | null {
    if (index >= this.length) return null;
    const at = this.r + DATA + 2 * index;
    if (this.refs[at] === this.refs[at + 1]) return null;
    const value = this.nums[this.n + index]!;
    if (Number.isNaN(value)) {
      // The parser sends only lines whose numeric fields are digits (NUMERIC_FIELDS).
      throw new Error(`field ${field} of ${verb} was sent as a number but is not digits`);
    }
    return value;
  }

  all(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.text(k)!);
    return out;
  }
}

const columnFields = new ColumnFields();

/**
 * Event `i` of a batch as a {@link TelephonyEvent}: the event {@link parseQueueLogLine} gives for
 * its line, made by the same builder ({@link queueLogEventFromFields}).
 * @param names the name table (ids from every batch so far, see {@link addBatchNames})
 * @param text the batch's `text` decoded (latin1: it is ASCII)
 * @param next the string parser's events of the batch are taken from here in order (kind 0)
 * @throws Error when the row does not make an event (never for rows {@link ByteLineParser} wrote)
 */
export function batchEvent(
  batch: EventBatch,
  i: number,
  names: readonly string[],
  text: string,
  next: () => TelephonyEvent,
): TelephonyEvent {
  const code = batch.kind[i]!;
  if (code === 0) return next();
  const r = i * REF_STRIDE;
  const q = batch.refs[r + QUEUE]!;
  const a = batch.refs[r + AGENT]!;
  const c = batch.refs[r + CALL_ID]!;
  const result = queueLogEventFromFields(
    batch.time[i]!,
    c < 0 ? null : names[c]!,
    q < 0 ? null : names[q]!,
    a < 0 ? null : names[a]!,
    VERB_CODES[code - 1]!,
    columnFields.reset(batch, i, text),
  );
  if (!result.ok) throw new Error(`batch event ${i}: ${result.reason}`);
  return result.event;
}
