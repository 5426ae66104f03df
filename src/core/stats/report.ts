/**
 * The `callfloor.stats/v1` contract (../shared/spec/kpi.md "stats JSON output") and its settings.
 * Times are seconds; ratios are fractions in [0, 1]; a mean or ratio with nothing to average is
 * `null`, a count is `0`. Nothing is rounded here.
 */

/** Service-level formulas in use in the industry (kpi.md "Queue KPIs"). */
export const SERVICE_LEVEL_FORMULAS = [
  'offered',
  'answered',
  'asteriskSL2',
  'lateAbandons',
  'answeredAbandoned',
] as const;
export type ServiceLevelFormula = (typeof SERVICE_LEVEL_FORMULAS)[number];

/** Report interval lengths, in minutes. */
export const INTERVAL_MINUTES = [15, 30, 60] as const;
export type IntervalMinutes = (typeof INTERVAL_MINUTES)[number];

/** The settings a report was computed with; echoed in every report. */
export interface StatsSettings {
  /** Service-level threshold T, seconds (default 20). "Within" is wait ≤ T, as app_queue computes it. */
  readonly serviceLevelThreshold: number;
  /** Short-abandon threshold S, seconds (default 0 = off): abandons with wait < S are short. */
  readonly shortAbandon: number;
  readonly serviceLevelFormula: ServiceLevelFormula;
  /** IANA time zone that intervals and local times are read in. */
  readonly timeZone: string;
  /** Range start, epoch s inclusive; `null` = from the beginning. */
  readonly from: number | null;
  /** Range end, epoch s exclusive; `null` = to the end of the input. */
  readonly to: number | null;
  /** Interval length in minutes, or `null` for no interval breakdown. */
  readonly interval: IntervalMinutes | null;
  /** Fixed wrap-up (ACW) seconds after each answered call (the queue's wrapuptime); 0 = none. */
  readonly wrapup: number;
  /** Reorder window, seconds (default 300). */
  readonly reorderWindow: number;
  /** The alias map file, as given (`--agents`), or `null`. */
  readonly agents: string | null;
}

/** Default settings (kpi.md). `timeZone` defaults to the process's zone. */
export function defaultStatsSettings(): StatsSettings {
  return {
    serviceLevelThreshold: 20,
    shortAbandon: 0,
    serviceLevelFormula: 'offered',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    from: null,
    to: null,
    interval: null,
    wrapup: 0,
    reorderWindow: 300,
    agents: null,
  };
}

/** Queue KPIs (kpi.md "Queue KPIs"). */
export interface QueueKpis {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  exitedWithKey: number;
  exitedEmpty: number;
  lost: number;
  stillWaiting: number;
  rejected: number;
  transferred: number;
  answeredWithinThreshold: number;
  abandonedWithinThreshold: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  asa: number | null;
  avgTalk: number | null;
  aht: number | null;
  maxWait: number | null;
  avgAbandonWait: number | null;
}

/** The queue KPI counts in contract order (kpi.md): they add up over queues and intervals. */
export const QUEUE_COUNT_FIELDS = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'timedOut',
  'exitedWithKey',
  'exitedEmpty',
  'lost',
  'stillWaiting',
  'rejected',
  'transferred',
  'answeredWithinThreshold',
  'abandonedWithinThreshold',
] as const satisfies readonly (keyof QueueKpis)[];

/** The queue KPI fields in contract order (kpi.md), for tables, CSV and tests. */
export const QUEUE_KPI_FIELDS = [
  ...QUEUE_COUNT_FIELDS,
  'serviceLevel',
  'abandonRate',
  'asa',
  'avgTalk',
  'aht',
  'maxWait',
  'avgAbandonWait',
] as const satisfies readonly (keyof QueueKpis)[];

export interface QueueReport extends QueueKpis {
  queue: string;
}

export interface TotalsReport extends QueueKpis {
  /** Distinct callids among the selected queue-calls. */
  uniqueCalls: number;
}

export interface IntervalReport extends QueueKpis {
  /** Interval start in the report's time zone, ISO 8601 with offset (e.g. `2026-01-01T09:00:00+08:00`). */
  start: string;
  queue: string;
}

/** Agent KPIs (kpi.md "Agent KPIs"). */
export interface AgentReport {
  agent: string;
  answered: number;
  talk: number;
  busy: number;
  overlap: number;
  ringNoAnswer: number;
  unreachable: number;
  /** `null` when the agent had no session event at all (a static member). */
  loggedIn: number | null;
  paused: number;
  pausedByReason: Record<string, number>;
  occupancy: number | null;
}

/** Counters about the input itself. */
export interface InputReport {
  files: string[];
  lines: number;
  events: number;
  malformed: number;
  duplicates: number;
  late: number;
  unknownEvents: number;
}

/** The whole `callfloor.stats/v1` document. `intervals` is present only when an interval is set. */
export interface StatsReport {
  schema: 'callfloor.stats/v1';
  settings: StatsSettings;
  input: InputReport;
  totals: TotalsReport;
  queues: QueueReport[];
  agents: AgentReport[];
  intervals?: IntervalReport[];
}
