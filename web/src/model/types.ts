/**
 * Shapes of the live floor API (`/work/shared/spec/floor-api.md`) as the browser sees them.
 * Instants (`at`, `since`) are epoch milliseconds; durations (`longestWait`, KPI fields) seconds.
 */

/** Agent state as `GET /api/floor` reports it (floor-api.md "State rules"). */
export type AgentState = 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'paused' | 'logged_out';

/** Every agent state, in the order the UI lists them. */
export const AGENT_STATES: readonly AgentState[] = [
  'available',
  'ringing',
  'on_call',
  'wrap_up',
  'paused',
  'logged_out',
];

/** One agent on the floor. `since` is when the current state and reason began (epoch ms). */
export interface FloorAgent {
  agent: string;
  name: string;
  memberNames?: string[];
  team?: string | null;
  state: AgentState;
  /** Pause reason; `""` when paused without a reason, `null` when not paused. */
  reason: string | null;
  since: number;
  queues: string[];
  callId: string | null;
  /** The current call is on hold (live sources' HOLD / UNHOLD). */
  onHold?: boolean;
  /** Queues where an agent who is available elsewhere is paused. */
  pausedQueues?: string[];
}

/** Queue KPIs of `kpi.md`: the server's own type (counts, ratios in [0, 1], times in seconds). */
export type { QueueKpis } from '../../../src/core/stats/report.js';
import type { QueueKpis } from '../../../src/core/stats/report.js';

/** A caller waiting in a queue; `since` is the entry into this queue (epoch ms). */
export interface WaitingCall {
  callId: string;
  since: number;
  callerId?: string | null;
}

/** Agent counts per state for one queue. */
export interface QueueAgentCounts {
  available: number;
  ringing: number;
  onCall: number;
  wrapUp: number;
  paused: number;
  loggedOut: number;
}

/** One queue tile's data. `longestWait` is seconds as of the message. */
export interface FloorQueue {
  queue: string;
  waiting: number;
  longestWait: number;
  waitingCalls?: WaitingCall[];
  agents: QueueAgentCounts;
  /** Service-level goal as a fraction (0.8 = 80 %). */
  serviceLevelTarget: number;
  today: QueueKpis;
}

/** Alert severity. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An open alert; `norm` is a norm ID of norms.md (e.g. `R12`). */
export interface FloorAlert {
  id: string;
  norm: string;
  rule: string;
  severity: AlertSeverity;
  agent: string | null;
  queue: string | null;
  /** Source name (`ami:host:5038`) for `source.silent`; absent or `null` otherwise. */
  source?: string | null;
  since: number;
  message: string;
}

/** Health of a telephony source (floor-api.md `sources[]`). */
export interface SourceHealth {
  /** `queue_log`, `ami`, `freeswitch` or `demo`. */
  kind: string;
  /** File path or `host:port`. */
  name: string;
  ok: boolean;
  /** Epoch ms of the last event, or `null` before the first. */
  lastEventAt: number | null;
  /** Seconds between an event's own time and its reception (last event), or `null`. */
  lagSeconds: number | null;
  error: string | null;
}

/** The `GET /api/floor` object. `demo`/`mode` mark the built-in demo floor. */
export interface FloorSnapshot {
  at: number;
  agents: FloorAgent[];
  queues: FloorQueue[];
  alerts: FloorAlert[];
  /** Telephony sources' health (absent from older servers). */
  sources?: SourceHealth[];
  demo?: boolean;
  mode?: string;
  source?: string;
}

/** A message of the live channel (WebSocket `/api/live` or SSE `/api/live/sse`). */
export type LiveMessage =
  | { type: 'snapshot'; data: FloorSnapshot }
  | { type: 'agent'; data: FloorAgent }
  | { type: 'queue'; data: FloorQueue }
  | { type: 'alert'; data: FloorAlert }
  | { type: 'alert-cleared'; id: string }
  | { type: 'sources'; data: SourceHealth[] };
