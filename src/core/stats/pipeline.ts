/**
 * The statistics pipeline in one object: sequencer (order, duplicates) → reconstruction → KPI
 * aggregation. Used by `callfloor stats` and by tests; the server uses the same parts with storage
 * between reconstruction and aggregation.
 */
import type { TelephonyEvent } from '../telephony/events.js';
import { EventSequencer } from '../telephony/sequencer.js';
import { StatsAggregator } from './aggregate.js';
import { CallReconstructor } from './reconstruction.js';
import type { InputReport, StatsReport, StatsSettings } from './report.js';

/** Counters the pipeline keeps about what it was fed. */
export interface PipelineCounters {
  events: number;
  duplicates: number;
  late: number;
  unknownEvents: number;
}

/** A running statistics computation over one input. */
export interface StatsPipeline {
  /**
   * Adds an event in input order.
   * @param key duplicate identity (e.g. the raw line); `null` = never a duplicate
   */
  push(event: TelephonyEvent, key: string | null): void;
  /**
   * Ends the input and returns the report.
   * @param input the reader's counters (`files`, `lines`, `malformed`); the pipeline fills in
   *   `events`, `duplicates`, `late` and `unknownEvents`
   */
  finish(input: Pick<InputReport, 'files' | 'lines' | 'malformed'>): StatsReport;
}

/**
 * Creates the pipeline.
 * @param settings the report settings (kpi.md)
 * @param aliases member name → person (`--agents`)
 */
export function createStatsPipeline(
  settings: StatsSettings,
  aliases: ReadonlyMap<string, string> = new Map(),
): StatsPipeline {
  const aggregator = new StatsAggregator(settings);
  const reconstructor = new CallReconstructor({
    wrapup: settings.wrapup,
    aliases,
    sink: aggregator,
  });
  const sequencer = new EventSequencer(settings.reorderWindow, (event) =>
    reconstructor.ingest(event),
  );
  const counters: PipelineCounters = { events: 0, duplicates: 0, late: 0, unknownEvents: 0 };
  return {
    push(event, key) {
      if (!sequencer.push(event, key)) return;
      counters.events++;
      if (event.kind === 'UNKNOWN') counters.unknownEvents++;
    },
    finish(input) {
      sequencer.flush();
      const lastTime = Number.isFinite(reconstructor.lastTime) ? reconstructor.lastTime : 0;
      const end = Math.max(lastTime, settings.to ?? -Infinity);
      reconstructor.finish(end);
      return aggregator.report(
        {
          files: input.files,
          lines: input.lines,
          events: counters.events,
          malformed: input.malformed,
          duplicates: sequencer.duplicates,
          late: sequencer.late,
          unknownEvents: counters.unknownEvents,
        },
        settings.to ?? lastTime,
      );
    },
  };
}
