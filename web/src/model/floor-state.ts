/**
 * The floor as the client holds it: a snapshot plus the deltas of the live channel
 * (floor-api.md, `GET /api/live`). Pure functions: no DOM, no timers.
 */
import type {
  FloorAgent,
  FloorAlert,
  FloorQueue,
  FloorSnapshot,
  LiveMessage,
  SourceHealth,
} from './types.js';

/** The client-side floor. `clockOffsetMs` = server clock − client clock at the last snapshot. */
export interface FloorState {
  at: number;
  agents: FloorAgent[];
  queues: FloorQueue[];
  alerts: FloorAlert[];
  /** Telephony sources' health (snapshot, then `sources` messages). */
  sources: SourceHealth[];
  demo: boolean;
  clockOffsetMs: number;
  /** Per queue: the server time (epoch ms) its figures are as of (snapshot `at` or delta arrival). */
  queueAt: Record<string, number>;
}

/** The floor before the first snapshot. */
export const EMPTY_FLOOR: FloorState = {
  at: 0,
  agents: [],
  queues: [],
  alerts: [],
  sources: [],
  demo: false,
  clockOffsetMs: 0,
  queueAt: {},
};

const byName = (a: FloorAgent, b: FloorAgent): number =>
  a.name.localeCompare(b.name) || a.agent.localeCompare(b.agent);
const byQueue = (a: FloorQueue, b: FloorQueue): number => a.queue.localeCompare(b.queue);
/** Alerts newest first, then by id for a stable order. */
const byNewest = (a: FloorAlert, b: FloorAlert): number =>
  b.since - a.since || a.id.localeCompare(b.id);

/** True when the server says the snapshot is its built-in demo floor. */
export function isDemoSnapshot(snapshot: FloorSnapshot): boolean {
  return snapshot.demo === true || snapshot.mode === 'demo' || snapshot.source === 'demo';
}

/** Replaces the item with the same key, or adds it, and keeps the list sorted. */
function upsert<T>(
  list: readonly T[],
  item: T,
  key: (x: T) => string,
  order: (a: T, b: T) => number,
): T[] {
  const k = key(item);
  const next = list.filter((x) => key(x) !== k);
  next.push(item);
  return next.sort(order);
}

/**
 * Applies one live message to the floor.
 * @param state the current floor
 * @param message a snapshot (replaces everything) or a delta (`agent`/`queue`/`alert` upsert by
 *   id, `alert-cleared` removes, `sources` replaces the sources' health)
 * @param clientNowMs the client's clock (epoch ms) when the message arrived; a snapshot's `at`
 *   against it gives the clock offset used for live timers
 * @returns a new state (the input is not modified)
 */
export function applyLiveMessage(
  state: FloorState,
  message: LiveMessage,
  clientNowMs: number,
): FloorState {
  switch (message.type) {
    case 'snapshot': {
      const s = message.data;
      return {
        at: s.at,
        agents: [...s.agents].sort(byName),
        queues: [...s.queues].sort(byQueue),
        alerts: [...s.alerts].sort(byNewest),
        sources: s.sources ?? [],
        demo: isDemoSnapshot(s),
        clockOffsetMs: s.at - clientNowMs,
        queueAt: Object.fromEntries(s.queues.map((q) => [q.queue, s.at])),
      };
    }
    case 'agent':
      return { ...state, agents: upsert(state.agents, message.data, (a) => a.agent, byName) };
    case 'queue':
      return {
        ...state,
        queues: upsert(state.queues, message.data, (q) => q.queue, byQueue),
        queueAt: { ...state.queueAt, [message.data.queue]: clientNowMs + state.clockOffsetMs },
      };
    case 'alert':
      return { ...state, alerts: upsert(state.alerts, message.data, (a) => a.id, byNewest) };
    case 'alert-cleared':
      return { ...state, alerts: state.alerts.filter((a) => a.id !== message.id) };
    case 'sources':
      return { ...state, sources: message.data };
  }
}

/**
 * Parses one message of the live channel.
 * @param text the raw JSON text of a WebSocket frame or SSE `data:` field
 * @returns the message, or `null` when it is not JSON or not one of the six known types
 */
export function parseLiveMessage(text: string): LiveMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { type?: unknown; data?: unknown; id?: unknown };
  switch (v.type) {
    case 'snapshot':
    case 'agent':
    case 'queue':
    case 'alert':
      return typeof v.data === 'object' && v.data !== null ? (value as LiveMessage) : null;
    case 'alert-cleared':
      return typeof v.id === 'string' ? (value as LiveMessage) : null;
    case 'sources':
      return Array.isArray(v.data) ? (value as LiveMessage) : null;
    default:
      return null;
  }
}

/** Floor filters: `null` means all. */
export interface FloorFilter {
  queue: string | null;
  team: string | null;
}

/**
 * The agents that pass the queue and team filters.
 * @returns agents in the floor's order
 */
export function filterAgents(agents: readonly FloorAgent[], filter: FloorFilter): FloorAgent[] {
  return agents.filter(
    (a) =>
      (filter.queue === null || a.queues.includes(filter.queue)) &&
      (filter.team === null || (a.team ?? null) === filter.team),
  );
}

/**
 * The tooltip of an agent tile: the whole name (a long one is cut after two lines on the tile),
 * then the telephony member names it appears under when they say more than the name.
 * @returns e.g. `Alexandra Montgomery-Whitfield (PJSIP/1004)`, or `PJSIP/1001` for an agent
 *   with no person in the register
 */
export function agentTitle(agent: Pick<FloorAgent, 'agent' | 'name' | 'memberNames'>): string {
  const ids = agent.memberNames && agent.memberNames.length > 0 ? agent.memberNames : [agent.agent];
  const extra = ids.filter((id) => id !== agent.name);
  return extra.length > 0 ? `${agent.name} (${extra.join(', ')})` : agent.name;
}

/** Distinct team names of the floor, sorted; agents without a team are left out. */
export function teamsOf(agents: readonly FloorAgent[]): string[] {
  const teams = new Set<string>();
  for (const a of agents) if (a.team) teams.add(a.team);
  return [...teams].sort((a, b) => a.localeCompare(b));
}

/**
 * Longest current wait of a queue, live, in whole seconds.
 * From the waiting calls' `since` when present; otherwise the reported `longestWait` aged by the
 * time since the snapshot/delta (`at`). 0 when nobody waits.
 * @param serverNowMs the server's clock now (client clock + offset), epoch ms
 */
export function liveLongestWait(
  queue: FloorQueue,
  serverNowMs: number,
  reportedAtMs: number,
): number {
  if (queue.waiting <= 0) return 0;
  const calls = queue.waitingCalls ?? [];
  if (calls.length > 0) {
    const oldest = Math.min(...calls.map((c) => c.since));
    return Math.max(0, Math.floor((serverNowMs - oldest) / 1000));
  }
  return Math.max(0, queue.longestWait + Math.floor((serverNowMs - reportedAtMs) / 1000));
}
