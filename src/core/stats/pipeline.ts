/**
 * The statistics pipeline in one object: reorderer (order, duplicates) → reconstruction → KPI
 * aggregation. Used by `callfloor stats` and by tests; the server uses the same parts with storage
 * between reconstruction and aggregation.
 *
 * Raw queue_log lines are held in the reorder window as strings and parsed when released, so the
 * window holds one string per line rather than an event object graph (much less GC work).
 */
import { eventRank, verbRank, type TelephonyEvent } from '../telephony/events.js';
import { parseQueueLogHeader, parseQueueLogLine } from '../telephony/queue-log.js';
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
  const reorderer = new Reorderer<TelephonyEvent | string>(settings.reorderWindow, (item, tag) => {
    if (typeof item !== 'string') {
      ingest(item);
      return;
    }
    const parsed = parseQueueLogLine(item);
    if (parsed.ok) {
      ingest(parsed.event);
    } else {
      counters.malformed++;
      onMalformed(tag, parsed.field, parsed.reason);
    }
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
        counters.malformed++;
        onMalformed(tag, header.field, header.reason);
      }
    },
    finish(input) {
      reorderer.flush();
      const lastTime = Number.isFinite(reconstructor.lastTime) ? reconstructor.lastTime : 0;
      reconstructor.finish(Math.max(lastTime, settings.to ?? -Infinity));
      return aggregator.report(
        {
          files: input.files,
          lines: input.lines,
          events: counters.events,
          malformed: input.malformed + counters.malformed,
          duplicates: reorderer.duplicates,
          late: reorderer.late,
          unknownEvents: counters.unknownEvents,
        },
        settings.to ?? lastTime,
      );
    },
  };
}
