/**
 * Fan-out of floor changes to live clients (WebSocket and SSE). Each client has a view (issue #4):
 * the agents in its principal's scope, and customer numbers masked unless it may see them. A
 * message is serialised once per variant it needs — per masking for queue messages (callerIds),
 * per locale for alerts — never per client; agent messages are serialised once and only filtered
 * by scope. Today's KPIs are recomputed at most once per `todayRefreshMs` for live messages
 * (always fresh for `GET /api/floor`).
 */
import { alertLocale, alertMessage, type AlertLocale } from '../../core/floor/alert-message.js';
import {
  diffAlerts,
  evaluateAlerts,
  withinOpeningHours,
  type AlertSettings,
  type FloorAlert,
  type OpeningHours,
  type SilenceInput,
} from '../../core/floor/alerts.js';
import { localFields } from '../../core/stats/time-zone.js';
import type { SourceHealth } from '../../io/telephony-source.js';
import type { FloorChanges, FloorView } from '../../core/floor/floor-state.js';
import {
  agentScope,
  can,
  inScope,
  maskNumber,
  type AgentScope,
  type Principal,
} from '../../core/people/access.js';
import type { QueueKpis } from '../../core/stats/report.js';
import type { LiveEngine } from '../ingest/live-engine.js';
import {
  agentDisplayName,
  presentAgent,
  presentFloor,
  presentQueue,
  type AgentNames,
  type AlertPayload,
  type FloorPayload,
  type QueuePayload,
  type SourcePayload,
} from './floor-presenter.js';

/** A connected client: receives serialised JSON messages. */
export type LiveSubscriber = (message: string) => void;

/**
 * What one client may see: the agents of `scope` (agent rows and agent alerts; queues are shown
 * to all) and, when `maskCallers`, customer numbers masked with `maskNumber` (X05).
 */
export interface LiveView {
  readonly maskCallers: boolean;
  readonly scope: AgentScope;
  /**
   * Alerts about a person (absence, QA): false on the wallboard, a screen the whole floor sees;
   * queue and source alerts are always shown.
   */
  readonly agentAlerts: boolean;
  /** `qa.critical` alerts: only for roles that may see QA evaluations (`qa.view`). */
  readonly qaAlerts: boolean;
}

/** Everything unmasked (the server itself, tests of the floor logic). */
export const FULL_VIEW: LiveView = {
  maskCallers: false,
  scope: { kind: 'all' },
  agentAlerts: true,
  qaAlerts: true,
};

/**
 * The view of a principal: its agent scope (`agentScope`), and callers masked unless it has
 * `customer.numbers`; or, when the wallboard view is requested, every agent with callers masked.
 */
export function liveViewOf(
  principal: Principal,
  requested: 'console' | 'wallboard' = 'console',
): LiveView {
  // The wallboard is the floor's TV: every agent's state, no customer number, for anyone allowed
  // a wallboard (an agent's scoped view made its tiles show one person).
  // Its alerts are the queues' and the sources': who is away or failed a QA check is not for a TV.
  if (requested === 'wallboard') {
    return { maskCallers: true, scope: { kind: 'all' }, agentAlerts: false, qaAlerts: false };
  }
  return {
    maskCallers: !can(principal, 'customer.numbers'),
    scope: agentScope(principal),
    agentAlerts: true,
    qaAlerts: can(principal, 'qa.view'),
  };
}

/** A queue payload with its waiting callers' numbers masked. */
export function maskQueue(queue: QueuePayload): QueuePayload {
  if (queue.waitingCalls.every((w) => w.callerId === null)) return queue;
  return {
    ...queue,
    waitingCalls: queue.waitingCalls.map((w) => ({ ...w, callerId: maskNumber(w.callerId) })),
  };
}

interface Subscription {
  readonly locale: AlertLocale;
  readonly view: LiveView;
}

/**
 * Presents an alert with its message in `locale`, naming its agent as the floor does (the
 * person's name from the register, else the agent id).
 * @param people the people directory; none: agent ids
 */
export function presentAlert(
  alert: FloorAlert,
  locale: AlertLocale,
  people: AgentNames | null = null,
): AlertPayload {
  const named =
    alert.agent !== null && typeof alert.params.name !== 'string'
      ? { ...alert, params: { ...alert.params, name: agentDisplayName(alert.agent, people) } }
      : alert;
  return {
    id: alert.id,
    norm: alert.norm,
    rule: alert.rule,
    severity: alert.severity,
    agent: alert.agent,
    queue: alert.queue,
    source: alert.source ?? null,
    since: alert.since,
    message: alertMessage(named, locale),
  };
}

/** Kinds whose silence raises `source.silent` (the demo and the API are never "silent"). */
const WATCHED_KINDS: ReadonlySet<string> = new Set(['queue_log', 'ami', 'freeswitch']);

/** How often the `sources` message is re-sent when only times/lag changed, ms. */
const SOURCES_REFRESH_MS = 5000;

/** Options of {@link LiveHub}. */
export interface LiveHubOptions {
  /** The engine now (it is replaced after a recovery). */
  readonly engine: () => LiveEngine | null;
  readonly mode: 'live' | 'demo';
  readonly serviceLevelTarget: number;
  /** Alert thresholds (R12 absence, S2 queue rules); `serviceLevelTarget` comes from above. */
  readonly alerts?: AlertSettings;
  /** How stale today's KPIs may be in live messages, ms (default 2000). */
  readonly todayRefreshMs?: number;
  /**
   * The team id of an agent id (person id, or an unmapped member name → null), for scopes by team.
   * Default: the people directory's `agent(id)?.teamId` (none: no teams, team leads see no agents).
   */
  readonly teamOf?: (agentId: string) => string | null;
  /** Health of the running sources (the ingest service's), for the console and `source.silent`. */
  readonly sources?: () => readonly SourceHealth[];
  /** Opening hours in `timeZone` (`source.silent` only fires inside them); null = always open. */
  readonly openingHours?: OpeningHours | null;
  /** IANA zone of the opening hours (default UTC). */
  readonly timeZone?: string;
  readonly now?: () => number;
  /** The people directory (names, teams, member names of agents); none: agent ids only. */
  readonly people?: AgentNames | null;
}

/** The hub. */
export class LiveHub {
  private readonly subscribers = new Map<LiveSubscriber, Subscription>();
  /**
   * The floor rules' open alerts as last evaluated; null until the first use, which takes the
   * ones the engine restored from its snapshot (a restart keeps ids, `since`, and what was cleared).
   */
  private alerts: FloorAlert[] | null = null;
  /** Alerts raised from outside the floor rules (QA critical failures), by id. */
  private readonly external = new Map<string, FloorAlert>();
  private todayCache: { at: number; kpis: Map<string, QueueKpis> } | null = null;
  private readonly now: () => number;
  /** Epoch ms each source was first seen (its quiet time starts there when it has no event). */
  private readonly firstSeen = new Map<string, number>();
  private sourcesSent: { key: string; text: string; at: number } | null = null;
  /** Messages sent (each counted once, whatever the number of subscribers). */
  messages = 0;

  private readonly teamOf: (agentId: string) => string | null;
  /** Subscribers whose scope is not `all` (0: agent messages go to everyone unfiltered). */
  private scoped = 0;

  constructor(private readonly options: LiveHubOptions) {
    this.now = options.now ?? Date.now;
    const people = options.people ?? null;
    this.teamOf = options.teamOf ?? ((agentId) => people?.agent(agentId)?.teamId ?? null);
  }

  /** Whether `view` shows the agent (`team` computed lazily, once per message, via `cache`). */
  /** Whether a view shows an alert: its agent in scope, and its kind allowed to the view. */
  private showsAlert(view: LiveView, alert: FloorAlert, cache: { team?: string | null }): boolean {
    if (alert.agent !== null && !view.agentAlerts) return false;
    if (alert.rule === 'qa.critical' && !view.qaAlerts) return false;
    return this.shows(view, alert.agent, cache);
  }

  private shows(view: LiveView, agent: string | null, cache: { team?: string | null }): boolean {
    if (agent === null || view.scope.kind === 'all') return true;
    if (view.scope.kind === 'self') return agent === view.scope.userId;
    if (cache.team === undefined) cache.team = this.teamOf(agent);
    return inScope(view.scope, { id: agent, teamId: cache.team });
  }

  /** Number of connected clients. */
  get size(): number {
    return this.subscribers.size;
  }

  /** The open alerts: the floor rules' (as evaluated on the last tick), then the raised ones. */
  openAlerts(): readonly FloorAlert[] {
    return [...this.floorAlerts(this.options.engine()), ...this.external.values()];
  }

  /**
   * The floor rules' open alerts; on first use, those the engine kept in its snapshot before a
   * restart (a restored `source.silent` alert also restores when its source went quiet, which the
   * restarted source cannot know until its next event).
   */
  private floorAlerts(engine: LiveEngine | null): FloorAlert[] {
    if (this.alerts !== null) return this.alerts;
    if (engine === null) return [];
    this.alerts = [...engine.alerts];
    for (const alert of this.alerts) {
      const quietSince = alert.params.quietSince;
      if (alert.rule === 'source.silent' && alert.source !== undefined) {
        if (typeof quietSince === 'number' && !this.firstSeen.has(alert.source)) {
          this.firstSeen.set(alert.source, quietSince);
        }
      }
    }
    return this.alerts;
  }

  /**
   * Opens an alert that the floor rules do not evaluate (a QA critical failure): it stays open
   * until {@link clearAlert}. Sends `alert` to every client; raising an open id again does nothing.
   */
  raiseAlert(alert: FloorAlert): void {
    if (this.external.has(alert.id)) return;
    this.external.set(alert.id, alert);
    this.sendAlert(alert);
  }

  /** Closes an alert opened with {@link raiseAlert} (sends `alert-cleared`); unknown ids are ignored. */
  clearAlert(id: string): void {
    const alert = this.external.get(id);
    if (alert === undefined) return;
    this.external.delete(id);
    this.sendAbout(alert.agent, JSON.stringify({ type: 'alert-cleared', id }));
  }

  /**
   * The floor payload now, as `view` may see it: agents and agent alerts of its scope, callers
   * masked when it says so. No default view: each caller says whose it is
   * (`liveViewOf(principal)`, or `FULL_VIEW` for the server itself).
   * @param locale language of alert messages (any BCP 47 tag; en, zh-TW or zh-CN is used)
   */
  floor(locale: string | null, view: LiveView): FloorPayload {
    const engine = this.options.engine();
    const now = this.now();
    const lang = alertLocale(locale);
    if (engine === null) {
      return {
        at: now,
        mode: this.options.mode,
        agents: [],
        queues: [],
        alerts: [...this.external.values()]
          .filter((a) => this.showsAlert(view, a, {}))
          .map((a) => presentAlert(a, lang, this.options.people ?? null)),
        sources: this.sourcesNow(),
      };
    }
    const floor = presentFloor(
      engine.floorState,
      now,
      this.options.mode,
      this.options.serviceLevelTarget,
      this.today(engine, now, true),
      this.options.people ?? null,
    );
    return {
      ...floor,
      agents: floor.agents.filter((a) => this.shows(view, a.agent, {})),
      queues: view.maskCallers ? floor.queues.map(maskQueue) : floor.queues,
      alerts: this.openAlerts()
        .filter((a) => this.showsAlert(view, a, {}))
        .map((a) => presentAlert(a, lang, this.options.people ?? null)),
      sources: this.sourcesNow(),
    };
  }

  /** The sources' health as the console shows it (the demo's kind is `demo`). */
  sourcesNow(): SourcePayload[] {
    const demo = this.options.mode === 'demo';
    return (this.options.sources?.() ?? []).map((s) => ({
      kind: demo ? 'demo' : s.kind,
      name: s.name,
      ok: s.ok,
      lastEventAt: s.lastEventAt,
      lagSeconds: s.lagSeconds,
      error: s.error,
    }));
  }

  /** The live sources as the `source.silent` rule reads them (none in demo mode). */
  private silenceInputs(now: number): SilenceInput[] {
    if (this.options.mode === 'demo') return [];
    const out: SilenceInput[] = [];
    for (const s of this.options.sources?.() ?? []) {
      if (!WATCHED_KINDS.has(s.kind)) continue;
      // `kind:name`, as the ingest names the source (`ami:host:5038`, `queue_log:/path`).
      const name = `${s.kind}:${s.name}`;
      let seen = this.firstSeen.get(name);
      if (seen === undefined) {
        seen = now;
        this.firstSeen.set(name, now);
      }
      out.push({ name, kind: s.kind, quietSince: s.lastEventAt ?? seen });
    }
    return out;
  }

  /** Whether `now` (epoch ms) is inside the opening hours. */
  private isOpen(now: number): boolean {
    const hours = this.options.openingHours ?? null;
    if (hours === null) return true;
    const local = localFields(now / 1000, this.options.timeZone ?? 'UTC');
    return withinOpeningHours(local.hour * 60 + local.minute, hours);
  }

  /**
   * Adds a client and sends it the snapshot. Returns the unsubscribe function.
   * @param locale language of its alert messages
   * @param view what it may see (`liveViewOf(principal)`)
   */
  subscribe(subscriber: LiveSubscriber, locale: string | null, view: LiveView): () => void {
    subscriber(JSON.stringify({ type: 'snapshot', data: this.floor(locale, view) }));
    this.remove(subscriber);
    this.subscribers.set(subscriber, { locale: alertLocale(locale), view });
    if (view.scope.kind !== 'all') this.scoped++;
    return () => this.remove(subscriber);
  }

  /**
   * Re-evaluates the alert rules at `now` and sends `alert` / `alert-cleared` deltas. Called on the
   * tick (the R12 alert must show when the threshold is reached, with no event to trigger it).
   */
  evaluateAlerts(): void {
    const engine = this.options.engine();
    if (engine === null) return;
    const now = this.now();
    this.evaluateAlertsOn(engine.floorState.view(now), engine, now);
  }

  private evaluateAlertsOn(view: FloorView, engine: LiveEngine, now: number): void {
    const previous = this.floorAlerts(engine);
    const today = this.today(engine, now, false);
    const next = evaluateAlerts(
      {
        agents: view.agents,
        queues: view.queues.map((q) => ({
          ...q,
          serviceLevelTarget: this.options.serviceLevelTarget,
          today: {
            serviceLevel: today.get(q.queue)?.serviceLevel ?? null,
            offered: today.get(q.queue)?.offered ?? 0,
          },
        })),
        sources: this.silenceInputs(now),
        open: this.isOpen(now),
      },
      now,
      { ...this.options.alerts, serviceLevelTarget: this.options.serviceLevelTarget },
      previous,
    );
    const { opened, cleared } = diffAlerts(previous, next);
    const agentOf = new Map(previous.map((a) => [a.id, a.agent]));
    this.alerts = next;
    // Stored with the next commit when the set changed (kept over a restart).
    engine.keepAlerts(next);
    for (const alert of opened) this.sendAlert(alert);
    for (const id of cleared) {
      this.sendAbout(agentOf.get(id) ?? null, JSON.stringify({ type: 'alert-cleared', id }));
    }
  }

  /** Sends `alert` to the clients whose scope shows its agent, serialised once per locale. */
  private sendAlert(alert: FloorAlert): void {
    const byLocale = new Map<AlertLocale, string>();
    const cache = {};
    for (const [subscriber, { locale, view }] of this.subscribers) {
      if (!this.showsAlert(view, alert, cache)) continue;
      let text = byLocale.get(locale);
      if (text === undefined) {
        text = JSON.stringify({
          type: 'alert',
          data: presentAlert(alert, locale, this.options.people ?? null),
        });
        byLocale.set(locale, text);
      }
      this.deliver(subscriber, text);
    }
    this.messages++;
  }

  /** Sends the changed agents and queues to every client. */
  publish(changes: FloorChanges): void {
    if (this.subscribers.size === 0) return;
    if (changes.agents.length === 0 && changes.queues.length === 0) return;
    const engine = this.options.engine();
    if (engine === null) return;
    const now = this.now();
    const floor = engine.floorState;
    for (const agent of changes.agents) {
      const data = presentAgent(floor.agentView(agent, now), this.options.people ?? null);
      this.sendAbout(data.agent, JSON.stringify({ type: 'agent', data }));
    }
    if (changes.queues.length > 0) {
      const today = this.today(engine, now, false);
      for (const queue of changes.queues) {
        const data = presentQueue(
          floor.queueView(queue, now),
          this.options.serviceLevelTarget,
          today.get(queue),
        );
        this.sendQueue(data);
      }
    }
  }

  /**
   * The periodic tick: sends the changed agents/queues plus every queue with callers waiting (their
   * longest wait grows with time alone), then re-evaluates the alert rules. One floor view serves
   * both.
   */
  tick(changes: FloorChanges): void {
    const engine = this.options.engine();
    if (engine === null) return;
    const now = this.now();
    const view = engine.floorState.view(now);
    const queues = new Set(changes.queues);
    for (const q of view.queues) if (q.waiting > 0) queues.add(q.queue);
    this.publish({ agents: changes.agents, queues: [...queues] });
    this.publishSources(now);
    this.evaluateAlertsOn(view, engine, now);
  }

  /**
   * Sends `{type:'sources'}` when a source's connection state changed, and otherwise at most every
   * {@link SOURCES_REFRESH_MS} when its last-event time or lag moved.
   */
  private publishSources(now: number): void {
    if (this.subscribers.size === 0 || this.options.sources === undefined) return;
    const sources = this.sourcesNow();
    const key = JSON.stringify(sources.map((s) => [s.name, s.ok, s.error]));
    const text = JSON.stringify({ type: 'sources', data: sources });
    const last = this.sourcesSent;
    if (last !== null && last.text === text) return;
    if (last !== null && last.key === key && now - last.at < SOURCES_REFRESH_MS) return;
    this.sourcesSent = { key, text, at: now };
    this.messages++;
    for (const subscriber of this.subscribers.keys()) this.deliver(subscriber, text);
  }

  private today(engine: LiveEngine, now: number, fresh: boolean): Map<string, QueueKpis> {
    const maxAge = fresh ? 0 : (this.options.todayRefreshMs ?? 2000);
    if (this.todayCache === null || now - this.todayCache.at > maxAge) {
      this.todayCache = { at: now, kpis: engine.todayKpis(now) };
    }
    return this.todayCache.kpis;
  }

  private remove(subscriber: LiveSubscriber): void {
    const subscription = this.subscribers.get(subscriber);
    if (subscription === undefined) return;
    this.subscribers.delete(subscriber);
    if (subscription.view.scope.kind !== 'all') this.scoped--;
  }

  /** Sends a message about `agent` (null: about no agent) to the clients whose scope shows it. */
  private sendAbout(agent: string | null, text: string): void {
    this.messages++;
    if (agent === null || this.scoped === 0) {
      for (const subscriber of this.subscribers.keys()) this.deliver(subscriber, text);
      return;
    }
    const cache = {};
    for (const [subscriber, { view }] of this.subscribers) {
      if (this.shows(view, agent, cache)) this.deliver(subscriber, text);
    }
  }

  /** Sends a queue message: serialised at most twice (plain, and callers masked). */
  private sendQueue(data: QueuePayload): void {
    this.messages++;
    let plain: string | undefined;
    let masked: string | undefined;
    for (const [subscriber, { view }] of this.subscribers) {
      let text: string;
      if (view.maskCallers) {
        text = masked ??= JSON.stringify({ type: 'queue', data: maskQueue(data) });
      } else {
        text = plain ??= JSON.stringify({ type: 'queue', data });
      }
      this.deliver(subscriber, text);
    }
  }

  private deliver(subscriber: LiveSubscriber, text: string): void {
    try {
      subscriber(text);
    } catch {
      this.remove(subscriber);
    }
  }
}
