/**
 * Fan-out of floor changes to live clients (WebSocket and SSE). Each message is serialised once and
 * sent to every subscriber. Today's KPIs are recomputed at most once per `todayRefreshMs`.
 */
import type { FloorChanges } from '../../core/floor/floor-state.js';
import type { QueueKpis } from '../../core/stats/report.js';
import type { LiveEngine } from '../ingest/live-engine.js';
import { presentAgent, presentFloor, presentQueue, type FloorPayload } from './floor-presenter.js';

/** A connected client: receives serialised JSON messages. */
export type LiveSubscriber = (message: string) => void;

/** Options of {@link LiveHub}. */
export interface LiveHubOptions {
  /** The engine now (it is replaced after a recovery). */
  readonly engine: () => LiveEngine | null;
  readonly mode: 'live' | 'demo';
  readonly serviceLevelTarget: number;
  /** How stale today's KPIs may be, ms (default 1000). */
  readonly todayRefreshMs?: number;
  readonly now?: () => number;
}

/** The hub. */
export class LiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
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

  /** The floor payload now. */
  floor(): FloorPayload {
    const engine = this.options.engine();
    const now = this.now();
    if (engine === null) {
      return { at: now, mode: this.options.mode, agents: [], queues: [], alerts: [] };
    }
    return presentFloor(
      engine.floorState,
      now,
      this.options.mode,
      this.options.serviceLevelTarget,
      this.today(engine, now, true),
    );
  }

  /** Adds a client and sends it the snapshot. Returns the unsubscribe function. */
  subscribe(subscriber: LiveSubscriber): () => void {
    subscriber(JSON.stringify({ type: 'snapshot', data: this.floor() }));
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
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
      this.send({ type: 'agent', data: presentAgent(floor.agentView(agent, now)) });
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

  /** The periodic refresh: changed agents/queues plus every queue with callers waiting. */
  refresh(changes: FloorChanges): void {
    const engine = this.options.engine();
    if (engine === null) return;
    const now = this.now();
    const queues = new Set(changes.queues);
    for (const q of engine.floorState.view(now).queues) if (q.waiting > 0) queues.add(q.queue);
    this.publish({ agents: changes.agents, queues: [...queues] });
  }

  private today(engine: LiveEngine, now: number, fresh: boolean): Map<string, QueueKpis> {
    const maxAge = fresh ? 0 : (this.options.todayRefreshMs ?? 1000);
    if (this.todayCache === null || now - this.todayCache.at > maxAge) {
      this.todayCache = { at: now, kpis: engine.todayKpis(now) };
    }
    return this.todayCache.kpis;
  }

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    this.messages++;
    for (const subscriber of this.subscribers) {
      try {
        subscriber(text);
      } catch {
        this.subscribers.delete(subscriber);
      }
    }
  }
}
