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
  type AlertSettings,
  type FloorAlert,
} from '../../core/floor/alerts.js';
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
  presentAgent,
  presentFloor,
  presentQueue,
  type AlertPayload,
  type FloorPayload,
  type QueuePayload,
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
}

/** Everything unmasked (the server itself, tests of the floor logic). */
export const FULL_VIEW: LiveView = { maskCallers: false, scope: { kind: 'all' } };

/**
 * The view of a principal: its agent scope (`agentScope`), and callers masked unless it has
 * `customer.numbers`.
 */
export function liveViewOf(principal: Principal): LiveView {
  return { maskCallers: !can(principal, 'customer.numbers'), scope: agentScope(principal) };
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

/** Presents an alert with its message in `locale` (the agent's display name is its id for now). */
export function presentAlert(alert: FloorAlert, locale: AlertLocale): AlertPayload {
  return {
    id: alert.id,
    norm: alert.norm,
    rule: alert.rule,
    severity: alert.severity,
    agent: alert.agent,
    queue: alert.queue,
    since: alert.since,
    message: alertMessage(alert, locale),
  };
}

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
   * The team id of an agent id (person id, or an unmapped member name → null), for scopes by team
   * (the people directory's `agent(id)?.teamId`). Default: no teams (team leads see no agents).
   */
  readonly teamOf?: (agentId: string) => string | null;
  readonly now?: () => number;
}

/** The hub. */
export class LiveHub {
  private readonly subscribers = new Map<LiveSubscriber, Subscription>();
  private alerts: FloorAlert[] = [];
  private todayCache: { at: number; kpis: Map<string, QueueKpis> } | null = null;
  private readonly now: () => number;
  /** Messages sent (each counted once, whatever the number of subscribers). */
  messages = 0;

  private readonly teamOf: (agentId: string) => string | null;
  /** Subscribers whose scope is not `all` (0: agent messages go to everyone unfiltered). */
  private scoped = 0;

  constructor(private readonly options: LiveHubOptions) {
    this.now = options.now ?? Date.now;
    this.teamOf = options.teamOf ?? (() => null);
  }

  /** Whether `view` shows the agent (`team` computed lazily, once per message, via `cache`). */
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

  /** The open alerts (as evaluated on the last tick). */
  openAlerts(): readonly FloorAlert[] {
    return this.alerts;
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
    if (engine === null) {
      return { at: now, mode: this.options.mode, agents: [], queues: [], alerts: [] };
    }
    const lang = alertLocale(locale);
    const floor = presentFloor(
      engine.floorState,
      now,
      this.options.mode,
      this.options.serviceLevelTarget,
      this.today(engine, now, true),
    );
    return {
      ...floor,
      agents: floor.agents.filter((a) => this.shows(view, a.agent, {})),
      queues: view.maskCallers ? floor.queues.map(maskQueue) : floor.queues,
      alerts: this.alerts
        .filter((a) => this.shows(view, a.agent, {}))
        .map((a) => presentAlert(a, lang)),
    };
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
      },
      now,
      { ...this.options.alerts, serviceLevelTarget: this.options.serviceLevelTarget },
      this.alerts,
    );
    const { opened, cleared } = diffAlerts(this.alerts, next);
    const agentOf = new Map(this.alerts.map((a) => [a.id, a.agent]));
    this.alerts = next;
    for (const alert of opened) {
      const byLocale = new Map<AlertLocale, string>();
      const cache = {};
      for (const [subscriber, { locale, view }] of this.subscribers) {
        if (!this.shows(view, alert.agent, cache)) continue;
        let text = byLocale.get(locale);
        if (text === undefined) {
          text = JSON.stringify({ type: 'alert', data: presentAlert(alert, locale) });
          byLocale.set(locale, text);
        }
        this.deliver(subscriber, text);
      }
      this.messages++;
    }
    for (const id of cleared) {
      this.sendAbout(agentOf.get(id) ?? null, JSON.stringify({ type: 'alert-cleared', id }));
    }
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
      const data = presentAgent(floor.agentView(agent, now));
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
    this.evaluateAlertsOn(view, engine, now);
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
