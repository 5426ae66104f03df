/**
 * The live floor state engine: who is available, ringing, on a call, in wrap-up, paused or logged
 * out right now, and who is waiting in which queue.
 *
 * Pure: no I/O and no clock. Time comes from the events (epoch **seconds**) and from the explicit
 * `now` argument (epoch **milliseconds**) of {@link FloorState.view} and {@link FloorState.advance}.
 * Feed it canonical {@link TelephonyEvent}s in processing order (the output of `EventSequencer`).
 *
 * The state rules are those of `floor-api.md` ("State rules (from real wallboard bug reports)") and
 * the semantics of `kpi.md` ("Pauses", "Restart", "Member names", "Wrap-up"); each rule is cited
 * where it is implemented.
 */
import type { TelephonyEvent } from '../telephony/events.js';

/** Agent state of `floor-api.md`. */
export type AgentStateName =
  'available' | 'ringing' | 'on_call' | 'wrap_up' | 'paused' | 'logged_out';

/** One agent as `GET /api/floor` shows it (without the people/team fields the server adds). */
export interface FloorAgentView {
  /** Person id (the alias map's value) or, when unmapped, the member name. */
  readonly agent: string;
  /** Every member name seen for this person, in order of first appearance. */
  readonly memberNames: readonly string[];
  readonly state: AgentStateName;
  /** Pause reason when `state` is `paused` (`""` for a pause with no reason), otherwise `null`. */
  readonly reason: string | null;
  /** When the current state and reason began: epoch **ms**. */
  readonly since: number;
  /** Queues the agent is a member of now, sorted. */
  readonly queues: readonly string[];
  /** Queues (of `queues`) where the agent is paused, sorted. */
  readonly pausedQueues: readonly string[];
  /** Caller uniqueid of the current call (the latest answered one), or `null`. */
  readonly callId: string | null;
  /** Whether the current call is on hold (live sources' HOLD / UNHOLD). */
  readonly onHold: boolean;
}

/** A caller waiting in a queue. */
export interface WaitingCallView {
  readonly callId: string;
  /** Entry into this queue: epoch **ms** (an overflow to another queue restarts it). */
  readonly since: number;
  readonly callerId: string | null;
}

/** Agent counts of one queue by state. */
export interface QueueAgentCounts {
  available: number;
  ringing: number;
  onCall: number;
  wrapUp: number;
  paused: number;
  loggedOut: number;
}

/** One queue as `GET /api/floor` shows it (without `today` and `serviceLevelTarget`). */
export interface FloorQueueView {
  readonly queue: string;
  /** Number of callers waiting now. */
  readonly waiting: number;
  /** Seconds (whole, floored) the longest-waiting caller has waited at `now`; 0 when nobody waits. */
  readonly longestWait: number;
  /** Waiting callers, longest-waiting first. */
  readonly waitingCalls: readonly WaitingCallView[];
  readonly agents: QueueAgentCounts;
}

/** The pure part of the `GET /api/floor` object. */
export interface FloorView {
  /** The `now` the view was computed at: epoch ms. */
  readonly at: number;
  /** Sorted by agent id. */
  readonly agents: readonly FloorAgentView[];
  /** Sorted by queue name. */
  readonly queues: readonly FloorQueueView[];
}

/** What an {@link FloorState.apply} or {@link FloorState.advance} call changed. */
export interface FloorChanges {
  /** Agent ids whose view changed (state, reason, since, queues, pausedQueues, callId, onHold, names). */
  readonly agents: readonly string[];
  /**
   * Queues whose view changed (waiting callers or agent counts). `longestWait` grows with time
   * alone and is not reported here: refresh queues with `waiting > 0` on the server's tick.
   */
  readonly queues: readonly string[];
}

/** Options of a {@link FloorState}. */
export interface FloorOptions {
  /**
   * Member name → person id (kpi.md "Member names"; the `--agents` file or the people register).
   * Several member names may map to one person. Read at each event, not copied: changes made to
   * the map apply to the events that follow.
   */
  readonly aliases?: ReadonlyMap<string, string>;
  /**
   * Wrap-up (after-call work) time in **seconds** (the queue's `wrapuptime`, `--wrapup`). 0 (default)
   * means no wrap-up: queue_log has no wrap-up event, so `wrap_up` is shown only when configured.
   */
  readonly wrapUpSeconds?: number;
}

// ---------------------------------------------------------------------------------------------
// Internal, JSON-able state (the snapshot is exactly this).

interface CallRec {
  callId: string;
  queue: string | null;
  /** Answer time, epoch ms. */
  start: number;
  onHold: boolean;
}

interface AgentRec {
  agent: string;
  memberNames: string[];
  /** Queues of the open membership sessions. */
  queues: string[];
  /** A session opened with no queue (queue_log `NONE`, e.g. chan_agent's AGENTCALLBACKLOGIN). */
  globalSession: boolean;
  /** Queues where a session event (login/logoff) was seen: implicit membership no longer applies. */
  sessionQueues: string[];
  /** A session event with no queue was seen. */
  globalSessionSeen: boolean;
  /** Every queue the agent was ever a member of (for the `loggedOut` counts). */
  knownQueues: string[];
  /** Per-queue pause: queue → reason of the PAUSE that paused it. */
  pausedQueues: Record<string, string>;
  /** PAUSEALL with no queue for a queue-less session. */
  globalPaused: boolean;
  /** Reason of the latest pause action (kpi.md: the reason comes from PAUSE lines, never UNPAUSE). */
  lastReason: string;
  /** Effective pause (paused in every queue) and when it began with this reason, epoch ms. */
  pause: { reason: string; since: number } | null;
  /** When the last session ended (logged out), epoch ms. */
  loggedOutAt: number | null;
  calls: CallRec[];
  ringing: { callId: string | null; queue: string | null } | null;
  /** End of the last call, epoch ms (wrap-up counts from it). */
  lastCallEnd: number | null;
  /** The state shown, with the instant it began. */
  state: AgentStateName;
  reason: string | null;
  since: number;
}

interface WaitingRec {
  callId: string;
  since: number;
  callerId: string | null;
}

/** The plain JSON-able state returned by {@link FloorState.snapshot}. */
export interface FloorSnapshot {
  readonly version: 1;
  readonly wrapUpSeconds: number;
  readonly aliases: ReadonlyArray<readonly [string, string]>;
  readonly agents: Readonly<Record<string, unknown>>;
  readonly waiting: Readonly<Record<string, unknown>>;
  readonly queues: readonly string[];
}

function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

function addUnique(list: string[], value: string): boolean {
  if (list.includes(value)) return false;
  list.push(value);
  return true;
}

function removeValue(list: string[], value: string): void {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}

/** What an agent's view depends on, as a flat tuple compared element by element. */
type AgentSignature = readonly (string | number | boolean | null)[];

function agentSignature(a: AgentRec): AgentSignature {
  const call = a.calls[a.calls.length - 1];
  let paused = '';
  for (const q in a.pausedQueues) paused += `${q}\u0000`;
  return [
    a.state,
    a.reason,
    a.since,
    a.queues.join('\u0000'),
    paused,
    call?.callId ?? null,
    call?.onHold ?? false,
    a.memberNames.length, // member names only ever grow
  ];
}

function sameSignature(x: AgentSignature | null, y: AgentSignature): boolean {
  if (x === null || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Queues an agent is counted in: membership plus the queue of a call; when logged out, known queues. */
function countedQueues(a: AgentRec): string[] {
  const set = new Set(a.queues);
  for (const c of a.calls) if (c.queue !== null) set.add(c.queue);
  if (a.state === 'logged_out') for (const q of a.knownQueues) set.add(q);
  return [...set];
}

/**
 * The live floor state. See the module docstring; `docs/notes/floor.md` says how the server uses it.
 *
 * Errors: {@link FloorState.restore} throws on a snapshot of another version; nothing else throws
 * on odd input (unknown verbs, events for unknown calls are ignored or handled as mid-stream).
 */
export class FloorState {
  /**
   * Member name → person id. Held by reference (not copied): the server shares one map with the
   * people directory, which updates it in place when the register changes.
   */
  private readonly aliases: ReadonlyMap<string, string>;
  private readonly wrapUpMs: number;
  private readonly agents = new Map<string, AgentRec>();
  /** queue → callId → waiting caller. */
  private readonly waiting = new Map<string, Map<string, WaitingRec>>();
  /** Every queue ever seen. */
  private readonly queueNames = new Set<string>();
  /** Derived indexes (not persisted; rebuilt by restore): agents in wrap-up, agents ringing. */
  private readonly inWrapUp = new Set<string>();
  private readonly ringingAgents = new Set<string>();

  constructor(options: FloorOptions = {}) {
    this.aliases = options.aliases ?? new Map<string, string>();
    this.wrapUpMs = Math.max(0, options.wrapUpSeconds ?? 0) * 1000;
  }

  /** The person id of a member name (the alias map's value, else the member name). */
  personOf(memberName: string): string {
    return this.aliases.get(memberName) ?? memberName;
  }

  /**
   * Applies one event (processing order, time in epoch seconds).
   * @returns the agents and queues whose view changed.
   */
  apply(event: TelephonyEvent): FloorChanges {
    const t = toMs(event.time);
    const tracker = new ChangeTracker(this);
    this.expireWrapUps(t, tracker);
    if (event.queue !== null) {
      if (!this.queueNames.has(event.queue)) {
        this.queueNames.add(event.queue);
        tracker.queue(event.queue);
      }
    }
    this.dispatch(event, t, tracker);
    return tracker.result();
  }

  /**
   * Applies a batch of events (e.g. all the sequencer released for one read) and returns the union
   * of their changes, so the server sends one delta per agent/queue per batch (a PAUSEALL followed
   * by per-queue PAUSE lines then gives one agent delta).
   */
  applyAll(events: Iterable<TelephonyEvent>): FloorChanges {
    const agents = new Set<string>();
    const queues = new Set<string>();
    for (const event of events) {
      const changes = this.apply(event);
      for (const id of changes.agents) agents.add(id);
      for (const q of changes.queues) queues.add(q);
    }
    return { agents: [...agents].sort(), queues: [...queues].sort() };
  }

  /**
   * Moves wrap-ups that ended by `now` (epoch ms) to `available` and reports the change; call it on
   * the server's tick so clients get the delta without waiting for the next event.
   */
  advance(now: number): FloorChanges {
    const tracker = new ChangeTracker(this);
    this.expireWrapUps(now, tracker);
    return tracker.result();
  }

  /** The floor at `now` (epoch ms): agents and queues shaped as in `floor-api.md`. */
  view(now: number): FloorView {
    const agents = [...this.agents.values()]
      .sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0))
      .map((a) => this.viewOf(a, now));
    const counts = this.countsAt(now, null);
    const queues = [...this.queueNames].sort().map((q) => this.queueViewAt(q, now, counts.get(q)));
    return { at: now, agents, queues };
  }

  /**
   * One agent's view at `now` (epoch ms).
   * @throws Error for an agent id never seen
   */
  agentView(agent: string, now: number): FloorAgentView {
    const a = this.agents.get(agent);
    if (a === undefined) throw new Error(`FloorState.agentView: unknown agent ${agent}`);
    return this.viewOf(a, now);
  }

  private viewOf(a: AgentRec, now: number): FloorAgentView {
    const last = a.calls[a.calls.length - 1];
    let state = a.state;
    let since = a.since;
    if (state === 'wrap_up' && a.lastCallEnd !== null && now >= a.lastCallEnd + this.wrapUpMs) {
      state = 'available';
      since = a.lastCallEnd + this.wrapUpMs;
    }
    return {
      agent: a.agent,
      memberNames: [...a.memberNames],
      state,
      reason: state === 'paused' ? a.reason : null,
      since,
      queues: [...a.queues].sort(),
      pausedQueues: Object.keys(a.pausedQueues).sort(),
      callId: last?.callId ?? null,
      onHold: last?.onHold ?? false,
    };
  }

  /** One queue's view at `now` (epoch ms); an unknown queue shows empty. */
  queueView(queue: string, now: number): FloorQueueView {
    return this.queueViewAt(queue, now, this.countsAt(now, queue).get(queue));
  }

  /** Agent ids known so far, unsorted. */
  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Queue names known so far, sorted. */
  queueIds(): string[] {
    return [...this.queueNames].sort();
  }

  /** A plain JSON-able copy of the whole state (persist it with the ingest checkpoint). */
  snapshot(): FloorSnapshot {
    const agents: Record<string, unknown> = {};
    for (const [id, a] of this.agents) agents[id] = structuredClone(a);
    const waiting: Record<string, unknown> = {};
    for (const [q, calls] of this.waiting) waiting[q] = [...calls.values()].map((w) => ({ ...w }));
    return {
      version: 1,
      wrapUpSeconds: this.wrapUpMs / 1000,
      aliases: [...this.aliases],
      agents,
      waiting,
      queues: [...this.queueNames],
    };
  }

  /**
   * Rebuilds a state from {@link FloorState.snapshot}'s output (possibly after a JSON round trip).
   * @param options overrides the snapshot's aliases / wrap-up when given (e.g. the register changed)
   * @throws Error when the snapshot is not a version-1 floor snapshot
   */
  static restore(snapshot: FloorSnapshot, options?: FloorOptions): FloorState {
    if (
      typeof snapshot !== 'object' ||
      snapshot === null ||
      (snapshot as { version?: unknown }).version !== 1
    ) {
      throw new Error('FloorState.restore: not a version-1 floor snapshot');
    }
    const state = new FloorState({
      aliases: options?.aliases ?? new Map(snapshot.aliases.map(([k, v]) => [k, v])),
      wrapUpSeconds: options?.wrapUpSeconds ?? snapshot.wrapUpSeconds,
    });
    for (const [id, a] of Object.entries(snapshot.agents)) {
      const rec = structuredClone(a) as AgentRec;
      state.agents.set(id, rec);
      state.index(rec);
    }
    for (const [q, calls] of Object.entries(snapshot.waiting)) {
      const map = new Map<string, WaitingRec>();
      for (const w of calls as WaitingRec[]) map.set(w.callId, { ...w });
      state.waiting.set(q, map);
    }
    for (const q of snapshot.queues) state.queueNames.add(q);
    return state;
  }

  // -------------------------------------------------------------------------------------------

  /** @internal used by ChangeTracker */
  peekAgent(id: string): AgentRec | undefined {
    return this.agents.get(id);
  }

  /** Agent counts by state for every queue, in one pass over the agents. */
  private countsAt(now: number, only: string | null): Map<string, QueueAgentCounts> {
    const result = new Map<string, QueueAgentCounts>();
    for (const rec of this.agents.values()) {
      const view = this.viewOf(rec, now);
      for (const queue of countedQueues(rec)) {
        if (only !== null && queue !== only) continue;
        let counts = result.get(queue);
        if (counts === undefined) {
          counts = { available: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: 0, loggedOut: 0 };
          result.set(queue, counts);
        }
        switch (view.state) {
          case 'available':
            // Available overall but paused in this queue: this queue cannot reach them.
            if (queue in rec.pausedQueues) counts.paused++;
            else counts.available++;
            break;
          case 'ringing':
            counts.ringing++;
            break;
          case 'on_call':
            counts.onCall++;
            break;
          case 'wrap_up':
            counts.wrapUp++;
            break;
          case 'paused':
            counts.paused++;
            break;
          case 'logged_out':
            counts.loggedOut++;
            break;
        }
      }
    }
    return result;
  }

  private queueViewAt(
    queue: string,
    now: number,
    counts: QueueAgentCounts | undefined,
  ): FloorQueueView {
    const calls = [...(this.waiting.get(queue)?.values() ?? [])].sort(
      (a, b) => a.since - b.since || (a.callId < b.callId ? -1 : 1),
    );
    const first = calls[0];
    return {
      queue,
      waiting: calls.length,
      longestWait: first === undefined ? 0 : Math.max(0, Math.floor((now - first.since) / 1000)),
      waitingCalls: calls.map((w) => ({ callId: w.callId, since: w.since, callerId: w.callerId })),
      agents: counts ?? {
        available: 0,
        ringing: 0,
        onCall: 0,
        wrapUp: 0,
        paused: 0,
        loggedOut: 0,
      },
    };
  }

  private expireWrapUps(now: number, tracker: ChangeTracker): void {
    if (this.inWrapUp.size === 0) return;
    for (const id of [...this.inWrapUp]) {
      const a = this.agents.get(id);
      if (a === undefined || a.state !== 'wrap_up' || a.lastCallEnd === null) {
        this.inWrapUp.delete(id);
        continue;
      }
      const end = a.lastCallEnd + this.wrapUpMs;
      if (now >= end) {
        tracker.agent(a.agent);
        a.state = 'available';
        a.reason = null;
        a.since = end;
        this.inWrapUp.delete(id);
      }
    }
  }

  /** Keeps the derived indexes in step with an agent record. */
  private index(a: AgentRec): void {
    if (a.state === 'wrap_up') this.inWrapUp.add(a.agent);
    else this.inWrapUp.delete(a.agent);
    if (a.ringing !== null) this.ringingAgents.add(a.agent);
    else this.ringingAgents.delete(a.agent);
  }

  /** Finds or creates the agent record of a member name. */
  private agentFor(memberName: string, tracker: ChangeTracker, t: number): AgentRec {
    const id = this.personOf(memberName);
    tracker.agent(id);
    let a = this.agents.get(id);
    if (a === undefined) {
      a = {
        agent: id,
        memberNames: [memberName],
        queues: [],
        globalSession: false,
        sessionQueues: [],
        globalSessionSeen: false,
        knownQueues: [],
        pausedQueues: {},
        globalPaused: false,
        lastReason: '',
        pause: null,
        loggedOutAt: null,
        calls: [],
        ringing: null,
        lastCallEnd: null,
        state: 'logged_out',
        reason: null,
        since: t,
      };
      this.agents.set(id, a);
    } else {
      addUnique(a.memberNames, memberName);
    }
    return a;
  }

  /**
   * Mid-stream start (floor-api.md): an agent first seen on a call, pause or ring line is a logged-in
   * member of that queue from then on — unless a session event already told us about that queue.
   */
  private implicitMember(a: AgentRec, queue: string | null): void {
    if (a.globalSessionSeen) return;
    if (queue === null) {
      if (a.queues.length === 0 && a.sessionQueues.length === 0) a.globalSession = true;
      return;
    }
    if (a.sessionQueues.includes(queue) || a.queues.includes(queue)) return;
    a.queues.push(queue);
    addUnique(a.knownQueues, queue);
    a.globalSession = false;
  }

  private loggedIn(a: AgentRec): boolean {
    return a.queues.length > 0 || a.globalSession;
  }

  /** Effective pause: paused in every queue they belong to (floor-api.md). */
  private effectivePause(a: AgentRec): string | null {
    if (!this.loggedIn(a)) return null;
    if (a.queues.length === 0) return a.globalPaused ? a.lastReason : null;
    for (const q of a.queues) if (!(q in a.pausedQueues)) return null;
    return a.lastReason;
  }

  /**
   * Recomputes the shown state after an event at `t` (epoch ms). `since` changes only when the
   * state or reason changes (floor-api.md) and is when the shown state began: `t` for most
   * transitions, so `available` counts from a call's end. A pause or logoff that happened during a
   * call shows from the call's end ("a call wins": the agent was on the phone until then, and the
   * R12 absence timer must not count the call); a pause interrupted only by a ring keeps the
   * pause's start.
   */
  private settle(a: AgentRec, t: number, force = false): void {
    const pauseReason = this.effectivePause(a);
    if (pauseReason === null) a.pause = null;
    else if (a.pause === null || a.pause.reason !== pauseReason) {
      a.pause = { reason: pauseReason, since: t };
    }
    let state: AgentStateName;
    let since = t;
    if (a.calls.length > 0) state = 'on_call';
    else if (!this.loggedIn(a)) {
      state = 'logged_out';
      since = Math.max(a.loggedOutAt ?? t, a.lastCallEnd ?? -Infinity);
    } else if (a.ringing !== null) state = 'ringing';
    else if (a.pause !== null) {
      state = 'paused';
      since = Math.max(a.pause.since, a.lastCallEnd ?? -Infinity);
    } else if (this.wrapUpMs > 0 && a.lastCallEnd !== null && t < a.lastCallEnd + this.wrapUpMs) {
      state = 'wrap_up';
      since = a.lastCallEnd;
    } else state = 'available';
    const reason = state === 'paused' ? (a.pause?.reason ?? '') : null;
    if (force || state !== a.state || reason !== a.reason) {
      a.state = state;
      a.reason = reason;
      a.since = since;
    }
    this.index(a);
  }

  private removeWaiting(callId: string, tracker: ChangeTracker): void {
    for (const [q, calls] of this.waiting) {
      if (calls.delete(callId)) tracker.queue(q);
    }
  }

  /** Ends the agent's ring for `callId` (or any ring when `callId` is null). */
  private endRings(callId: string | null, tracker: ChangeTracker, t: number): void {
    if (this.ringingAgents.size === 0) return;
    for (const id of [...this.ringingAgents]) {
      const a = this.agents.get(id);
      if (a === undefined) continue;
      if (a.ringing !== null && (callId === null || a.ringing.callId === callId)) {
        tracker.agent(a.agent);
        a.ringing = null;
        this.settle(a, t);
      }
    }
  }

  private endCall(a: AgentRec, call: CallRec, t: number): void {
    a.calls = a.calls.filter((c) => c !== call);
    a.lastCallEnd = t;
    // A call that ended makes the agent free again: if the pause or session ended meanwhile, it
    // shows now (a call wins while it lasts).
    this.settle(a, t, a.calls.length === 0 && this.loggedIn(a) && a.pause === null);
  }

  private dispatch(event: TelephonyEvent, t: number, tracker: ChangeTracker): void {
    const member = event.agent;
    switch (event.kind) {
      case 'QUEUESTART': {
        // kpi.md "Restart": every open call ends, waiting callers are lost; members and pauses stay.
        for (const [q, calls] of this.waiting) {
          if (calls.size > 0) {
            calls.clear();
            tracker.queue(q);
          }
        }
        for (const a of this.agents.values()) {
          if (a.calls.length > 0 || a.ringing !== null) {
            tracker.agent(a.agent);
            a.ringing = null;
            const hadCall = a.calls.length > 0;
            a.calls = [];
            if (hadCall) a.lastCallEnd = t;
            this.settle(a, t);
          }
        }
        return;
      }
      case 'CONFIGRELOAD':
      case 'JOINEMPTY':
      case 'JOINUNAVAIL':
      case 'INFORMATIONAL':
      case 'UNKNOWN':
        // Never change a state (floor-api.md: PENALTY, CONFIGRELOAD … never reset `since`).
        return;
      case 'ADDMEMBER':
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        if (event.queue === null) {
          a.globalSessionSeen = true;
          a.globalSession = true;
          if (event.paused) a.globalPaused = true;
        } else {
          addUnique(a.sessionQueues, event.queue);
          addUnique(a.queues, event.queue);
          addUnique(a.knownQueues, event.queue);
          // ADDMEMBER|PAUSED starts the member paused with reason "" (kpi.md "Pauses").
          if (event.paused && !(event.queue in a.pausedQueues)) {
            if (Object.keys(a.pausedQueues).length === 0) a.lastReason = '';
            a.pausedQueues[event.queue] = '';
          }
        }
        a.loggedOutAt = null;
        this.settle(a, t);
        return;
      }
      case 'REMOVEMEMBER':
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        const wasIn = this.loggedIn(a);
        if (event.queue === null) {
          // A queue-less logoff ends every session of the agent.
          a.globalSessionSeen = true;
          a.globalSession = false;
          a.globalPaused = false;
          a.queues = [];
          a.pausedQueues = {};
        } else {
          addUnique(a.sessionQueues, event.queue);
          removeValue(a.queues, event.queue);
          delete a.pausedQueues[event.queue];
          if (a.queues.length === 0) a.globalPaused = false;
        }
        if (wasIn && !this.loggedIn(a)) a.loggedOutAt = t;
        this.settle(a, t);
        return;
      }
      case 'PAUSE':
      case 'PAUSEALL':
      case 'UNPAUSE':
      case 'UNPAUSEALL': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        const pausing = event.kind === 'PAUSE' || event.kind === 'PAUSEALL';
        // Only queues the agent is a member of can be paused (a PAUSE after a logoff is stale).
        const targets =
          event.queue === null
            ? [...a.queues]
            : a.queues.includes(event.queue)
              ? [event.queue]
              : [];
        if (pausing) {
          const wasPausedSomewhere = Object.keys(a.pausedQueues).length > 0 || a.globalPaused;
          // PAUSEALL carries no reason; the per-queue PAUSE lines that follow do (QL05): a
          // reason-less PAUSEALL on an already paused agent keeps the reason.
          const applies = targets.length > 0 || (event.queue === null && a.globalSession);
          if (applies && (event.kind === 'PAUSE' || event.reason !== '' || !wasPausedSomewhere)) {
            a.lastReason = event.reason;
          }
          for (const q of targets) {
            if (event.kind === 'PAUSEALL' && q in a.pausedQueues && event.reason === '') continue;
            a.pausedQueues[q] = event.reason;
          }
          if (event.queue === null && this.loggedIn(a)) a.globalPaused = true;
        } else {
          for (const q of targets) delete a.pausedQueues[q];
          if (event.queue === null) a.globalPaused = false;
        }
        this.settle(a, t);
        return;
      }
      case 'ENTERQUEUE': {
        if (event.callId === null || event.queue === null) return;
        // An overflow restarts the wait: the caller now waits in this queue only.
        this.removeWaiting(event.callId, tracker);
        let calls = this.waiting.get(event.queue);
        if (calls === undefined) {
          calls = new Map();
          this.waiting.set(event.queue, calls);
        }
        calls.set(event.callId, { callId: event.callId, since: t, callerId: event.callerId });
        tracker.queue(event.queue);
        return;
      }
      case 'RINGSTART': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        a.ringing = { callId: event.callId, queue: event.queue };
        this.settle(a, t);
        return;
      }
      case 'RINGNOANSWER':
      case 'RINGCANCELED':
      case 'AGENTDUMP': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        if (a.ringing !== null && (event.callId === null || a.ringing.callId === event.callId)) {
          a.ringing = null;
        }
        this.settle(a, t);
        return;
      }
      case 'CONNECT': {
        if (event.callId !== null) {
          if (!this.stopWaiting(event.callId, event.queue, event.holdTime, t, tracker)) {
            this.removeWaiting(event.callId, tracker);
          }
          this.endRings(event.callId, tracker, t);
        }
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        a.ringing = null;
        const callId = event.callId ?? `?${t}`;
        if (!a.calls.some((c) => c.callId === callId)) {
          a.calls.push({ callId, queue: event.queue, start: t, onHold: false });
        }
        this.settle(a, t);
        return;
      }
      case 'ABANDON':
      case 'EXITWITHTIMEOUT':
      case 'EXITWITHKEY':
      case 'EXITEMPTY': {
        if (event.callId !== null) {
          this.removeWaiting(event.callId, tracker);
          this.endRings(event.callId, tracker, t);
        }
        // An ABANDON naming an agent (QL10) shows the agent as a logged-in member; no call.
        if (member !== null) {
          const a = this.agentFor(member, tracker, t);
          this.implicitMember(a, event.queue);
          this.settle(a, t);
        }
        return;
      }
      case 'COMPLETEAGENT':
      case 'COMPLETECALLER':
      case 'TRANSFER':
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER': {
        if (event.callId !== null) {
          this.removeWaiting(event.callId, tracker);
          this.endRings(event.callId, tracker, t);
        }
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        let call = a.calls.find((c) => c.callId === event.callId);
        if (call === undefined) {
          // kpi.md "Uniqueid swaps": link to the agent's only open call in the same queue.
          const sameQueue = a.calls.filter((c) => c.queue === event.queue);
          if (sameQueue.length === 1) call = sameQueue[0];
        }
        if (call !== undefined) this.endCall(a, call, t);
        else {
          // Mid-stream: the call was never seen connecting; the agent was busy until now.
          a.lastCallEnd = t;
          this.settle(a, t, a.calls.length === 0 && this.loggedIn(a) && a.pause === null);
        }
        return;
      }
      case 'HOLD':
      case 'UNHOLD': {
        if (member === null) return;
        const a = this.agentFor(member, tracker, t);
        this.implicitMember(a, event.queue);
        let call =
          a.calls.find((c) => c.callId === event.callId) ??
          (event.callId === null ? a.calls[a.calls.length - 1] : undefined);
        if (call === undefined && event.callId !== null) {
          // Mid-stream: a hold proves a call in progress.
          call = { callId: event.callId, queue: event.queue, start: t, onHold: false };
          a.calls.push(call);
        }
        if (call !== undefined) call.onHold = event.kind === 'HOLD';
        this.settle(a, t);
        return;
      }
    }
  }

  /**
   * Removes the waiting caller a CONNECT answers. When its callid is not waiting in that queue
   * (uniqueid swap), links it to the one waiting call of the queue whose wait matches the CONNECT
   * holdtime ±1 s (kpi.md "Uniqueid swaps").
   * @returns whether a waiting caller was removed
   */
  private stopWaiting(
    callId: string,
    queue: string | null,
    holdTime: number | null,
    t: number,
    tracker: ChangeTracker,
  ): boolean {
    if (queue === null) return false;
    const calls = this.waiting.get(queue);
    if (calls === undefined) return false;
    if (calls.delete(callId)) {
      tracker.queue(queue);
      return true;
    }
    if (holdTime === null) return false;
    const matches = [...calls.values()].filter(
      (w) => Math.abs((t - w.since) / 1000 - holdTime) <= 1,
    );
    const only = matches[0];
    if (matches.length === 1 && only !== undefined) {
      calls.delete(only.callId);
      tracker.queue(queue);
      return true;
    }
    return false;
  }

  /** @internal */
  countedQueuesOf(id: string): string[] {
    const a = this.agents.get(id);
    return a === undefined ? [] : countedQueues(a);
  }
}

/** Records agent keys before a change and reports real differences afterwards. */
class ChangeTracker {
  private readonly before = new Map<string, { key: AgentSignature | null; queues: string[] }>();
  private readonly queues = new Set<string>();

  constructor(private readonly floor: FloorState) {}

  agent(id: string): void {
    if (this.before.has(id)) return;
    const rec = this.floor.peekAgent(id);
    this.before.set(id, {
      key: rec === undefined ? null : agentSignature(rec),
      queues: this.floor.countedQueuesOf(id),
    });
  }

  queue(q: string): void {
    this.queues.add(q);
  }

  result(): FloorChanges {
    const agents: string[] = [];
    for (const [id, prev] of this.before) {
      const rec = this.floor.peekAgent(id);
      if (rec === undefined) continue;
      if (sameSignature(prev.key, agentSignature(rec))) continue;
      agents.push(id);
      for (const q of prev.queues) this.queues.add(q);
      for (const q of this.floor.countedQueuesOf(id)) this.queues.add(q);
    }
    return { agents: agents.sort(), queues: [...this.queues].sort() };
  }
}
