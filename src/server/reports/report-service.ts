/**
 * Reports from the database: stored records are fed back to the same `StatsAggregator` that
 * `callfloor stats` uses, so the API and the CLI give the same figures for the same input.
 * With a live engine, what is still open (calls waiting or in progress, current sessions) is added
 * as provisional records up to now.
 */
import { StatsAggregator } from '../../core/stats/aggregate.js';
import type { RecordSink } from '../../core/stats/records.js';
import type { IntervalMinutes, StatsReport, StatsSettings } from '../../core/stats/report.js';
import { assertTimeZone, parseIsoInZone } from '../../core/stats/time-zone.js';
import type { Db } from '../../db/database.js';
import { countEvents } from '../../db/ingest.repository.js';
import { feedRecords, lastRecordTime } from '../../db/records.repository.js';
import { AppError } from '../errors.js';
import type { LiveEngine } from '../ingest/live-engine.js';
import { agentDisplayName, type AgentNames } from '../live/floor-presenter.js';

/** A report request (query strings as given). */
export interface ReportRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly tz?: string | undefined;
  readonly interval?: string | undefined;
  readonly queue?: string | undefined;
  readonly agent?: string | undefined;
}

/**
 * Resolves request strings into report settings.
 * @throws AppError `invalid_request` naming the field (`tz`, `from`, `to`, `interval`)
 */
export function reportSettings(base: StatsSettings, request: ReportRequest): StatsSettings {
  const timeZone = request.tz ?? base.timeZone;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new AppError('invalid_request', `not an IANA time zone: "${timeZone}"`, 'tz');
  }
  const parse = (field: 'from' | 'to'): number | null => {
    const text = request[field];
    if (text === undefined || text === '') return null;
    try {
      return parseIsoInZone(text, timeZone);
    } catch (error) {
      throw new AppError('invalid_request', (error as Error).message, field);
    }
  };
  const from = parse('from');
  const to = parse('to');
  if (from !== null && to !== null && to <= from) {
    throw new AppError('invalid_request', '"to" must be after "from"', 'to');
  }
  let interval: IntervalMinutes | null = null;
  if (request.interval !== undefined) {
    const minutes = Number(request.interval.replace(/m$/, ''));
    if (minutes !== 15 && minutes !== 30 && minutes !== 60) {
      throw new AppError('invalid_request', 'interval must be 15m, 30m or 60m', 'interval');
    }
    interval = minutes;
  }
  return { ...base, timeZone, from, to, interval };
}

/** The live side of a report: the ingest service (`IngestService.readConsistent`). */
export interface LiveRecordSource {
  readConsistent<T>(read: (engine: LiveEngine) => Promise<T>): Promise<T>;
}

/**
 * Computes the report from stored records plus, with a live source, the records closed since the
 * last commit and the open items (calls waiting or in progress, current sessions), read together
 * with no commit in between so that each record counts once.
 * @param nowMs epoch ms (the provisional records' end)
 */
export async function computeReport(
  db: Db,
  settings: StatsSettings,
  queue: string | null,
  live: LiveRecordSource | null,
  nowMs: number,
): Promise<StatsReport> {
  const aggregator = new StatsAggregator(settings);
  const filtered = queue === null ? aggregator : queueFilter(aggregator, queue);
  const query = { from: settings.from, to: settings.to, queue };
  let endTime: number;
  if (live === null) {
    await feedRecords(db, query, aggregator);
    endTime = settings.to ?? (await lastRecordTime(db)) ?? 0;
  } else {
    endTime = await live.readConsistent(async (engine) => {
      await feedRecords(db, query, aggregator);
      const stored = settings.to ?? (await lastRecordTime(db)) ?? 0;
      // The aggregator keeps only what falls in [from, to).
      engine.pendingRecords(filtered);
      const now = nowMs / 1000;
      const peekAt = settings.to === null ? now : Math.min(now, settings.to);
      // Calls in progress come with a provisional end at peekAt, so they are busy up to now.
      if (settings.from === null || peekAt > settings.from) engine.peekRecords(peekAt, filtered);
      // Stored calls whose end never came (imported history) end with the data, never in the
      // future.
      return Math.min(stored, now);
    });
  }
  const events = await countEvents(db);
  return aggregator.report(
    { files: [], lines: events, events, malformed: 0, duplicates: 0, late: 0, unknownEvents: 0 },
    endTime,
  );
}

function queueFilter(aggregator: StatsAggregator, queue: string): RecordSink {
  return {
    queueCall: (r) => {
      if (r.queue === queue) aggregator.queueCall(r);
    },
    agentSegment: (segment) => aggregator.agentSegment(segment),
    rejected: (join) => {
      if (join.queue === queue) aggregator.rejected(join);
    },
    agentSeen: (agent) => aggregator.agentSeen(agent),
    agentHasSessions: (agent) => aggregator.agentHasSessions(agent),
  };
}

/**
 * The display names of the agents of report rows, by agent id: the person's name from the people
 * register, else the agent id (the floor's rule, {@link agentDisplayName}). Rows without an
 * `agent` field (queue and interval rows) add nothing.
 * @param people the people directory; null: every agent shows its id
 * @returns `{ [agentId]: name }`, one entry per distinct agent id
 */
export function agentNamesOf(
  rows: readonly object[],
  people: AgentNames | null,
): Record<string, string> {
  const names: Record<string, string> = {};
  for (const row of rows) {
    if (!('agent' in row) || typeof row.agent !== 'string') continue;
    names[row.agent] = agentDisplayName(row.agent, people);
  }
  return names;
}

/**
 * Report rows for a spreadsheet (CSV, XLSX): agent rows get a `name` column first (the display
 * name of {@link agentNamesOf}), then the `agent` id and the KPIs; other rows are returned as
 * they are.
 * @param people the people directory; null: `name` = the agent id
 */
export function withAgentNames(rows: readonly object[], people: AgentNames | null): object[] {
  return rows.map((row) =>
    'agent' in row && typeof row.agent === 'string'
      ? { name: agentDisplayName(row.agent, people), ...row }
      : row,
  );
}
