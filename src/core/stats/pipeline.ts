/**
 * The statistics pipeline in one object: reorderer (order, duplicates) → reconstruction → KPI
 * aggregation. Used by `callfloor stats` and by tests; the server uses the same parts with storage
 * between reconstruction and aggregation.
 *
 * Raw queue_log lines are held in the reorder window as strings and parsed when released, so the
 * window holds one string per line rather than an event object graph (much less GC work).
 */
import { eventRank, verbRank, type TelephonyEvent } from '../telephony/events.js';
import {
  parseQueueLogHeader,
  parseQueueLogLine,
  parseQueueLogLineAt,
  readQueueLogHead,
  type ParseResult,
  type QueueLogHead,
} from '../telephony/queue-log.js';
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
 * The ordering half of the pipeline for raw lines: reads each line's time and verb, holds the lines
 * in the reorder window and drops exact duplicates, and releases them in processing order.
 * Together with {@link OrderedStatsPipeline} it computes exactly what {@link StatsPipeline} does;
 * the two halves can run on different threads (`callfloor stats` on large files).
 */
export interface LineOrderer {
  /**
   * Adds a raw queue_log line in input order (it is its own duplicate key). A line whose time or
   * verb cannot be read is reported to `onMalformed` at once and counted in `malformed`.
   */
  pushLine(line: string, tag: number): void;
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
 * @param onRelease receives the lines in processing order with their tags and heads (as
 *   {@link readQueueLogHead} reads them; one object reused for every line)
 * @param onMalformed receives lines whose time or verb cannot be read
 */
export function createLineOrderer(
  reorderWindow: number,
  onRelease: (line: string, tag: number, head: QueueLogHead) => void,
  onMalformed: MalformedLineHandler = () => undefined,
): LineOrderer {
  const released: QueueLogHead = { p1: 0, p2: 0, p3: 0, p4: 0, p5: 0, time: 0, verb: '' };
  // Held with its head, so that the head is not read twice.
  const reorderer = new Reorderer<HeldLine>(reorderWindow, (held, tag) => {
    released.p1 = held.p1;
    released.p2 = held.p2;
    released.p3 = held.p3;
    released.p4 = held.p4;
    released.p5 = held.p5;
    released.time = held.time;
    released.verb = held.verb;
    onRelease(held.line, tag, released);
  });
  let malformed = 0;
  return {
    pushLine(line, tag) {
      const head = readQueueLogHead(line);
      if ('p1' in head) {
        const held: HeldLine = {
          line,
          p1: head.p1,
          p2: head.p2,
          p3: head.p3,
          p4: head.p4,
          p5: head.p5,
          time: head.time,
          verb: head.verb,
        };
        reorderer.add(held, head.time, verbRank(head.verb), line, tag);
      } else {
        malformed++;
        onMalformed(tag, head.field, head.reason);
      }
    },
    flush() {
      reorderer.flush();
    },
    get duplicates() {
      return reorderer.duplicates;
    },
    get late() {
      return reorderer.late;
    },
    get malformed() {
      return malformed;
    },
  };
}

interface HeldLine extends QueueLogHead {
  readonly line: string;
}

/**
 * The processing half of the pipeline: parses lines that are already in processing order (from a
 * {@link LineOrderer}), reconstructs calls and aggregates the KPIs.
 */
export interface OrderedStatsPipeline {
  /**
   * Adds a raw line in processing order. A line that does not parse is reported to `onMalformed`
   * with `tag` and counted.
   */
  pushOrderedLine(line: string, tag: number): void;
  /**
   * {@link pushOrderedLine} for a line found in `text` from `start` to `end` (no terminator, no
   * trailing `\r`) whose head was read already ({@link readQueueLogHead}, positions relative to
   * `start`).
   */
  pushOrderedLineAt(
    text: string,
    start: number,
    end: number,
    head: QueueLogHead,
    tag: number,
  ): void;
  /**
   * Ends the input and returns the report.
   * @param input the counters of the reader and of the orderer (`malformed`: lines rejected
   *   before this pipeline; it adds its own)
   */
  finish(
    input: Pick<InputReport, 'files' | 'lines' | 'malformed' | 'duplicates' | 'late'>,
  ): StatsReport;
}

/**
 * Creates the processing half ({@link OrderedStatsPipeline}).
 * @param settings the report settings (kpi.md)
 * @param aliases member name → person (`--agents`)
 * @param onMalformed receives lines that do not parse
 */
export function createOrderedStatsPipeline(
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string> = new Map(),
  onMalformed: MalformedLineHandler = () => undefined,
): OrderedStatsPipeline {
  const core = createCore(settings, aliases, onMalformed);
  return {
    pushOrderedLine: (line, tag) => core.ingestParsed(parseQueueLogLine(line), tag),
    pushOrderedLineAt: (text, start, end, head, tag) =>
      core.ingestParsed(parseQueueLogLineAt(text, start, end, head), tag),
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
