/**
 * The statistics pipeline in one object: reorderer (order, duplicates) → reconstruction → KPI
 * aggregation. Used by `callfloor stats` and by tests; the server uses the same parts with storage
 * between reconstruction and aggregation.
 *
 * Raw queue_log lines are held in the reorder window unparsed (as strings on one thread, as bytes
 * when the ordering half runs on its own thread) and parsed when released, so the window holds no
 * event object graph (much less GC work).
 */
import { eventRank, verbRank, type TelephonyEvent } from '../telephony/events.js';
import {
  parseQueueLogHeader,
  parseQueueLogLine,
  readQueueLogHead,
  type ParseResult,
} from '../telephony/queue-log.js';
import { ByteLine, fnv, grownInt32, MAX_BARS } from '../telephony/queue-log-bytes.js';
import { Reorderer } from '../telephony/sequencer.js';
import { StatsAggregator } from './aggregate.js';
import { CallReconstructor } from './reconstruction.js';
import type { InputReport, StatsReport, StatsSettings } from './report.js';

/** A line that could not be parsed: its tag (as given to `pushLine`), the field and the reason. */
export type MalformedLineHandler = (tag: number, field: string, reason: string) => void;

/** A running statistics computation over one input. */
export interface StatsPipeline {
  /**
   * Adds an event in input order.
   * @param key duplicate identity (e.g. the raw line); `null` = never a duplicate
   */
  push(event: TelephonyEvent, key: string | null): void;
  /**
   * Adds a raw queue_log line in input order (it is its own duplicate key). A line that does not
   * parse is reported to the pipeline's `onMalformed` with `tag` and counted in `input.malformed`.
   * @param tag identifies the line for error reports (e.g. file index and line number)
   */
  pushLine(line: string, tag: number): void;
  /**
   * Ends the input and returns the report.
   * @param input the reader's counters (`files`, `lines`, and `malformed` lines the reader itself
   *   rejected); the pipeline adds its own malformed lines and fills in `events`, `duplicates`,
   *   `late` and `unknownEvents`
   */
  finish(input: Pick<InputReport, 'files' | 'lines' | 'malformed'>): StatsReport;
}

/**
 * The ordering half of the pipeline for raw lines given as bytes: reads each line's time and
 * verb, drops exact duplicates, holds the lines in the reorder window and releases them in
 * processing order. Together with {@link OrderedStatsPipeline} it computes exactly what
 * {@link StatsPipeline} does; the two halves run on different threads (`callfloor stats` on large
 * files). No string and no object is made per line: a line's bytes are held (its buffer stays
 * referenced) until it is released and its second leaves the duplicate window, and each line is
 * scanned once (its field positions are held with it).
 */
export interface LineOrderer {
  /**
   * Adds a raw queue_log line in input order: `buf` from `start` to `end` (no terminator; the
   * buffer must not change afterwards). The line is its own duplicate key. A line whose time or
   * verb cannot be read is reported to `onMalformed` at once and counted in `malformed`.
   * @param ascii the caller knows the bytes are ASCII (saves checking the line)
   */
  pushLine(buf: Uint8Array, start: number, end: number, tag: number, ascii?: boolean): void;
  /** Releases every held line (end of input). */
  flush(): void;
  /** Exact duplicates dropped so far. */
  readonly duplicates: number;
  /** Lines that arrived later than the reorder window allows. */
  readonly late: number;
  /** Lines rejected for their time or verb so far. */
  readonly malformed: number;
}

/**
 * Creates a {@link LineOrderer}.
 * @param reorderWindow seconds (kpi.md "Order and duplicates")
 * @param onRelease receives the lines in processing order with their tags. The {@link ByteLine}
 *   (one object, reused) is as {@link ByteLine.read} left it; when `ok` is false only its `buf`,
 *   `start` and `end` are set and the string parser reads the line.
 * @param onMalformed receives lines whose time or verb cannot be read
 */
export function createLineOrderer(
  reorderWindow: number,
  onRelease: (line: ByteLine, tag: number) => void,
  onMalformed: MalformedLineHandler = () => undefined,
): LineOrderer {
  const line = new ByteLine();
  const held = new HeldLines();
  const keys = new LineKeys(reorderWindow);
  const reorderer = new Reorderer<number>(reorderWindow, (seq, tag) => {
    held.release(seq, line);
    onRelease(line, tag);
  });
  const decoder = new TextDecoder();
  let malformed = 0;
  let duplicates = 0;
  let seq = 0;
  return {
    pushLine(buf, start, end, tag, ascii = false) {
      let time: number;
      let rank: number;
      let added: boolean;
      if (line.read(buf, start, end, ascii)) {
        time = line.time;
        rank = line.rank;
        added = keys.add(Math.floor(time), buf, start, end);
      } else {
        // Not for the byte path: the string parser reads the head (and words any error).
        const text = decoder.decode(buf.subarray(start, end));
        const stringHead = readQueueLogHead(text);
        if (!('p1' in stringHead)) {
          malformed++;
          onMalformed(tag, stringHead.field, stringHead.reason);
          return;
        }
        time = stringHead.time;
        rank = verbRank(stringHead.verb);
        added = keys.add(Math.floor(time), text, 0, text.length);
      }
      if (!added) {
        duplicates++;
        return;
      }
      held.hold(seq, line);
      reorderer.add(seq++, time, rank, null, tag);
      keys.forget(time);
    },
    flush() {
      reorderer.flush();
    },
    get duplicates() {
      return duplicates;
    },
    get late() {
      return reorderer.late;
    },
    get malformed() {
      return malformed;
    },
  };
}

/**
 * Lines held in the reorder window, by sequence number, with what {@link ByteLine.read} found (a
 * ring that grows when full).
 */
class HeldLines {
  private bufs: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(1024);
  /** Per slot: start, end, stop, time, code, rank, ok, nBars. */
  private heads = new Float64Array(1024 * 8);
  private bars = new Int32Array(1024 * MAX_BARS);
  private seqs = new Float64Array(1024);

  /** Holds `line` (as read, or only its bytes when `ok` is false) as number `seq`. */
  hold(seq: number, line: ByteLine): void {
    let slot = seq & (this.bufs.length - 1);
    if (this.bufs[slot] !== undefined) {
      this.grow();
      slot = seq & (this.bufs.length - 1);
    }
    this.bufs[slot] = line.buf;
    this.seqs[slot] = seq;
    const heads = this.heads;
    const h = slot * 8;
    heads[h] = line.start;
    heads[h + 1] = line.end;
    heads[h + 2] = line.stop;
    heads[h + 3] = line.time;
    heads[h + 4] = line.code;
    heads[h + 5] = line.rank;
    heads[h + 6] = line.ok ? 1 : 0;
    const n = line.ok ? Math.min(line.nBars, MAX_BARS) : 0;
    heads[h + 7] = line.nBars;
    const b = slot * MAX_BARS;
    for (let k = 0; k < n; k++) this.bars[b + k] = line.bars[k]!;
  }

  /** Takes line `seq` out of the ring into `line`. */
  release(seq: number, line: ByteLine): void {
    const slot = seq & (this.bufs.length - 1);
    line.buf = this.bufs[slot]!;
    this.bufs[slot] = undefined;
    const heads = this.heads;
    const h = slot * 8;
    line.start = heads[h]!;
    line.end = heads[h + 1]!;
    line.stop = heads[h + 2]!;
    line.time = heads[h + 3]!;
    line.code = heads[h + 4]!;
    line.rank = heads[h + 5]!;
    line.ok = heads[h + 6] === 1;
    line.nBars = heads[h + 7]!;
    const n = line.ok ? Math.min(line.nBars, MAX_BARS) : 0;
    const b = slot * MAX_BARS;
    for (let k = 0; k < n; k++) line.bars[k] = this.bars[b + k]!;
  }

  private grow(): void {
    const { bufs, heads, bars, seqs } = this;
    const size = bufs.length * 2;
    this.bufs = new Array<Uint8Array | undefined>(size);
    this.heads = new Float64Array(size * 8);
    this.bars = new Int32Array(size * MAX_BARS);
    this.seqs = new Float64Array(size);
    for (let i = 0; i < bufs.length; i++) {
      if (bufs[i] === undefined) continue;
      const slot = seqs[i]! & (size - 1);
      this.bufs[slot] = bufs[i];
      this.seqs[slot] = seqs[i]!;
      this.heads.set(heads.subarray(i * 8, i * 8 + 8), slot * 8);
      this.bars.set(bars.subarray(i * MAX_BARS, (i + 1) * MAX_BARS), slot * MAX_BARS);
    }
  }
}

/** In a second with more keys than this, keys are compared by hash first. */
const LONG_CHAIN = 16;

/**
 * Exact-duplicate detection over the reorder window, as {@link Reorderer} does it with string
 * keys (kpi.md "Order and duplicates"): the same bytes in the same second, while that second is
 * inside the window. Keys are a line's bytes (or, for lines read as strings, the string).
 *
 * A second's keys are chained entries in typed arrays (a free list; nothing is allocated per
 * line). A second's lines are usually few and differ early (the callid), so keys are compared
 * directly; in a busy second, by a hash first, computed once per key when first needed.
 */
class LineKeys {
  /** Second → its newest entry; entries chain to older ones through `next` (−1: the end). */
  private readonly bySecond = new Map<number, number>();
  private readonly secondsSeen: number[] = [];
  private secondsHead = 0;
  private newest = -Infinity;
  private keys: (Uint8Array | string | undefined)[] = new Array<Uint8Array | string | undefined>(
    256,
  );
  private starts: Int32Array = new Int32Array(256);
  private ends: Int32Array = new Int32Array(256);
  private next: Int32Array = new Int32Array(256);
  private hashes: Int32Array = new Int32Array(256);
  private hashed = new Uint8Array(256);
  /** First free entry (chained through `next`), and entries ever used. */
  private free = -1;
  private used = 0;

  constructor(private readonly windowSeconds: number) {}

  /** Adds a key; false when the same key is there already for `second` (a duplicate). */
  add(second: number, key: Uint8Array | string, start: number, end: number): boolean {
    const first = this.bySecond.get(second);
    if (first === undefined) {
      this.bySecond.set(second, this.entry(key, start, end, -1));
      this.secondsSeen.push(second);
      return true;
    }
    let hash = 0;
    let k = 0;
    for (let e = first; e >= 0; e = this.next[e]!, k++) {
      if (k === LONG_CHAIN) hash = hashOf(key, start, end);
      if (k >= LONG_CHAIN && this.hashOfEntry(e) !== hash) continue;
      if (this.same(e, key, start, end)) return false;
    }
    this.bySecond.set(second, this.entry(key, start, end, first));
    return true;
  }

  /** After adding a line at `time` (epoch s): forgets seconds well behind the window. */
  forget(time: number): void {
    if (time <= this.newest) return;
    this.newest = time;
    const limit = time - this.windowSeconds;
    // Seconds arrive mostly in order; forget those well behind the window.
    while (this.secondsHead < this.secondsSeen.length) {
      const second = this.secondsSeen[this.secondsHead]!;
      if (second >= limit - 1) break;
      const first = this.bySecond.get(second);
      this.bySecond.delete(second);
      for (let e = first ?? -1; e >= 0;) {
        const after = this.next[e]!;
        this.keys[e] = undefined;
        this.next[e] = this.free;
        this.free = e;
        e = after;
      }
      this.secondsHead++;
    }
    if (this.secondsHead > 4096 && this.secondsHead * 2 > this.secondsSeen.length) {
      this.secondsSeen.splice(0, this.secondsHead);
      this.secondsHead = 0;
    }
  }

  private entry(key: Uint8Array | string, start: number, end: number, next: number): number {
    let e = this.free;
    if (e >= 0) {
      this.free = this.next[e]!;
    } else {
      if (this.used === this.keys.length) this.grow();
      e = this.used++;
    }
    this.keys[e] = key;
    this.starts[e] = start;
    this.ends[e] = end;
    this.next[e] = next;
    this.hashed[e] = 0;
    return e;
  }

  private hashOfEntry(e: number): number {
    if (this.hashed[e] === 0) {
      this.hashes[e] = hashOf(this.keys[e]!, this.starts[e]!, this.ends[e]!);
      this.hashed[e] = 1;
    }
    return this.hashes[e]!;
  }

  private same(e: number, key: Uint8Array | string, start: number, end: number): boolean {
    const other = this.keys[e]!;
    if (typeof key === 'string' || typeof other === 'string') return key === other;
    const otherStart = this.starts[e]!;
    const n = end - start;
    if (this.ends[e]! - otherStart !== n) return false;
    let k = 0;
    while (k < n && key[start + k] === other[otherStart + k]) k++;
    return k === n;
  }

  private grow(): void {
    const size = 2 * this.keys.length;
    this.keys.length = size;
    this.starts = grownInt32(this.starts, size);
    this.ends = grownInt32(this.ends, size);
    this.next = grownInt32(this.next, size);
    this.hashes = grownInt32(this.hashes, size);
    const hashed = new Uint8Array(size);
    hashed.set(this.hashed);
    this.hashed = hashed;
  }
}

function hashOf(key: Uint8Array | string, start: number, end: number): number {
  if (typeof key !== 'string') return fnv(key, start, end);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The processing half of the pipeline: takes events that are already in processing order (from a
 * {@link LineOrderer} and a parser), reconstructs calls and aggregates the KPIs.
 */
export interface OrderedStatsPipeline {
  /** Adds an event in processing order. */
  push(event: TelephonyEvent): void;
  /**
   * Ends the input and returns the report.
   * @param input the counters of the reader, the orderer and the parser (`malformed`: every line
   *   rejected before this pipeline)
   */
  finish(
    input: Pick<InputReport, 'files' | 'lines' | 'malformed' | 'duplicates' | 'late'>,
  ): StatsReport;
}

/**
 * Creates the processing half ({@link OrderedStatsPipeline}).
 * @param settings the report settings (kpi.md)
 * @param aliases member name → person (`--agents`)
 */
export function createOrderedStatsPipeline(
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string> = new Map(),
): OrderedStatsPipeline {
  const core = createCore(settings, aliases, () => undefined);
  return {
    push: (event) => core.ingest(event),
    finish: (input) => core.finish(input),
  };
}

interface PipelineCore {
  ingest(event: TelephonyEvent): void;
  ingestParsed(parsed: ParseResult, tag: number): void;
  finish(
    input: Pick<InputReport, 'files' | 'lines' | 'malformed' | 'duplicates' | 'late'>,
  ): StatsReport;
}

function createCore(
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string>,
  onMalformed: MalformedLineHandler,
): PipelineCore {
  const aggregator = new StatsAggregator(settings);
  const reconstructor = new CallReconstructor({
    wrapup: settings.wrapup,
    aliases,
    sink: aggregator,
  });
  const counters = { events: 0, unknownEvents: 0, malformed: 0 };
  const ingest = (event: TelephonyEvent): void => {
    counters.events++;
    if (event.kind === 'UNKNOWN') counters.unknownEvents++;
    reconstructor.ingest(event);
  };
  return {
    ingest,
    ingestParsed(parsed, tag) {
      if (parsed.ok) {
        ingest(parsed.event);
      } else {
        counters.malformed++;
        onMalformed(tag, parsed.field, parsed.reason);
      }
    },
    finish(input) {
      const lastTime = Number.isFinite(reconstructor.lastTime) ? reconstructor.lastTime : 0;
      reconstructor.finish(Math.max(lastTime, settings.to ?? -Infinity));
      return aggregator.report(
        {
          files: input.files,
          lines: input.lines,
          events: counters.events,
          malformed: input.malformed + counters.malformed,
          duplicates: input.duplicates,
          late: input.late,
          unknownEvents: counters.unknownEvents,
        },
        settings.to ?? lastTime,
      );
    },
  };
}

/**
 * Creates the pipeline.
 * @param settings the report settings (kpi.md)
 * @param aliases member name → person (`--agents`)
 * @param onMalformed receives lines given to `pushLine` that do not parse
 */
export function createStatsPipeline(
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string> = new Map(),
  onMalformed: MalformedLineHandler = () => undefined,
): StatsPipeline {
  const core = createCore(settings, aliases, onMalformed);
  let headerMalformed = 0;
  const reorderer = new Reorderer<TelephonyEvent | string>(settings.reorderWindow, (item, tag) => {
    if (typeof item === 'string') core.ingestParsed(parseQueueLogLine(item), tag);
    else core.ingest(item);
  });
  return {
    push(event, key) {
      reorderer.add(event, event.time, eventRank(event), key);
    },
    pushLine(line, tag) {
      const header = parseQueueLogHeader(line);
      if (header.ok) {
        reorderer.add(line, header.time, verbRank(header.verb), line, tag);
      } else {
        headerMalformed++;
        onMalformed(tag, header.field, header.reason);
      }
    },
    finish(input) {
      reorderer.flush();
      return core.finish({
        files: input.files,
        lines: input.lines,
        malformed: input.malformed + headerMalformed,
        duplicates: reorderer.duplicates,
        late: reorderer.late,
      });
    },
  };
}
