/**
 * The floor payload of `GET /api/floor` and of the live messages (floor-api.md): one shape for HTTP,
 * WebSocket and SSE.
 */
import type { FloorAgentView, FloorQueueView, FloorState } from '../../core/floor/floor-state.js';
import type { QueueKpis } from '../../core/stats/report.js';

/** An agent on the floor (floor-api.md `agents[]`). */
export interface AgentPayload extends FloorAgentView {
  /** Display name (the person id or member name until a people register exists). */
  readonly name: string;
  readonly team: string | null;
}

/** A queue on the floor (floor-api.md `queues[]`). */
export interface QueuePayload extends FloorQueueView {
  /** The service-level goal (fraction) the tiles compare against (`--sl-target`). */
  readonly serviceLevelTarget: number;
  /** The queue's KPIs from local midnight to now (kpi.md queue fields). */
  readonly today: QueueKpis;
}

/** An open alert (floor-api.md `alerts[]`). */
export interface AlertPayload {
  readonly id: string;
  readonly norm: string;
  readonly rule: string;
  readonly severity: string;
  readonly agent: string | null;
  readonly queue: string | null;
  /** Source name for source rules (`source.silent`), else `null`. */
  readonly source: string | null;
  readonly since: number;
  readonly message: string;
}

/** Health of a telephony source as the console shows it (`GET /api/floor` `sources[]`). */
export interface SourcePayload {
  /** `queue_log`, `ami`, `freeswitch`, or `demo` for the simulated floor. */
  readonly kind: string;
  /** File path or `host:port` (never a secret). */
  readonly name: string;
  /** Connected (sockets) / readable (file). */
  readonly ok: boolean;
  /** Epoch ms of the last event received, or `null`. */
  readonly lastEventAt: number | null;
  /** Seconds between the last event's own time and its reception, or `null`. */
  readonly lagSeconds: number | null;
  /** Last error (authentication failed, connection refused, …), or `null`. */
  readonly error: string | null;
}

/** `GET /api/floor`. `mode` says whether the floor is the simulated demo. */
export interface FloorPayload {
  readonly at: number;
  readonly mode: 'live' | 'demo';
  readonly agents: AgentPayload[];
  readonly queues: QueuePayload[];
  readonly alerts: AlertPayload[];
  /** Health of the telephony sources (floor-api.md `sources[]`). */
  readonly sources: SourcePayload[];
}

/** KPIs of a queue with nothing today: counts 0, means and ratios `null` (kpi.md). */
export function emptyKpis(): QueueKpis {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    shortAbandoned: 0,
    timedOut: 0,
    exitedWithKey: 0,
    exitedEmpty: 0,
    lost: 0,
    stillWaiting: 0,
    rejected: 0,
    transferred: 0,
    answeredWithinThreshold: 0,
    abandonedWithinThreshold: 0,
    serviceLevel: null,
    abandonRate: null,
    asa: null,
    avgTalk: null,
    aht: null,
    maxWait: null,
    avgAbandonWait: null,
  };
}

/** Presents an agent view. */
export function presentAgent(view: FloorAgentView): AgentPayload {
  return { ...view, name: view.agent, team: null };
}

/** Presents a queue view with its target and today's KPIs. */
export function presentQueue(
  view: FloorQueueView,
  serviceLevelTarget: number,
  today: QueueKpis | undefined,
): QueuePayload {
  return { ...view, serviceLevelTarget, today: today ?? emptyKpis() };
}

/** The whole floor at `nowMs` (the hub fills `alerts` and `sources`). */
export function presentFloor(
  floor: FloorState,
  nowMs: number,
  mode: 'live' | 'demo',
  serviceLevelTarget: number,
  today: ReadonlyMap<string, QueueKpis>,
): FloorPayload {
  const view = floor.view(nowMs);
  return {
    at: nowMs,
    mode,
    agents: view.agents.map(presentAgent),
    queues: view.queues.map((q) => presentQueue(q, serviceLevelTarget, today.get(q.queue))),
    alerts: [],
    sources: [],
  };
}
