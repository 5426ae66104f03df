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
import { ByteLineHead } from '../telephony/queue-log-bytes.js';
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
 * files). No string is made per line: a line's bytes are held (its buffer stays referenced) until
 * it is released and its second leaves the duplicate window.
 */
export interface LineOrderer {
  /**
   * Adds a raw queue_log line in input order: `buf` from `start` to `end` (no terminator; the
   * buffer must not change afterwards). The line is its own duplicate key. A line whose time or
   * verb cannot be read is reported to `onMalformed` at once and counted in `malformed`.
   */
  pushLine(buf: Uint8Array, start: number, end: number, tag: number): void;
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
 * @param onRelease receives the lines in processing order with their tags
 * @param onMalformed receives lines whose time or verb cannot be read
 */
export function createLineOrderer(
  reorderWindow: number,
  onRelease: (buf: Uint8Array, start: number, end: number, tag: number) => void,
  onMalformed: MalformedLineHandler = () => undefined,
): LineOrderer {
  const head = new ByteLineHead();
  const held = new HeldLines();
  const keys = new LineKeys(reorderWindow);
  const reorderer = new Reorderer<number>(reorderWindow, (seq, tag) =>
    held.release(seq, tag, onRelease),
  );
  const decoder = new TextDecoder();
  let malformed = 0;
  let duplicates = 0;
  let seq = 0;
  return {
    pushLine(buf, start, end, tag) {
      let time: number;
      let rank: number;
      let added: boolean;
      if (head.readHead(buf, start, end)) {
        time = head.time;
        rank = head.rank;
        added = keys.add(Math.floor(time), head.hash, buf, start, end);
      } else {
        // Not for the byte path: the string parser reads the head (and words any error).
        const line = decoder.decode(buf.subarray(start, end));
        const stringHead = readQueueLogHead(line);
        if (!('p1' in stringHead)) {
          malformed++;
          onMalformed(tag, stringHead.field, stringHead.reason);
          return;
        }
        time = stringHead.time;
        rank = verbRank(stringHead.verb);
        added = keys.add(Math.floor(time), stringHash(line), line, 0, line.length);
      }
      if (!added) {
        duplicates++;
        return;
      }
      held.hold(seq, buf, start, end);
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

function stringHash(line: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
  return h;
}

/** Lines held in the reorder window, by sequence number (a ring that grows when full). */
class HeldLines {
  private bufs: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(1024);
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private seqs = new Float64Array(1024);

  hold(seq: number, buf: Uint8Array, start: number, end: number): void {
    let slot = seq & (this.bufs.length - 1);
    if (this.bufs[slot] !== undefined) {
      this.grow();
      slot = seq & (this.bufs.length - 1);
    }
    this.bufs[slot] = buf;
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.seqs[slot] = seq;
  }

  release(
    seq: number,
    tag: number,
    onRelease: (buf: Uint8Array, start: number, end: number, tag: number) => void,
  ): void {
    const slot = seq & (this.bufs.length - 1);
    const buf = this.bufs[slot]!;
    this.bufs[slot] = undefined;
    onRelease(buf, this.starts[slot]!, this.ends[slot]!, tag);
  }

  private grow(): void {
    const { bufs, starts, ends, seqs } = this;
    const size = bufs.length * 2;
    this.bufs = new Array<Uint8Array | undefined>(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
    this.seqs = new Float64Array(size);
    for (let i = 0; i < bufs.length; i++) {
      if (bufs[i] === undefined) continue;
      const slot = seqs[i]! & (size - 1);
      this.bufs[slot] = bufs[i];
      this.starts[slot] = starts[i]!;
      this.ends[slot] = ends[i]!;
      this.seqs[slot] = seqs[i]!;
    }
  }
}

/** A second's keys: flat (hash, key, start, end) quadruples, or by hash once there are many. */
type SecondKeys = unknown[] | Map<number, unknown[]>;

/**
 * Exact-duplicate detection over the reorder window, as {@link Reorderer} does it with string
 * keys (kpi.md "Order and duplicates"): the same bytes in the same second, while that second is
 * inside the window. Keys are a line's bytes (or, for lines read as strings, the string).
 */
class LineKeys {
  private readonly bySecond = new Map<number, SecondKeys>();
  private readonly secondsSeen: number[] = [];
  private secondsHead = 0;
  private newest = -Infinity;

  constructor(private readonly windowSeconds: number) {}

  /** Adds a key; false when the same key is there already for `second` (a duplicate). */
  add(second: number, hash: number, key: Uint8Array | string, start: number, end: number): boolean {
    const keys = this.bySecond.get(second);
    if (keys === undefined) {
      this.bySecond.set(second, [hash, key, start, end]);
      this.secondsSeen.push(second);
      return true;
    }
    if (Array.isArray(keys)) {
      if (findKey(keys, hash, key, start, end)) return false;
      keys.push(hash, key, start, end);
      if (keys.length > 4 * 32) this.bySecond.set(second, byHash(keys));
      return true;
    }
    const same = keys.get(hash);
    if (same === undefined) {
      keys.set(hash, [hash, key, start, end]);
      return true;
    }
    if (findKey(same, hash, key, start, end)) return false;
    same.push(hash, key, start, end);
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
      this.bySecond.delete(second);
      this.secondsHead++;
    }
    if (this.secondsHead > 4096 && this.secondsHead * 2 > this.secondsSeen.length) {
      this.secondsSeen.splice(0, this.secondsHead);
      this.secondsHead = 0;
    }
  }
}

function byHash(flat: unknown[]): Map<number, unknown[]> {
  const map = new Map<number, unknown[]>();
  for (let i = 0; i < flat.length; i += 4) {
    const hash = flat[i] as number;
    const list = map.get(hash);
    if (list === undefined) map.set(hash, flat.slice(i, i + 4));
    else list.push(...flat.slice(i, i + 4));
  }
  return map;
}

function findKey(
  keys: unknown[],
  hash: number,
  key: Uint8Array | string,
  start: number,
  end: number,
): boolean {
  for (let i = 0; i < keys.length; i += 4) {
    if (keys[i] !== hash) continue;
    const other = keys[i + 1] as Uint8Array | string;
    if (typeof key === 'string' || typeof other === 'string') {
      if (key === other) return true;
      continue;
    }
    const otherStart = keys[i + 2] as number;
    const n = end - start;
    if ((keys[i + 3] as number) - otherStart !== n) continue;
    let k = 0;
    while (k < n && key[start + k] === other[otherStart + k]) k++;
    if (k === n) return true;
  }
  return false;
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
