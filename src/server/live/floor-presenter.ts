/**
 * The floor payload of `GET /api/floor` and of the live messages (floor-api.md): one shape for HTTP,
 * WebSocket and SSE.
 */
import type { FloorAgentView, FloorQueueView, FloorState } from '../../core/floor/floor-state.js';
import type { QueueKpis } from '../../core/stats/report.js';

/** An agent on the floor (floor-api.md `agents[]`). */
export interface AgentPayload extends FloorAgentView {
  /** Display name: the person's name from the register, else the agent id (member name). */
  readonly name: string;
  /** The person's team name, or null (no team, or not a person of the register). */
  readonly team: string | null;
  /** The person's team id (what scopes compare), or null. */
  readonly teamId: string | null;
  /** The member names the agent appears under in telephony (at least the agent id itself). */
  readonly memberNames: readonly string[];
}

/** A person as the floor shows them (from the people directory). */
export interface AgentInfo {
  /** Person id (= the agent id on the floor). */
  readonly id: string;
  readonly name: string;
  readonly teamId: string | null;
  readonly teamName: string | null;
}

/** What the presenter asks the people register (src/server/people/directory.ts). */
export interface AgentNames {
  /** The person of an agent id, or null. */
  agent(agentId: string): AgentInfo | null;
  /** The agent's member names (the agent id itself when unmapped). */
  memberNames(agentId: string): readonly string[];
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

/** The register's member names of an agent, then those seen on the floor that it does not list. */
function memberNamesOf(view: FloorAgentView, people: AgentNames | null): readonly string[] {
  if (people === null) return view.memberNames;
  const names = [...people.memberNames(view.agent)];
  for (const name of view.memberNames) if (!names.includes(name)) names.push(name);
  return names;
}

/**
 * The display name of an agent id, as the floor, the wallboard and the reports show it: the name
 * of the person of the register (`people.agent(id)`), else the agent id itself (a member name no
 * person is mapped to).
 * @param people the people directory; without one, the agent id
 */
export function agentDisplayName(agentId: string, people: AgentNames | null): string {
  return people?.agent(agentId)?.name ?? agentId;
}

/**
 * Presents an agent view with the person's name and team.
 * @param people the people directory; without one, name = agent id, no team
 */
export function presentAgent(view: FloorAgentView, people: AgentNames | null = null): AgentPayload {
  const person = people?.agent(view.agent) ?? null;
  return {
    ...view,
    name: agentDisplayName(view.agent, people),
    team: person?.teamName ?? null,
    teamId: person?.teamId ?? null,
    memberNames: memberNamesOf(view, people),
  };
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
  people: AgentNames | null = null,
): FloorPayload {
  const view = floor.view(nowMs);
  return {
    at: nowMs,
    mode,
    agents: view.agents.map((a) => presentAgent(a, people)),
    queues: view.queues.map((q) => presentQueue(q, serviceLevelTarget, today.get(q.queue))),
    alerts: [],
    sources: [],
  };
}
