/**
 * Floor alert rules: a pure evaluator over the floor view.
 *
 * Rules and their norms (`norms.md`):
 * - R12 `absence.unapproved` — an agent has been paused for the absence threshold (default 600 s);
 *   the alert fires AT the threshold (10:00), not a second before (9:59).
 * - R12 `absence.reason_allowance` — the same, for a pause reason with its own allowance
 *   (e.g. `Lunch` 1800 s).
 * - R12 `absence.overrun` — an approved absence (an input: the server's approved absence requests)
 *   has ended and the agent is still paused; fires at the approval's end. While an approval covers
 *   `now`, the two threshold rules stay silent for that agent.
 * - S2 `queue.longest_wait` — the longest-waiting caller of a queue has waited ≥ the threshold
 *   (default 60 s).
 * - S2 `queue.service_level` — today's service level of a queue (an input: the server computes it
 *   with the KPI engine) is below the target.
 * - S2 `queue.no_agents` — callers are waiting and no agent of the queue is available.
 * - S2 `source.silent` — a live telephony source (queue_log, AMI, FreeSWITCH) has delivered no
 *   event for `sourceSilentSeconds` (default 300) while the floor is open (an input: the server
 *   checks its opening hours with {@link withinOpeningHours}); fires AT the threshold and clears
 *   when an event arrives or the floor closes. The floor is blind while it lasts, hence critical.
 *
 * Logged-out-during-shift absence (R12) and after-shift logins (R14) need the shift plan and are
 * out of scope here.
 */
import type { FloorAgentView, FloorQueueView } from './floor-state.js';

/** Alert severity. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Stable rule keys. */
export type AlertRule =
  | 'absence.unapproved'
  | 'absence.reason_allowance'
  | 'absence.overrun'
  | 'queue.longest_wait'
  | 'queue.service_level'
  | 'queue.no_agents'
  | 'source.silent'
  /** A critical QA check failed on a call (issue #5; raised by the server's QA service). */
  | 'qa.critical';

/** An open alert as `GET /api/floor` shows it (the server adds `message` via `alertMessage`). */
export interface FloorAlert {
  /**
   * Stable id: `<rule>:<agent or queue>:<since>`. It stays the same while the condition holds (it
   * is carried over from `previous`), so the server sends `alert` once and `alert-cleared` once.
   */
  readonly id: string;
  /** Norm id of `norms.md` (`R12`, `S2`; for `qa.critical` the check's norm, e.g. `E09`). */
  readonly norm: string;
  readonly rule: AlertRule;
  readonly severity: AlertSeverity;
  /** Agent id (person id or member name) for agent rules, else `null`. */
  readonly agent: string | null;
  /** Queue for queue rules, else `null`. */
  readonly queue: string | null;
  /** Source name (`ami:host:5038`, `queue_log:/path`) for source rules; absent otherwise. */
  readonly source?: string;
  /** When the condition was reached: epoch **ms**. */
  readonly since: number;
  /** Values for the message template (see `src/i18n/alerts/*.json`). */
  readonly params: Readonly<Record<string, string | number>>;
}

/** Alert settings (seconds for durations, fractions for ratios). */
export interface AlertSettings {
  /** R12 absence threshold in seconds for any pause (default 600 = 10 min). */
  readonly absenceThresholdSeconds?: number;
  /** R12 per-reason allowances in seconds, e.g. `{ Lunch: 1800 }`; overrides the threshold. */
  readonly absenceByReason?: Readonly<Record<string, number>>;
  /** S2 longest-wait threshold in seconds (default 60). */
  readonly longestWaitSeconds?: number;
  /** S2 service-level target as a fraction (default 0.8); a queue's own `serviceLevelTarget` wins. */
  readonly serviceLevelTarget?: number;
  /** S2: offered calls today below which the service-level rule stays silent (default 0). */
  readonly serviceLevelMinOffered?: number;
  /** S2 `source.silent`: seconds without an event from a live source (default 300). */
  readonly sourceSilentSeconds?: number;
}

/** Defaults of {@link AlertSettings}. */
export const DEFAULT_ALERT_SETTINGS = {
  absenceThresholdSeconds: 600,
  absenceByReason: {} as Readonly<Record<string, number>>,
  longestWaitSeconds: 60,
  serviceLevelTarget: 0.8,
  serviceLevelMinOffered: 0,
  sourceSilentSeconds: 300,
} as const;

/** An approved absence (R12 flow): the agent may be away from `from` to `until` (epoch ms). */
export interface ApprovedAbsence {
  readonly agent: string;
  readonly from: number;
  readonly until: number;
}

/**
 * What the evaluator reads: the floor view, where a queue may carry the server's `today` KPIs
 * (`serviceLevel` as a fraction or `null`, `offered`) and its `serviceLevelTarget`.
 */
export interface AlertInput {
  readonly agents: readonly Pick<FloorAgentView, 'agent' | 'state' | 'reason' | 'since'>[];
  readonly queues: readonly (Pick<
    FloorQueueView,
    'queue' | 'waiting' | 'longestWait' | 'waitingCalls' | 'agents'
  > & {
    readonly serviceLevelTarget?: number;
    readonly today?: { readonly serviceLevel: number | null; readonly offered?: number };
  })[];
  /** Approved absences; an approval applies to a pause it overlaps (`from ≤ now`, `until > since`). */
  readonly approvedAbsences?: readonly ApprovedAbsence[];
  /** Live telephony sources (not the demo) for `source.silent`. */
  readonly sources?: readonly SilenceInput[];
  /** Whether the floor is open now (opening hours); `source.silent` is silent when not (default true). */
  readonly open?: boolean;
}

/** A live source as the `source.silent` rule reads it. */
export interface SilenceInput {
  /** Stable source name (never a secret). */
  readonly name: string;
  /** `queue_log`, `ami`, `freeswitch`. */
  readonly kind: string;
  /** Epoch ms of its last event, or of when it was started when it has had none. */
  readonly quietSince: number;
}

/** Opening hours: local wall-clock `HH:MM` (24:00 allowed as an end); `end` ≤ `start` spans midnight. */
export interface OpeningHours {
  readonly start: string;
  readonly end: string;
}

/**
 * Whether `localMinutes` (minutes since local midnight, 0–1439) falls in the opening hours.
 * `null` hours = always open; equal start and end = open all day.
 * @throws Error on a time not written `HH:MM`
 */
export function withinOpeningHours(localMinutes: number, hours: OpeningHours | null): boolean {
  if (hours === null) return true;
  const start = clockMinutes(hours.start);
  const end = clockMinutes(hours.end);
  if (start === end) return true;
  return start < end
    ? localMinutes >= start && localMinutes < end
    : localMinutes >= start || localMinutes < end;
}

function clockMinutes(text: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (match === null) throw new Error(`opening hours: expected HH:MM, got ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Evaluates every rule at `now` (epoch ms).
 *
 * @param view the floor view (from `FloorState.view(now)`, optionally with `today` per queue)
 * @param now epoch ms
 * @param settings thresholds; missing fields take {@link DEFAULT_ALERT_SETTINGS}
 * @param previous the alerts returned by the previous call (ids and `since` carry over)
 * @returns the open alerts, sorted by id. Alerts in `previous` but not here are cleared.
 */
export function evaluateAlerts(
  view: AlertInput,
  now: number,
  settings: AlertSettings = {},
  previous: readonly FloorAlert[] = [],
): FloorAlert[] {
  const absenceThreshold =
    settings.absenceThresholdSeconds ?? DEFAULT_ALERT_SETTINGS.absenceThresholdSeconds;
  const byReason = settings.absenceByReason ?? DEFAULT_ALERT_SETTINGS.absenceByReason;
  const longestWait = settings.longestWaitSeconds ?? DEFAULT_ALERT_SETTINGS.longestWaitSeconds;
  const slTarget = settings.serviceLevelTarget ?? DEFAULT_ALERT_SETTINGS.serviceLevelTarget;
  const slMinOffered =
    settings.serviceLevelMinOffered ?? DEFAULT_ALERT_SETTINGS.serviceLevelMinOffered;
  const silentSeconds = settings.sourceSilentSeconds ?? DEFAULT_ALERT_SETTINGS.sourceSilentSeconds;

  const prior = new Map<string, FloorAlert>();
  for (const alert of previous) {
    prior.set(subjectKey(alert.rule, alert.agent, alert.queue, alert.source), alert);
  }
  const open: FloorAlert[] = [];

  /** Keeps the previous alert's id and since while the condition holds. */
  const raise = (
    norm: FloorAlert['norm'],
    rule: AlertRule,
    severity: AlertSeverity,
    agent: string | null,
    queue: string | null,
    since: number,
    params: Record<string, string | number>,
    episode: number | null,
    source?: string,
  ): void => {
    const before = prior.get(subjectKey(rule, agent, queue, source));
    // For agent rules, a new episode (a new pause) is a new alert even if the old one was open.
    const reuse =
      before !== undefined && (episode === null || before.params.pausedSince === episode)
        ? before
        : undefined;
    const start = reuse?.since ?? since;
    const fullParams = episode === null ? params : { ...params, pausedSince: episode };
    open.push({
      id: reuse?.id ?? `${rule}:${agent ?? queue ?? source ?? ''}:${start}`,
      norm,
      rule,
      severity,
      agent,
      queue,
      ...(source === undefined ? {} : { source }),
      since: start,
      params: fullParams,
    });
  };

  const approvals = new Map<string, ApprovedAbsence[]>();
  for (const approval of view.approvedAbsences ?? []) {
    const list = approvals.get(approval.agent) ?? [];
    list.push(approval);
    approvals.set(approval.agent, list);
  }

  for (const a of view.agents) {
    if (a.state !== 'paused') continue;
    const reason = a.reason ?? '';
    const covering = (approvals.get(a.agent) ?? []).filter(
      (x) => x.from <= now && x.until > a.since,
    );
    if (covering.length > 0) {
      const until = Math.max(...covering.map((x) => x.until));
      if (now >= until) {
        raise(
          'R12',
          'absence.overrun',
          'warning',
          a.agent,
          null,
          until,
          { agent: a.agent, reason, approvedUntil: until },
          a.since,
        );
      }
      continue;
    }
    const allowance = Object.prototype.hasOwnProperty.call(byReason, reason)
      ? byReason[reason]
      : undefined;
    const limit = allowance ?? absenceThreshold;
    // Fires AT the threshold: elapsed ≥ limit (norms.md R12: at 10:00, not at 9:59).
    const reached = a.since + limit * 1000;
    if (now < reached) continue;
    raise(
      'R12',
      allowance === undefined ? 'absence.unapproved' : 'absence.reason_allowance',
      'warning',
      a.agent,
      null,
      reached,
      { agent: a.agent, reason, minutes: round1(limit / 60), thresholdSeconds: limit },
      a.since,
    );
  }

  for (const q of view.queues) {
    if (q.waiting > 0 && q.longestWait >= longestWait) {
      const oldest = q.waitingCalls.reduce((m, w) => Math.min(m, w.since), Infinity);
      const reached = Number.isFinite(oldest) ? oldest + longestWait * 1000 : now;
      raise(
        'S2',
        'queue.longest_wait',
        'warning',
        null,
        q.queue,
        reached,
        { queue: q.queue, seconds: longestWait },
        null,
      );
    }
    const target = q.serviceLevelTarget ?? slTarget;
    const sl = q.today?.serviceLevel ?? null;
    const offered = q.today?.offered ?? 0;
    if (sl !== null && sl < target && (q.today?.offered === undefined || offered >= slMinOffered)) {
      raise(
        'S2',
        'queue.service_level',
        'warning',
        null,
        q.queue,
        now,
        { queue: q.queue, percent: Math.floor(sl * 100), targetPercent: Math.round(target * 100) },
        null,
      );
    }
    if (q.waiting > 0 && q.agents.available === 0) {
      raise(
        'S2',
        'queue.no_agents',
        'critical',
        null,
        q.queue,
        now,
        { queue: q.queue, waiting: q.waiting },
        null,
      );
    }
  }
  if (view.open ?? true) {
    for (const source of view.sources ?? []) {
      // Fires AT the threshold: quiet for ≥ N seconds.
      const reached = source.quietSince + silentSeconds * 1000;
      if (now < reached) continue;
      raise(
        'S2',
        'source.silent',
        'critical',
        null,
        null,
        reached,
        {
          source: source.name,
          kind: source.kind,
          minutes: round1(silentSeconds / 60),
          seconds: silentSeconds,
          quietSince: source.quietSince,
        },
        null,
        source.name,
      );
    }
  }
  return open.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Diff of two evaluations, for the WebSocket deltas (`alert` / `alert-cleared`).
 * @returns `opened`: alerts whose id is new; `cleared`: ids no longer open.
 */
export function diffAlerts(
  previous: readonly FloorAlert[],
  current: readonly FloorAlert[],
): { opened: FloorAlert[]; cleared: string[] } {
  const before = new Set(previous.map((a) => a.id));
  const now = new Set(current.map((a) => a.id));
  return {
    opened: current.filter((a) => !before.has(a.id)),
    cleared: [...before].filter((id) => !now.has(id)),
  };
}

function subjectKey(
  rule: AlertRule,
  agent: string | null,
  queue: string | null,
  source: string | undefined,
): string {
  return JSON.stringify([rule, agent, queue, source ?? null]);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
