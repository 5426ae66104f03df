/**
 * Report queries (`GET /api/reports/{queues,agents,intervals}`, floor-api.md) and the chart's
 * per-interval series. Pure functions.
 */
import { addDays } from './format.js';
import type { QueueKpis } from './types.js';

/** Report kinds the server offers. */
export type ReportKind = 'queues' | 'agents' | 'intervals';
/** Export formats. */
export type ReportFormat = 'json' | 'csv' | 'xlsx';
/** Interval lengths in minutes the UI offers. */
export const INTERVAL_MINUTES = [15, 30, 60] as const;

/** What the user picked on the reports page. Dates are `YYYY-MM-DD` in `timeZone`. */
export interface ReportQuery {
  fromDate: string;
  /** Last day included. */
  toDate: string;
  timeZone: string;
  intervalMinutes: (typeof INTERVAL_MINUTES)[number];
  queue: string | null;
}

/**
 * The URL of a report. The range is whole local days: `from` = fromDate 00:00, `to` = the day
 * after toDate 00:00 (exclusive), as ISO times without offset that the server reads in `tz`
 * (kpi.md "Time").
 * @throws Error when a date is not `YYYY-MM-DD`
 */
export function reportUrl(kind: ReportKind, query: ReportQuery, format: ReportFormat): string {
  const params = new URLSearchParams();
  params.set('from', `${query.fromDate}T00:00:00`);
  params.set('to', `${addDays(query.toDate, 1)}T00:00:00`);
  params.set('tz', query.timeZone);
  params.set('interval', `${query.intervalMinutes}m`);
  if (query.queue !== null) params.set('queue', query.queue);
  params.set('format', format);
  return `/api/reports/${kind}?${params.toString()}`;
}

/** A row of the `intervals` report: queue KPIs of one queue in one interval. */
export interface IntervalRow extends QueueKpis {
  start: string;
  queue: string;
}

/** A row of the `queues` report. */
export interface QueueRow extends QueueKpis {
  queue: string;
}

/** A row of the `agents` report (kpi.md "Agent KPIs"). */
export interface AgentRow {
  agent: string;
  answered: number;
  talk: number;
  busy: number;
  overlap: number;
  ringNoAnswer: number;
  unreachable: number;
  loggedIn: number | null;
  paused: number;
  pausedByReason: Record<string, number>;
  occupancy: number | null;
}

/** An agent row with the agent's display name (the person's name, else the agent id). */
export interface NamedAgentRow extends AgentRow {
  name: string;
}

/**
 * Gives each agent row its display name from the `names` map of the agents report
 * (`{ [agentId]: name }`: the person's name from the people register, as on the floor). An agent
 * the map does not name (or an older server without the map) keeps its id as its name.
 */
export function withAgentNames(rows: readonly AgentRow[], body: unknown): NamedAgentRow[] {
  const names =
    typeof body === 'object' && body !== null && 'names' in body
      ? (body as { names?: unknown }).names
      : null;
  const map = typeof names === 'object' && names !== null ? (names as Record<string, unknown>) : {};
  return rows.map((row) => {
    const name = Object.hasOwn(map, row.agent) ? map[row.agent] : undefined;
    return { ...row, name: typeof name === 'string' && name.trim() !== '' ? name : row.agent };
  });
}

/**
 * Pulls the rows out of a report response: either a bare array or an object holding the array
 * under the kind's name (the `stats` contract's key) or `rows`/`data`.
 * @returns the rows, or `[]` when none is found
 */
export function reportRows<T>(body: unknown, kind: ReportKind): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    for (const key of [kind, 'rows', 'data']) {
      const v = o[key];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** The service-level formula names of kpi.md. */
export type SlFormula =
  'offered' | 'answered' | 'asteriskSL2' | 'lateAbandons' | 'answeredAbandoned';

/** One bar group of the interval chart. */
export interface IntervalPoint {
  start: string;
  offered: number;
  answered: number;
  abandoned: number;
  /** Recomputed from the summed counts with the report's formula; `null` on a zero denominator. */
  serviceLevel: number | null;
}

/**
 * Service level from counts, by formula (kpi.md "serviceLevel").
 * @returns a fraction, or `null` when the denominator is 0
 */
export function serviceLevelOf(
  k: Pick<
    QueueKpis,
    | 'offered'
    | 'answered'
    | 'abandoned'
    | 'shortAbandoned'
    | 'answeredWithinThreshold'
    | 'abandonedWithinThreshold'
  >,
  formula: SlFormula,
): number | null {
  let num = k.answeredWithinThreshold;
  let den: number;
  switch (formula) {
    case 'offered':
      den = k.offered - k.shortAbandoned;
      break;
    case 'answered':
      den = k.answered;
      break;
    case 'asteriskSL2':
      num = k.answeredWithinThreshold + k.abandonedWithinThreshold;
      den = k.answered + k.abandoned;
      break;
    case 'lateAbandons':
      den = k.answered + k.abandoned - k.abandonedWithinThreshold;
      break;
    case 'answeredAbandoned':
      den = k.answered + k.abandoned - k.shortAbandoned;
      break;
  }
  return den > 0 ? num / den : null;
}

/**
 * Sums interval rows of all (selected) queues per interval start, for the chart.
 * Counts are summed; the service level is recomputed from the sums (never averaged).
 * @returns points sorted by start
 */
export function aggregateIntervals(
  rows: readonly IntervalRow[],
  formula: SlFormula,
): IntervalPoint[] {
  const sums = new Map<string, QueueKpis>();
  for (const r of rows) {
    const s = sums.get(r.start);
    if (!s) {
      sums.set(r.start, { ...r });
      continue;
    }
    s.offered += r.offered;
    s.answered += r.answered;
    s.abandoned += r.abandoned;
    s.shortAbandoned += r.shortAbandoned;
    s.answeredWithinThreshold += r.answeredWithinThreshold;
    s.abandonedWithinThreshold += r.abandonedWithinThreshold;
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, k]) => ({
      start,
      offered: k.offered,
      answered: k.answered,
      abandoned: k.abandoned,
      serviceLevel: serviceLevelOf(k, formula),
    }));
}

/**
 * Label of an interval start such as `2026-01-01T09:15:00+08:00`: `09:15`, or `01-01 09:15`
 * with `withDate` (ranges of several days). The start is already local to the report's zone.
 */
export function intervalLabel(start: string, withDate = false): string {
  const m = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2})/.exec(start);
  if (!m) return start;
  return withDate ? `${m[1]} ${m[2]}` : (m[2] ?? start);
}

/** A chart point with its instant (epoch ms) — the slots between reported intervals included. */
export interface IntervalSlot extends IntervalPoint {
  startMs: number;
}

/**
 * Fills the intervals the report leaves out (the `stats` contract lists only intervals with at
 * least one queue-call) with zero counts, so the chart's time axis is continuous.
 * Slots step by `intervalMinutes` in absolute time from the first point to the last, so a DST
 * change keeps its repeated or skipped local hour.
 * @param points aggregated points (any order); starts must be ISO times with an offset
 * @returns one slot per interval from the first to the last point (at most 5000; beyond that the
 *   points are returned as they are); a missing slot has zero counts and a `null` service level
 */
export function fillIntervals(
  points: readonly IntervalPoint[],
  intervalMinutes: number,
): IntervalSlot[] {
  const withMs = points
    .map((p) => ({ ...p, startMs: Date.parse(p.start) }))
    .filter((p) => Number.isFinite(p.startMs))
    .sort((a, b) => a.startMs - b.startMs);
  const first = withMs[0];
  const last = withMs[withMs.length - 1];
  if (!first || !last) return [];
  const step = intervalMinutes * 60_000;
  const count = Math.floor((last.startMs - first.startMs) / step) + 1;
  if (count > 5000 || count < withMs.length) return withMs;
  const byMs = new Map(withMs.map((p) => [p.startMs, p]));
  const slots: IntervalSlot[] = [];
  for (let i = 0; i < count; i += 1) {
    const ms = first.startMs + i * step;
    slots.push(
      byMs.get(ms) ?? {
        start: new Date(ms).toISOString(),
        startMs: ms,
        offered: 0,
        answered: 0,
        abandoned: 0,
        serviceLevel: null,
      },
    );
  }
  return slots;
}
