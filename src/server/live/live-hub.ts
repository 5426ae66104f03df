/**
 * Fan-out of floor changes to live clients (WebSocket and SSE). Each message is serialised once and
 * sent to every subscriber. Today's KPIs are recomputed at most once per `todayRefreshMs` for live messages
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
import type { QueueKpis } from '../../core/stats/report.js';
import type { LiveEngine } from '../ingest/live-engine.js';
import {
  presentAgent,
  presentFloor,
  presentQueue,
  type AgentNames,
  type AlertPayload,
  type FloorPayload,
} from './floor-presenter.js';

/** A connected client: receives serialised JSON messages. */
export type LiveSubscriber = (message: string) => void;

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
  readonly now?: () => number;
  /** The people directory (names, teams, member names of agents); none: agent ids only. */
  readonly people?: AgentNames | null;
}

/** The hub. */
export class LiveHub {
  private readonly subscribers = new Map<LiveSubscriber, AlertLocale>();
  private alerts: FloorAlert[] = [];
  private todayCache: { at: number; kpis: Map<string, QueueKpis> } | null = null;
  private readonly now: () => number;
  /** Messages sent (each counted once, whatever the number of subscribers). */
  messages = 0;

  constructor(private readonly options: LiveHubOptions) {
    this.now = options.now ?? Date.now;
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
   * The floor payload now.
   * @param locale language of alert messages (any BCP 47 tag; en, zh-TW or zh-CN is used)
   */
  floor(locale: string | null = null): FloorPayload {
    const engine = this.options.engine();
    const now = this.now();
    if (engine === null) {
      return { at: now, mode: this.options.mode, agents: [], queues: [], alerts: [] };
    }
    const lang = alertLocale(locale);
    return {
      ...presentFloor(
        engine.floorState,
        now,
        this.options.mode,
        this.options.serviceLevelTarget,
        this.today(engine, now, true),
        this.options.people ?? null,
      ),
      alerts: this.alerts.map((a) => presentAlert(a, lang)),
    };
  }

  /**
   * Adds a client and sends it the snapshot. Returns the unsubscribe function.
   * @param locale language of its alert messages
   */
  subscribe(subscriber: LiveSubscriber, locale: string | null = null): () => void {
    subscriber(JSON.stringify({ type: 'snapshot', data: this.floor(locale) }));
    this.subscribers.set(subscriber, alertLocale(locale));
    return () => this.subscribers.delete(subscriber);
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
    this.alerts = next;
    for (const alert of opened) {
      const byLocale = new Map<AlertLocale, string>();
      for (const [subscriber, locale] of this.subscribers) {
        let text = byLocale.get(locale);
        if (text === undefined) {
          text = JSON.stringify({ type: 'alert', data: presentAlert(alert, locale) });
          byLocale.set(locale, text);
        }
        this.deliver(subscriber, text);
      }
      this.messages++;
    }
    for (const id of cleared) this.send({ type: 'alert-cleared', id });
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
      this.send({
        type: 'agent',
        data: presentAgent(floor.agentView(agent, now), this.options.people ?? null),
      });
    }
    if (changes.queues.length > 0) {
      const today = this.today(engine, now, false);
      for (const queue of changes.queues) {
        this.send({
          type: 'queue',
          data: presentQueue(
            floor.queueView(queue, now),
            this.options.serviceLevelTarget,
            today.get(queue),
          ),
        });
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

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    this.messages++;
    for (const subscriber of this.subscribers.keys()) this.deliver(subscriber, text);
  }

  private deliver(subscriber: LiveSubscriber, text: string): void {
    try {
      subscriber(text);
    } catch {
      this.subscribers.delete(subscriber);
    }
  }
}
