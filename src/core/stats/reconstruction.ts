/**
 * Call and agent reconstruction: canonical events in processing order → closed records
 * ({@link QueueCallRecord}, {@link AgentSegment}, {@link RejectedJoin}).
 *
 * Implements kpi.md "Queue-call" and "Semantics of the hard cases": outcomes, restarts, multi-stint
 * calls, uniqueid swaps, pauses and reason segments, member sessions (union over queues), wrap-up.
 * Memory is bounded by open calls, agents, and a few hours of recently closed call ids (to ignore
 * stray lines for calls already closed and to count distinct call ids).
 */
import type { CallEndEvent, TelephonyEvent } from '../telephony/events.js';
import type {
  AgentSegment,
  QueueCallOutcome,
  QueueCallRecord,
  RecordSink,
  RingAttempt,
} from './records.js';

/** How long (seconds) closed call ids are remembered. */
const RECENT_RETENTION_SECONDS = 4 * 3600;
/** Key for an agent-level session (login lines with queue `NONE`). */
const AGENT_LEVEL = '';
/** Pause key for PAUSEALL (every queue). */
const ALL_QUEUES = '*';

/** Options of a {@link CallReconstructor}. */
export interface ReconstructionOptions {
  /** Fixed wrap-up seconds after each answered call, cut short by the agent's next CONNECT; 0 = none. */
  readonly wrapup: number;
  /** Member name → person (kpi.md "Member names"); names not in the map stand for themselves. */
  readonly aliases?: ReadonlyMap<string, string>;
  readonly sink: RecordSink;
}

interface OpenCall {
  callId: string;
  queue: string;
  attributedAt: number;
  enteredAt: number | null;
  callerId: string | null;
  firstStint: boolean;
  agent: string | null;
  connectedAt: number | null;
  wait: number | null;
  rings: RingAttempt[];
  /** Other callids (same queue) linked to this call by a uniqueid swap. */
  aliasIds: string[];
}

interface PendingWrap {
  record: QueueCallRecord;
  end: number;
}

interface AgentState {
  name: string;
  sessions: string[];
  loggedInSince: number | null;
  pausedKeys: string[];
  pausedSince: number | null;
  pauseReason: string;
  /** Answered calls not yet ended, for uniqueid-swap linking. */
  openCalls: OpenCall[];
  lastConnectAt: number;
  pendingWrap: PendingWrap | null;
  hasSessions: boolean;
}

/** JSON-able state of a reconstructor, to persist with an ingest checkpoint. */
export interface ReconstructionSnapshot {
  readonly version: 1;
  readonly calls: OpenCall[];
  readonly agents: Record<string, AgentState>;
  readonly recent: [string, RecentCall][];
  readonly lastTime: number;
}

/** A callid seen recently: when, and which of its queue-calls are closed (snapshot form). */
interface RecentCall {
  time: number;
  closedQueues: string[];
}

/**
 * Everything known about one callid, in one map entry (the hot path: one lookup per event): its
 * open queue-calls, and — once it is "recent" (a queue-call of it was opened or closed) — when it
 * was last touched and the queues where a queue-call of it closed.
 */
interface CallEntry {
  readonly callId: string;
  /**
   * The open queue-calls of this callid, in order: `open`, then `moreOpen` (normally none or one
   * in all, so no list is allocated for them; `moreOpen` is empty while `open` is null).
   */
  open: OpenCall | null;
  moreOpen: OpenCall[];
  /** In the recent set: touched by a queue-call opening or closing, and not forgotten since. */
  recent: boolean;
  /** Epoch s of the latest touch (meaningful when `recent`). */
  time: number;
  /** Queues whose queue-call of this callid closed, in order: `closed`, then `moreClosed`. */
  closed: string | null;
  moreClosed: string[];
  /** Deleted from the index (a newer entry may stand for the same callid). */
  gone: boolean;
}

function addOpen(entry: CallEntry, call: OpenCall): void {
  if (entry.open === null) entry.open = call;
  else if (entry.moreOpen === NO_CALLS) entry.moreOpen = [call];
  else entry.moreOpen.push(call);
}

function removeOpen(entry: CallEntry, call: OpenCall): void {
  if (entry.open === call) entry.open = entry.moreOpen.length > 0 ? entry.moreOpen.shift()! : null;
  else if (entry.moreOpen.length > 0) removeItem(entry.moreOpen, call);
}

function openList(entry: CallEntry): OpenCall[] {
  return entry.open === null ? [] : [entry.open, ...entry.moreOpen];
}

function addClosed(entry: CallEntry, queue: string): void {
  if (entry.closed === null) entry.closed = queue;
  else if (entry.moreClosed === NO_IDS) entry.moreClosed = [queue];
  else entry.moreClosed.push(queue);
}

/** Removes the first `queue` from the entry's closed queues. */
function removeClosed(entry: CallEntry, queue: string): void {
  if (entry.closed === queue) {
    entry.closed = entry.moreClosed.length > 0 ? entry.moreClosed.shift()! : null;
  } else if (entry.moreClosed.length > 0) {
    removeItem(entry.moreClosed, queue);
  }
}

function closedList(entry: CallEntry): string[] {
  return entry.closed === null ? [] : [entry.closed, ...entry.moreClosed];
}

function removeItem<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/**
 * Rebuilds queue-calls and agent sessions from canonical events.
 *
 * Feed events in processing order (an {@link EventSequencer} gives it) with {@link ingest}, then
 * call {@link finish} at the end of the input. Records reach the sink as they close; an answered
 * call's record waits for its wrap-up to be known (the agent's next CONNECT) when a wrap-up time is
 * set.
 */
export class CallReconstructor {
  /** Epoch seconds of the latest event ingested. */
  lastTime = -Infinity;

  /** Open queue-calls and recently seen callids, by callid. */
  private readonly entries = new Map<string, CallEntry>();
  private readonly waitingByQueue = new Map<string, Set<OpenCall>>();
  private readonly agents = new Map<string, AgentState>();
  /** Recent entries in the order they became recent (≈ time order), from `recentHead` on. */
  private readonly recentOrder: CallEntry[] = [];
  private recentHead = 0;
  private readonly seen = new Set<string>();
  /** Member names met so far → person (the alias map applied; their person is in `seen`). */
  private readonly personOf = new Map<string, string>();
  private readonly sink: RecordSink;
  private readonly wrapup: number;
  private readonly aliases: ReadonlyMap<string, string>;
  private ingested = 0;

  constructor(options: ReconstructionOptions) {
    this.sink = options.sink;
    this.wrapup = options.wrapup;
    this.aliases = options.aliases ?? new Map();
  }

  /** Processes one event (events must come in processing order). */
  ingest(event: TelephonyEvent): void {
    const t = event.time;
    if (t > this.lastTime) this.lastTime = t;
    if ((++this.ingested & 0x3fff) === 0) this.forget(t - RECENT_RETENTION_SECONDS);
    const agent = event.agent === null ? null : this.person(event.agent);

    switch (event.kind) {
      case 'QUEUESTART':
        this.restart(t);
        return;
      case 'ADDMEMBER':
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN':
        if (agent !== null) this.login(agent, event.queue ?? AGENT_LEVEL, event.paused, t);
        return;
      case 'REMOVEMEMBER':
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF':
        if (agent !== null) this.logoff(agent, event.queue, t);
        return;
      case 'PAUSE':
      case 'PAUSEALL':
        if (agent !== null) {
          const key = event.kind === 'PAUSEALL' ? ALL_QUEUES : (event.queue ?? ALL_QUEUES);
          this.pause(this.agentState(agent), key, event.reason, t);
        }
        return;
      case 'UNPAUSE':
      case 'UNPAUSEALL':
        if (agent !== null) {
          const all = event.kind === 'UNPAUSEALL' || event.queue === null;
          this.unpause(this.agentState(agent), all ? null : event.queue, t);
        }
        return;
      case 'ENTERQUEUE':
        if (event.callId !== null && event.queue !== null) {
          this.enterQueue(event.callId, event.queue, event.callerId, t);
        }
        return;
      case 'RINGNOANSWER':
      case 'RINGCANCELED': {
        const call = this.callFor(event.callId, event.queue, t);
        if (call !== null && agent !== null) {
          if (call.rings === NO_RINGS) call.rings = [];
          call.rings.push({
            agent,
            time: t,
            ringTimeMs: event.ringTimeMs,
            canceled: event.kind === 'RINGCANCELED',
          });
        }
        return;
      }
      case 'AGENTDUMP':
        this.callFor(event.callId, event.queue, t);
        return;
      case 'CONNECT':
        this.connect(event.callId, event.queue, agent, event.holdTime, t);
        return;
      case 'ABANDON':
      case 'EXITWITHTIMEOUT':
      case 'EXITWITHKEY':
      case 'EXITEMPTY': {
        const call = this.callFor(event.callId, event.queue, t);
        if (call === null) return;
        if (call.connectedAt !== null) {
          this.endAnswered(call, t, null, false);
          return;
        }
        const wait = event.waitTime ?? (call.enteredAt === null ? null : t - call.enteredAt);
        if (event.kind === 'ABANDON' && agent !== null) call.agent = agent;
        this.closeUnanswered(call, OUTCOME_OF_EXIT[event.kind], wait, event.key);
        return;
      }
      case 'COMPLETEAGENT':
      case 'COMPLETECALLER':
      case 'TRANSFER':
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER':
        this.complete(event.callId, event.queue, agent, event, t);
        return;
      case 'JOINEMPTY':
      case 'JOINUNAVAIL':
        if (event.queue !== null) {
          this.sink.rejected({ queue: event.queue, time: t, callId: event.callId });
        }
        return;
      case 'CONFIGRELOAD':
      case 'HOLD':
      case 'UNHOLD':
      case 'RINGSTART':
      case 'INFORMATIONAL':
      case 'UNKNOWN':
        return;
    }
  }

  /**
   * Ends the input at `endTime` (epoch s; kpi.md: `--to`, or the last event's time): calls still
   * waiting get outcome `waiting`, calls still in progress are answered with no end, open sessions
   * and pauses close at `endTime`, and pending wrap-ups are emitted in full.
   */
  finish(endTime: number): void {
    this.emitOpen(endTime, this.sink, true);
  }

  /**
   * Emits provisional records for what is still open at `now` (epoch s) to `sink`, without changing
   * any state: waiting and in-progress calls, open logged-in and paused segments up to `now`, and
   * pending wrap-ups cut at `now`. For live "today" figures.
   */
  peek(now: number, sink: RecordSink): void {
    this.emitOpen(now, sink, false);
  }

  /** The reconstructor's whole state as plain JSON-able data. */
  snapshot(): ReconstructionSnapshot {
    return structuredClone({
      version: 1 as const,
      calls: this.openCalls(),
      agents: Object.fromEntries(this.agents),
      recent: this.recentEntries().map((e): [string, RecentCall] => [
        e.callId,
        { time: e.time, closedQueues: closedList(e) },
      ]),
      lastTime: this.lastTime,
    });
  }

  /**
   * Rebuilds a reconstructor from {@link snapshot}'s output.
   * @throws Error when the snapshot's version is not supported
   */
  static restore(
    snapshot: ReconstructionSnapshot,
    options: ReconstructionOptions,
  ): CallReconstructor {
    if (snapshot.version !== 1) {
      throw new Error(`unsupported reconstruction snapshot version ${String(snapshot.version)}`);
    }
    const r = new CallReconstructor(options);
    const state = structuredClone(snapshot);
    for (const call of state.calls) {
      r.index(call.callId, call);
      for (const id of call.aliasIds) r.index(id, call);
      if (call.connectedAt === null) r.waitingSet(call.queue).add(call);
    }
    for (const [name, agent] of Object.entries(state.agents)) {
      // Open answered calls are shared objects: re-link them to the restored calls.
      agent.openCalls = agent.openCalls
        .map((c) => r.find(c.callId, c.queue))
        .filter((c): c is OpenCall => c !== undefined);
      r.agents.set(name, agent);
      r.seen.add(name);
    }
    for (const [id, recent] of state.recent) {
      const entry = r.entryOf(id);
      entry.time = recent.time;
      for (const queue of recent.closedQueues) addClosed(entry, queue);
      if (!entry.recent) {
        entry.recent = true;
        r.recentOrder.push(entry);
      }
    }
    r.lastTime = state.lastTime;
    return r;
  }

  // --- agents -------------------------------------------------------------------------------

  private person(member: string): string {
    const known = this.personOf.get(member);
    if (known !== undefined) return known;
    const name = this.aliases.get(member) ?? member;
    if (!this.seen.has(name)) {
      this.seen.add(name);
      this.sink.agentSeen(name);
    }
    this.personOf.set(member, name);
    return name;
  }

  private agentState(name: string): AgentState {
    let state = this.agents.get(name);
    if (state === undefined) {
      state = {
        name,
        sessions: [],
        loggedInSince: null,
        pausedKeys: [],
        pausedSince: null,
        pauseReason: '',
        openCalls: [],
        lastConnectAt: -Infinity,
        pendingWrap: null,
        hasSessions: false,
      };
      this.agents.set(name, state);
    }
    return state;
  }

  private markSessions(name: string, state: AgentState): void {
    if (!state.hasSessions) {
      state.hasSessions = true;
      this.sink.agentHasSessions(name);
    }
  }

  private login(name: string, key: string, paused: boolean, t: number): void {
    const state = this.agentState(name);
    this.markSessions(name, state);
    if (state.sessions.length === 0) state.loggedInSince = t;
    if (!state.sessions.includes(key)) state.sessions.push(key);
    if (paused) this.pause(state, key === AGENT_LEVEL ? ALL_QUEUES : key, '', t);
  }

  private logoff(name: string, queue: string | null, t: number): void {
    const state = this.agentState(name);
    this.markSessions(name, state);
    if (queue === null) {
      state.sessions.length = 0;
    } else {
      removeItem(state.sessions, queue);
      // A queue session's end ends its pause there (kpi.md "Pauses").
      if (state.pausedKeys.length > 0) {
        removeItem(state.pausedKeys, queue);
        if (state.pausedKeys.length === 0) this.closePause(name, state, t);
      }
    }
    if (state.sessions.length === 0) {
      if (state.loggedInSince !== null) {
        this.segment(name, 'loggedIn', null, state.loggedInSince, t);
        state.loggedInSince = null;
      }
      if (state.pausedKeys.length > 0) {
        state.pausedKeys.length = 0;
        this.closePause(name, state, t);
      }
    }
  }

  private pause(state: AgentState, key: string, reason: string, t: number): void {
    const name = state.name;
    if (state.pausedKeys.length === 0) {
      state.pausedSince = t;
      state.pauseReason = reason;
    } else if (reason !== state.pauseReason) {
      // A new reason while paused starts a new reason segment (kpi.md "Pauses").
      this.segment(name, 'paused', state.pauseReason, state.pausedSince ?? t, t);
      state.pausedSince = t;
      state.pauseReason = reason;
    }
    if (!state.pausedKeys.includes(key)) state.pausedKeys.push(key);
  }

  private unpause(state: AgentState, queue: string | null, t: number): void {
    if (state.pausedKeys.length === 0) return;
    if (queue === null) {
      state.pausedKeys.length = 0;
    } else {
      removeItem(state.pausedKeys, queue);
      // Unpausing one queue means the member is no longer paused in all of them.
      removeItem(state.pausedKeys, ALL_QUEUES);
    }
    if (state.pausedKeys.length === 0) this.closePause(state.name, state, t);
  }

  private closePause(name: string, state: AgentState, t: number): void {
    if (state.pausedSince !== null) {
      this.segment(name, 'paused', state.pauseReason, state.pausedSince, t);
    }
    state.pausedSince = null;
  }

  private segment(
    agent: string,
    kind: AgentSegment['kind'],
    reason: string | null,
    start: number,
    end: number,
    sink: RecordSink = this.sink,
  ): void {
    if (end > start) sink.agentSegment({ agent, kind, reason, start, end });
  }

  // --- calls --------------------------------------------------------------------------------

  private waitingSet(queue: string): Set<OpenCall> {
    let set = this.waitingByQueue.get(queue);
    if (set === undefined) {
      set = new Set();
      this.waitingByQueue.set(queue, set);
    }
    return set;
  }

  // --- the call index: open queue-calls and recent callids, keyed by callid ----------------------

  /** The entry of a callid, created (neither open nor recent) when there is none. */
  private entryOf(callId: string): CallEntry {
    let entry = this.entries.get(callId);
    if (entry === undefined) {
      entry = {
        callId,
        open: null,
        moreOpen: NO_CALLS,
        recent: false,
        time: 0,
        closed: null,
        moreClosed: NO_IDS,
        gone: false,
      };
      this.entries.set(callId, entry);
    }
    return entry;
  }

  /** The open queue-call of (callId, queue). */
  private find(callId: string, queue: string): OpenCall | undefined {
    const entry = this.entries.get(callId);
    if (entry === undefined || entry.open === null) return undefined;
    if (entry.open.queue === queue) return entry.open;
    for (const call of entry.moreOpen) if (call.queue === queue) return call;
    return undefined;
  }

  private index(callId: string, call: OpenCall): void {
    addOpen(this.entryOf(callId), call);
  }

  private drop(entry: CallEntry): void {
    entry.gone = true;
    this.entries.delete(entry.callId);
  }

  /** Whether (callId, queue) was closed recently: a later line for it is stray. */
  private isClosed(callId: string, queue: string): boolean {
    const entry = this.entries.get(callId);
    if (entry === undefined || entry.closed === null) return false;
    return entry.closed === queue || entry.moreClosed.includes(queue);
  }

  /** Marks a callid as seen at `t` (epoch s): it becomes or stays recent. */
  private touch(entry: CallEntry, t: number): void {
    entry.time = t;
    if (!entry.recent) {
      entry.recent = true;
      this.recentOrder.push(entry);
    }
  }

  /** The recent entries, in the order they became recent. */
  private recentEntries(): CallEntry[] {
    const out: CallEntry[] = [];
    for (let i = this.recentHead; i < this.recentOrder.length; i++) {
      const entry = this.recentOrder[i]!;
      if (!entry.gone) out.push(entry);
    }
    return out;
  }

  /** All open queue-calls, once each. */
  private openCalls(): OpenCall[] {
    const all = new Set<OpenCall>();
    for (const entry of this.entries.values()) for (const call of openList(entry)) all.add(call);
    return [...all];
  }

  private newCall(callId: string, queue: string, t: number, enteredAt: number | null): OpenCall {
    const entry = this.entryOf(callId);
    const firstStint = !entry.recent;
    this.touch(entry, t);
    if (entry.closed !== null) removeClosed(entry, queue);
    const call: OpenCall = {
      callId,
      queue,
      attributedAt: t,
      enteredAt,
      callerId: null,
      firstStint,
      agent: null,
      connectedAt: null,
      wait: null,
      rings: NO_RINGS,
      aliasIds: NO_IDS,
    };
    addOpen(entry, call);
    this.waitingSet(queue).add(call);
    return call;
  }

  private enterQueue(callId: string, queue: string, callerId: string | null, t: number): void {
    const existing = this.find(callId, queue);
    if (existing !== undefined) {
      if (existing.enteredAt === null) {
        // The same stint, first seen on a line stamped before its ENTERQUEUE (writers' clocks
        // differ by a second in real logs): this is its entry.
        existing.enteredAt = t;
        existing.attributedAt = t;
        existing.callerId = callerId;
        return;
      }
      if (existing.connectedAt === null) return; // still waiting: keep the first entry
      this.endAnswered(existing, t, null, false);
    }
    const call = this.newCall(callId, queue, t, t);
    call.callerId = callerId;
  }

  /** The open queue-call of a call event; created (attributed to `t`) when the input started after its ENTERQUEUE. */
  private callFor(callId: string | null, queue: string | null, t: number): OpenCall | null {
    if (callId === null || queue === null) return null;
    const call = this.find(callId, queue);
    if (call !== undefined) return call;
    if (this.isClosed(callId, queue)) return null; // a stray line for a call already closed
    return this.newCall(callId, queue, t, null);
  }

  private connect(
    callId: string | null,
    queue: string | null,
    agent: string | null,
    holdTime: number | null,
    t: number,
  ): void {
    if (callId === null || queue === null) return;
    let call = this.find(callId, queue);
    if (call === undefined && holdTime !== null && !this.isClosed(callId, queue)) {
      // Uniqueid swap: link to the one waiting call whose wait matches the holdtime (±1 s).
      const matches = [...this.waitingSet(queue)].filter(
        (c) => c.enteredAt !== null && Math.abs(t - c.enteredAt - holdTime) <= 1,
      );
      if (matches.length === 1) {
        call = matches[0]!;
        call.aliasIds = [...call.aliasIds, callId];
        this.index(callId, call);
      }
    }
    call ??= this.callFor(callId, queue, t) ?? undefined;
    if (call === undefined || call.connectedAt !== null) return;
    call.connectedAt = t;
    call.agent = agent;
    call.wait = holdTime ?? (call.enteredAt === null ? null : t - call.enteredAt);
    this.waitingByQueue.get(queue)?.delete(call);
    if (agent !== null) {
      const state = this.agentState(agent);
      state.openCalls.push(call);
      state.lastConnectAt = t;
      if (state.pendingWrap !== null) this.flushWrap(state, t);
    }
  }

  private complete(
    callId: string | null,
    queue: string | null,
    agent: string | null,
    event: CallEndEvent,
    t: number,
  ): void {
    if (callId === null || queue === null) return;
    let call = this.find(callId, queue);
    if (call === undefined && agent !== null && !this.isClosed(callId, queue)) {
      // Uniqueid swap: the one open answered call of this queue and agent.
      const matches = this.agentState(agent).openCalls.filter((c) => c.queue === queue);
      if (matches.length === 1) call = matches[0];
    }
    if (call === undefined) {
      if (this.isClosed(callId, queue)) return;
      // First seen at its end: an answered call (floor-api "a call first seen at its COMPLETE").
      call = this.newCall(callId, queue, t, null);
    }
    if (call.connectedAt === null) {
      call.connectedAt = t - (event.callTime ?? 0);
      call.agent = agent;
      call.wait =
        event.holdTime ?? (call.enteredAt === null ? null : call.connectedAt - call.enteredAt);
      this.waitingByQueue.get(queue)?.delete(call);
    }
    const transferred = event.kind !== 'COMPLETEAGENT' && event.kind !== 'COMPLETECALLER';
    this.endAnswered(call, t, event.callTime, transferred);
  }

  private release(call: OpenCall, t: number): void {
    this.close(call.callId, call, t);
    for (const id of call.aliasIds) this.close(id, call, t);
    this.waitingByQueue.get(call.queue)?.delete(call);
    if (call.agent !== null && call.connectedAt !== null) {
      const state = this.agents.get(call.agent);
      if (state !== undefined) removeItem(state.openCalls, call);
    }
  }

  /** Takes `call` out of the open calls of `callId` and records its queue as closed there. */
  private close(callId: string, call: OpenCall, t: number): void {
    const entry = this.entryOf(callId);
    removeOpen(entry, call);
    this.touch(entry, t);
    addClosed(entry, call.queue);
  }

  private record(
    call: OpenCall,
    outcome: QueueCallOutcome,
    wait: number | null,
    end: { endedAt: number; talk: number | null; transferred: boolean } | null = null,
    exitKey: string | null = null,
  ): QueueCallRecord {
    return {
      callId: call.callId,
      queue: call.queue,
      attributedAt: call.attributedAt,
      enteredAt: call.enteredAt,
      outcome,
      wait,
      agent: call.agent,
      connectedAt: call.connectedAt,
      endedAt: end === null ? null : end.endedAt,
      talk: end === null ? null : end.talk,
      wrapUp: 0,
      transferred: end === null ? false : end.transferred,
      exitKey,
      callerId: call.callerId,
      firstStint: call.firstStint,
      rings: call.rings,
    };
  }

  private closeUnanswered(
    call: OpenCall,
    outcome: QueueCallOutcome,
    wait: number | null,
    exitKey: string | null,
  ): void {
    this.release(call, this.lastTime);
    this.sink.queueCall(this.record(call, outcome, wait, null, exitKey));
  }

  private endAnswered(
    call: OpenCall,
    t: number,
    callTime: number | null,
    transferred: boolean,
  ): void {
    this.release(call, t);
    const connectedAt = call.connectedAt ?? t;
    const record = this.record(call, 'answered', call.wait, {
      endedAt: t,
      talk: callTime ?? t - connectedAt,
      transferred,
    });
    const state = call.agent === null ? undefined : this.agents.get(call.agent);
    if (this.wrapup <= 0 || state === undefined) {
      this.sink.queueCall(record);
      return;
    }
    if (state.lastConnectAt > connectedAt) {
      // The agent's next call connected before this one ended: no wrap-up left.
      this.sink.queueCall(record);
      return;
    }
    if (state.pendingWrap !== null) this.flushWrap(state, connectedAt);
    state.pendingWrap = { record, end: t };
  }

  /** Emits the agent's pending record with its wrap-up cut at `nextConnect` (epoch s). */
  private flushWrap(state: AgentState, nextConnect: number): void {
    const pending = state.pendingWrap;
    if (pending === null) return;
    state.pendingWrap = null;
    const wrapUp = Math.min(this.wrapup, Math.max(0, nextConnect - pending.end));
    this.sink.queueCall({ ...pending.record, wrapUp });
  }

  private restart(t: number): void {
    // Every open queue-call closes at the restart; memberships and pauses survive (kpi.md "Restart").
    for (const call of this.openCalls()) {
      if (call.connectedAt !== null) {
        this.endAnswered(call, t, null, false);
      } else {
        this.closeUnanswered(
          call,
          'lost',
          call.enteredAt === null ? null : t - call.enteredAt,
          null,
        );
      }
    }
  }

  private emitOpen(end: number, sink: RecordSink, close: boolean): void {
    for (const call of this.openCalls()) {
      const record =
        call.connectedAt === null
          ? this.record(call, 'waiting', call.enteredAt === null ? null : end - call.enteredAt)
          : close
            ? this.record(call, 'answered', call.wait)
            : // Provisional: busy up to `end` (now); talk stays unknown until the call ends.
              this.record(call, 'answered', call.wait, {
                endedAt: end,
                talk: null,
                transferred: false,
              });
      if (close) this.release(call, end);
      sink.queueCall(record);
    }
    for (const [name, state] of this.agents) {
      if (state.pendingWrap !== null) {
        const { record, end: callEnd } = state.pendingWrap;
        const wrapUp = close ? this.wrapup : Math.min(this.wrapup, Math.max(0, end - callEnd));
        sink.queueCall({ ...record, wrapUp });
        if (close) state.pendingWrap = null;
      }
      if (state.loggedInSince !== null) {
        this.segment(name, 'loggedIn', null, state.loggedInSince, end, sink);
        if (close) state.loggedInSince = null;
      }
      if (state.pausedKeys.length > 0 && state.pausedSince !== null) {
        this.segment(name, 'paused', state.pauseReason, state.pausedSince, end, sink);
        if (close) {
          state.pausedSince = null;
          state.pausedKeys.length = 0;
        }
      }
      if (close) state.sessions.length = 0;
    }
  }

  /**
   * Forgets closed call ids older than `limit` (epoch s), walking them in the order they were first
   * seen (≈ time order) up to the first one seen at or after `limit`; ids of open calls are kept.
   */
  private forget(limit: number): void {
    const order = this.recentOrder;
    const kept: CallEntry[] = [];
    let i = this.recentHead;
    for (; i < order.length; i++) {
      const entry = order[i]!;
      if (entry.gone) continue;
      if (entry.time >= limit) break;
      if (entry.open !== null) kept.push(entry);
      else this.drop(entry);
    }
    // Entries kept move up to just before the first one not looked at, in their order.
    for (let k = kept.length - 1, to = i - 1; k >= 0; k--, to--) order[to] = kept[k]!;
    this.recentHead = i - kept.length;
    if (this.recentHead > 65_536 && this.recentHead * 2 > order.length) {
      order.splice(0, this.recentHead);
      this.recentHead = 0;
    }
  }
}

/** Shared empty lists: most calls never get a ring attempt or an alias (copied on first write). */
const NO_RINGS: RingAttempt[] = [];
const NO_IDS: string[] = [];
const NO_CALLS: OpenCall[] = [];

const OUTCOME_OF_EXIT = {
  ABANDON: 'abandoned',
  EXITWITHTIMEOUT: 'timedOut',
  EXITWITHKEY: 'exitedWithKey',
  EXITEMPTY: 'exitedEmpty',
} as const satisfies Record<string, QueueCallOutcome>;
