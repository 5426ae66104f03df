/**
 * AMI events → canonical {@link TelephonyEvent}s, for both AMI dialects.
 *
 * Field names follow the Asterisk AMI event documentation (docs.asterisk.org
 * "Asterisk 12+ AMI Events": QueueCallerJoin, QueueCallerLeave, QueueCallerAbandon, AgentCalled,
 * AgentConnect, AgentComplete, AgentRingNoAnswer, AgentDump, QueueMemberAdded, QueueMemberRemoved,
 * QueueMemberStatus, QueueMemberPause, Hold, Unhold, BridgeEnter, BridgeLeave, and the QueueStatus
 * action's QueueParams / QueueMember / QueueEntry / QueueStatusComplete), and for Asterisk ≤ 11
 * the pre-Stasis names documented on the old wiki "Asterisk 11 AMI Events" (Join, Leave,
 * QueueMemberPaused, Bridge, Hold with `Status: On|Off`, and AgentConnect/AgentComplete with
 * `Holdtime`/`BridgedChannel`/`Ringtime`). Key lookup is case-insensitive.
 *
 * | AMI event | canonical | fields |
 * |---|---|---|
 * | QueueCallerJoin / Join | ENTERQUEUE | Uniqueid, Queue, Position, CallerIDNum, CallerIDName |
 * | AgentCalled | RINGSTART | Uniqueid (caller), Queue, MemberName (≤11: AgentName) |
 * | AgentConnect | CONNECT | HoldTime, RingTime, DestUniqueid (≤11: BridgedChannel), MemberName |
 * | AgentComplete | COMPLETECALLER / COMPLETEAGENT / TRANSFER by Reason `caller`/`agent`/`transfer` | HoldTime, TalkTime; origposition from the join |
 * | AgentRingNoAnswer | RINGNOANSWER | RingTime (ms, as queue_log) |
 * | AgentDump | AGENTDUMP | |
 * | QueueCallerAbandon | ABANDON | Position, OriginalPosition, HoldTime (= waittime) |
 * | QueueCallerLeave / Leave without abandon or connect | EXITWITHKEY (key unknown) | see below |
 * | QueueMemberAdded / Removed | ADDMEMBER / REMOVEMEMBER | MemberName, Paused, PausedReason |
 * | QueueMemberPause (≤11: QueueMemberPaused) | PAUSE / UNPAUSE | Paused, PausedReason (≤11: Reason) |
 * | QueueMemberStatus | state change only (ADDMEMBER/PAUSE/UNPAUSE when it differs) | Paused, PausedReason |
 * | Hold / Unhold (≤11: Hold Status On/Off) | HOLD / UNHOLD with the caller's uniqueid | Uniqueid of either leg |
 * | BridgeEnter / BridgeLeave / Bridge | none (used to find the call of a Hold) | BridgeUniqueid, Uniqueid |
 *
 * Known limits of AMI (documented in docs/notes/connectors.md): app_queue's `record_abandoned()`
 * publishes QueueCallerAbandon for caller hang-ups *and* for queue timeouts and leave-when-empty, so
 * those exits arrive as ABANDON; a QueueCallerLeave not followed by a connect and with no abandon
 * is an exit by key (the only exit that skips `record_abandoned()`), emitted once the connect
 * could no longer follow ({@link AmiEventMapper.flush}).
 *
 * Event time: the `Timestamp` header (manager.conf `timestampevents = yes`), else the receive time.
 */
import type { TelephonyEvent } from '../../telephony/events.js';
import {
  BoundedSet,
  MemberTable,
  callerIdOrNull,
  numberOrNull,
  type LiveMember,
} from '../member-table.js';
import { amiField, amiFieldAny, type AmiPacket } from './packet.js';

/** A caller known to be in a queue or talking to an agent. */
interface CallState {
  readonly queue: string;
  /** Position the caller entered at (queue_log origposition). */
  readonly origPosition: number | null;
  connected: boolean;
  agent: string | null;
  agentLeg: string | null;
  onHold: boolean;
  /** QueueCallerLeave seen without an abandon or connect yet: its time and position. */
  leftAt: number | null;
  /** Receive time (epoch s) of that QueueCallerLeave, compared with the clock by flush(). */
  leftReceivedAt: number | null;
  leftPosition: number | null;
}

/** How long (seconds) a QueueCallerLeave waits for the AgentConnect that may follow it. */
const LEAVE_GRACE_SECONDS = 2;

/** Options of {@link AmiEventMapper}. */
export interface AmiMapperOptions {
  /** Delivered calls remembered to avoid re-emitting them on a rebuild (default 50,000). */
  readonly rememberCalls?: number;
}

/**
 * Stateful, pure mapper from AMI packets to canonical events. One instance lives as long as the
 * source (across reconnects), so it remembers members and delivered calls.
 */
export class AmiEventMapper {
  readonly members = new MemberTable();
  private readonly calls = new Map<string, CallState>();
  /** Agent-leg uniqueid → caller uniqueid. */
  private readonly agentLegs = new Map<string, string>();
  /** Bridge id → uniqueids in it (12+ BridgeEnter/Leave, ≤11 Bridge Link/Unlink). */
  private readonly bridges = new Map<string, Set<string>>();
  /** `uniqueid@queue` of every ENTERQUEUE delivered. */
  private readonly delivered: BoundedSet;

  /** Member name → its interface (`PJSIP/1001`), from any packet carrying both. */
  private readonly interfaces = new Map<string, string>();

  constructor(options: AmiMapperOptions = {}) {
    this.delivered = new BoundedSet(options.rememberCalls ?? 50_000);
  }

  /**
   * The interface (`PJSIP/1001`, `Local/1001@agents`) of a queue member, learned from the
   * `Interface` (≥ 12; QueueMember `Location`/`StateInterface` as fallbacks) of QueueMember*,
   * AgentCalled, AgentConnect… packets that also name the member. The member name itself when it
   * is an interface (contains `/`); `null` when unknown. Supervisor actions address members by it.
   */
  interfaceOf(member: string): string | null {
    return this.interfaces.get(member) ?? (member.includes('/') ? member : null);
  }

  private learnInterface(packet: AmiPacket): void {
    const name = amiFieldAny(packet, ['MemberName', 'Name', 'AgentName']);
    const iface = amiFieldAny(packet, ['Interface', 'Location']);
    if (name === null || iface === null || !iface.includes('/')) return;
    if (this.interfaces.get(name) === iface) return;
    this.interfaces.delete(name);
    this.interfaces.set(name, iface);
    if (this.interfaces.size > 50_000) {
      const oldest = this.interfaces.keys().next().value;
      if (oldest !== undefined) this.interfaces.delete(oldest);
    }
  }

  /** Current membership state (sorted by queue, agent). */
  memberList(): LiveMember[] {
    return this.members.list();
  }

  /** Uniqueids of callers currently waiting (not connected), per the mapper's knowledge. */
  waitingCalls(): { callId: string; queue: string }[] {
    return [...this.calls.entries()]
      .filter(([, c]) => !c.connected && c.leftAt === null)
      .map(([callId, c]) => ({ callId, queue: c.queue }));
  }

  /**
   * Maps one packet (responses and banners give `[]`).
   * @param packet a parsed AMI packet
   * @param receivedAt epoch seconds when it was received (used when it has no `Timestamp`)
   * @returns canonical events in order (possibly empty)
   */
  map(packet: AmiPacket, receivedAt: number): TelephonyEvent[] {
    if (packet.type !== 'event') return [];
    this.learnInterface(packet);
    const time = eventTime(packet, receivedAt);
    const out = this.flush(receivedAt);
    switch (packet.name) {
      case 'QueueCallerJoin':
      case 'Join':
        out.push(...this.join(packet, time, false));
        break;
      case 'QueueCallerLeave':
      case 'Leave':
        this.leave(packet, time, receivedAt);
        break;
      case 'QueueCallerAbandon':
        out.push(...this.abandon(packet, time));
        break;
      case 'AgentCalled':
        out.push(...this.callEvent(packet, time, 'RINGSTART'));
        break;
      case 'AgentConnect':
        out.push(...this.connect(packet, time));
        break;
      case 'AgentComplete':
        out.push(...this.complete(packet, time));
        break;
      case 'AgentRingNoAnswer': {
        const callId = amiField(packet, 'Uniqueid');
        const queue = amiField(packet, 'Queue');
        if (callId === null || queue === null) break;
        out.push({
          kind: 'RINGNOANSWER',
          time,
          callId,
          queue,
          agent: memberName(packet),
          ringTimeMs: numberOrNull(amiField(packet, 'RingTime')),
        });
        break;
      }
      case 'AgentDump':
        out.push(...this.callEvent(packet, time, 'AGENTDUMP'));
        break;
      case 'QueueMemberAdded':
      case 'QueueMemberStatus':
      case 'QueueMemberPause':
      case 'QueueMemberPaused':
        out.push(...this.memberEvent(packet, time, true));
        break;
      case 'QueueMemberRemoved':
        out.push(...this.memberEvent(packet, time, false));
        break;
      case 'Hold':
      case 'Unhold': {
        const status = amiField(packet, 'Status');
        const on = packet.name === 'Hold' && status?.toLowerCase() !== 'off';
        out.push(...this.hold(packet, time, on));
        break;
      }
      case 'BridgeEnter':
      case 'BridgeLeave':
        this.bridge(
          amiField(packet, 'BridgeUniqueid'),
          [amiField(packet, 'Uniqueid')],
          packet.name === 'BridgeEnter',
        );
        break;
      case 'Bridge': {
        const u1 = amiField(packet, 'Uniqueid1');
        const u2 = amiField(packet, 'Uniqueid2');
        const link = (amiField(packet, 'Bridgestate') ?? 'Link').toLowerCase() !== 'unlink';
        this.bridge(`${u1}+${u2}`, [u1, u2], link);
        break;
      }
      case 'Hangup': {
        const uid = amiField(packet, 'Uniqueid');
        if (uid !== null) this.forgetLeg(uid);
        break;
      }
      default:
        break;
    }
    return out;
  }

  /**
   * Emits the exit of callers whose QueueCallerLeave had no abandon or connect within
   * {@link LEAVE_GRACE_SECONDS} of receive time. The source calls it with the clock on a timer.
   * @param now epoch seconds (receive clock, not event time)
   */
  flush(now: number): TelephonyEvent[] {
    const out: TelephonyEvent[] = [];
    for (const [callId, call] of this.calls) {
      if (call.leftAt === null || call.leftReceivedAt === null) continue;
      if (now - call.leftReceivedAt < LEAVE_GRACE_SECONDS) continue;
      this.calls.delete(callId);
      out.push({
        kind: 'EXITWITHKEY',
        time: call.leftAt,
        callId,
        queue: call.queue,
        agent: null,
        key: null,
        position: call.leftPosition,
        origPosition: call.origPosition,
        waitTime: null,
      });
    }
    return out;
  }

  /**
   * Rebuilds state from a QueueStatus response (its QueueParams, QueueMember and QueueEntry
   * events, in order) and returns the synthetic events that bring the engines to that state:
   * REMOVEMEMBER for known members missing from a listed queue, ADDMEMBER / PAUSE (with reason) /
   * UNPAUSE where the member differs from what was known, and ENTERQUEUE (time = now − Wait) for
   * waiting callers not already delivered. Calls already delivered are never emitted again.
   *
   * @param packets the events of the QueueStatus event list (other packets are ignored)
   * @param now epoch seconds of the snapshot
   */
  rebuild(packets: readonly AmiPacket[], now: number): TelephonyEvent[] {
    const queues = new Set<string>();
    const members: { queue: string; agent: string; paused: boolean; reason: string }[] = [];
    const entries: AmiPacket[] = [];
    for (const p of packets) {
      if (p.type !== 'event') continue;
      const queue = amiField(p, 'Queue');
      if (queue === null) continue;
      if (p.name === 'QueueParams') queues.add(queue);
      if (p.name === 'QueueMember') {
        this.learnInterface(p);
        queues.add(queue);
        const agent = amiFieldAny(p, ['MemberName', 'Name', 'Interface', 'Location']);
        if (agent === null) continue;
        members.push({
          queue,
          agent,
          paused: flag(amiField(p, 'Paused')),
          reason: amiFieldAny(p, ['PausedReason', 'Reason']) ?? '',
        });
      }
      if (p.name === 'QueueEntry') {
        queues.add(queue);
        entries.push(p);
      }
    }
    const out: TelephonyEvent[] = [];
    const listed = new Set(members.map((m) => `${m.queue}\u0000${m.agent}`));
    for (const queue of queues) {
      for (const known of this.members.ofQueue(queue)) {
        if (!listed.has(`${queue}\u0000${known.agent}`)) {
          out.push(...this.members.observe(now, { queue, agent: known.agent, present: false }));
        }
      }
    }
    for (const m of members) out.push(...this.members.observe(now, { ...m, present: true }));
    const waiting = new Set<string>();
    for (const entry of entries) {
      const callId = amiField(entry, 'Uniqueid');
      const queue = amiField(entry, 'Queue') ?? '';
      if (callId === null) continue;
      waiting.add(`${callId}@${queue}`);
      const wait = numberOrNull(amiField(entry, 'Wait')) ?? 0;
      out.push(...this.join(entry, now - wait, true));
    }
    // Callers we thought waiting in a listed queue but no longer listed left while we were away;
    // their outcome is unknown to AMI (queue_log has it), so they are dropped without an event.
    for (const [callId, call] of this.calls) {
      if (!call.connected && queues.has(call.queue) && !waiting.has(`${callId}@${call.queue}`)) {
        this.calls.delete(callId);
      }
    }
    return out;
  }

  private join(packet: AmiPacket, time: number, fromSnapshot: boolean): TelephonyEvent[] {
    const callId = amiField(packet, 'Uniqueid');
    const queue = amiField(packet, 'Queue');
    if (callId === null || queue === null) return [];
    const key = `${callId}@${queue}`;
    if (fromSnapshot && this.delivered.has(key)) return [];
    this.delivered.add(key);
    const position = numberOrNull(amiField(packet, 'Position'));
    this.calls.set(callId, {
      queue,
      origPosition: position,
      connected: false,
      agent: null,
      agentLeg: null,
      onHold: false,
      leftAt: null,
      leftReceivedAt: null,
      leftPosition: null,
    });
    return [
      {
        kind: 'ENTERQUEUE',
        time,
        callId,
        queue,
        agent: null,
        url: null,
        callerId: callerIdOrNull(amiField(packet, 'CallerIDNum')),
        position,
        callerName: callerIdOrNull(amiField(packet, 'CallerIDName')),
      },
    ];
  }

  private leave(packet: AmiPacket, time: number, receivedAt: number): void {
    const callId = amiField(packet, 'Uniqueid');
    if (callId === null) return;
    const call = this.calls.get(callId);
    if (!call || call.connected) return;
    call.leftAt = time;
    call.leftReceivedAt = receivedAt;
    call.leftPosition = numberOrNull(amiField(packet, 'Position'));
  }

  private abandon(packet: AmiPacket, time: number): TelephonyEvent[] {
    const callId = amiField(packet, 'Uniqueid');
    const queue = amiField(packet, 'Queue');
    if (callId === null || queue === null) return [];
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    return [
      {
        kind: 'ABANDON',
        time,
        callId,
        queue,
        agent: null,
        key: null,
        position: numberOrNull(amiField(packet, 'Position')),
        origPosition:
          numberOrNull(amiField(packet, 'OriginalPosition')) ?? call?.origPosition ?? null,
        waitTime: numberOrNull(amiField(packet, 'HoldTime')),
      },
    ];
  }

  private callEvent(
    packet: AmiPacket,
    time: number,
    kind: 'RINGSTART' | 'AGENTDUMP',
  ): TelephonyEvent[] {
    const callId = amiField(packet, 'Uniqueid');
    const queue = amiField(packet, 'Queue');
    if (callId === null || queue === null) return [];
    return [{ kind, time, callId, queue, agent: memberName(packet) }];
  }

  private connect(packet: AmiPacket, time: number): TelephonyEvent[] {
    const callId = amiField(packet, 'Uniqueid');
    const queue = amiField(packet, 'Queue');
    if (callId === null || queue === null) return [];
    const agent = memberName(packet);
    const agentLeg = amiFieldAny(packet, ['DestUniqueid', 'BridgedChannel']);
    const call = this.calls.get(callId);
    if (call) {
      call.connected = true;
      call.leftAt = null;
      call.leftReceivedAt = null;
      call.agent = agent;
      call.agentLeg = agentLeg;
    } else {
      this.calls.set(callId, {
        queue,
        origPosition: null,
        connected: true,
        agent,
        agentLeg,
        onHold: false,
        leftAt: null,
        leftReceivedAt: null,
        leftPosition: null,
      });
    }
    if (agentLeg !== null) this.agentLegs.set(agentLeg, callId);
    return [
      {
        kind: 'CONNECT',
        time,
        callId,
        queue,
        agent,
        holdTime: numberOrNull(amiField(packet, 'HoldTime')),
        bridgedChannel: agentLeg,
        ringTime: numberOrNull(amiField(packet, 'RingTime')),
      },
    ];
  }

  private complete(packet: AmiPacket, time: number): TelephonyEvent[] {
    const callId = amiField(packet, 'Uniqueid');
    const queue = amiField(packet, 'Queue');
    if (callId === null || queue === null) return [];
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    if (call?.agentLeg) this.agentLegs.delete(call.agentLeg);
    const reason = (amiField(packet, 'Reason') ?? '').toLowerCase();
    const kind =
      reason === 'agent' ? 'COMPLETEAGENT' : reason === 'transfer' ? 'TRANSFER' : 'COMPLETECALLER';
    return [
      {
        kind,
        time,
        callId,
        queue,
        agent: memberName(packet),
        holdTime: numberOrNull(amiField(packet, 'HoldTime')),
        callTime: numberOrNull(amiField(packet, 'TalkTime')),
        origPosition: call?.origPosition ?? null,
        target: null,
      },
    ];
  }

  private memberEvent(packet: AmiPacket, time: number, present: boolean): TelephonyEvent[] {
    const queue = amiField(packet, 'Queue');
    const agent = memberName(packet);
    if (queue === null || agent === null) return [];
    const pausedText = amiField(packet, 'Paused');
    return this.members.observe(time, {
      queue,
      agent,
      present,
      paused: pausedText === null ? undefined : flag(pausedText),
      reason: amiFieldAny(packet, ['PausedReason', 'Reason']) ?? undefined,
    });
  }

  /** Finds the queue call a Hold/Unhold belongs to: either leg, or a leg sharing its bridge. */
  private callOf(uniqueid: string): string | null {
    if (this.calls.get(uniqueid)?.connected) return uniqueid;
    const viaLeg = this.agentLegs.get(uniqueid);
    if (viaLeg !== undefined) return viaLeg;
    for (const members of this.bridges.values()) {
      if (!members.has(uniqueid)) continue;
      for (const other of members) {
        if (this.calls.get(other)?.connected) return other;
        const leg = this.agentLegs.get(other);
        if (leg !== undefined) return leg;
      }
    }
    return null;
  }

  private hold(packet: AmiPacket, time: number, on: boolean): TelephonyEvent[] {
    const uniqueid = amiField(packet, 'Uniqueid');
    if (uniqueid === null) return [];
    const callId = this.callOf(uniqueid);
    if (callId === null) return [];
    const call = this.calls.get(callId);
    if (!call || call.onHold === on) return [];
    call.onHold = on;
    return [{ kind: on ? 'HOLD' : 'UNHOLD', time, callId, queue: call.queue, agent: call.agent }];
  }

  private bridge(id: string | null, uniqueids: (string | null)[], enter: boolean): void {
    if (id === null) return;
    let set = this.bridges.get(id);
    if (enter) {
      if (!set) this.bridges.set(id, (set = new Set()));
      for (const u of uniqueids) if (u !== null) set.add(u);
    } else if (set) {
      for (const u of uniqueids) if (u !== null) set.delete(u);
      if (set.size === 0) this.bridges.delete(id);
    }
  }

  private forgetLeg(uniqueid: string): void {
    this.agentLegs.delete(uniqueid);
    for (const [id, set] of this.bridges) {
      set.delete(uniqueid);
      if (set.size === 0) this.bridges.delete(id);
    }
  }
}

/** Member name: `MemberName` (all versions), else ≤11 `AgentName`, else the interface. */
function memberName(packet: AmiPacket): string | null {
  return amiFieldAny(packet, ['MemberName', 'AgentName', 'Interface', 'Member', 'Location']);
}

/** AMI boolean: `1`, `true`, `yes` (any case) are true. */
function flag(text: string | null): boolean {
  return text !== null && /^(1|true|yes|on)$/i.test(text.trim());
}

function eventTime(packet: AmiPacket, receivedAt: number): number {
  const stamp = numberOrNull(amiField(packet, 'Timestamp'));
  return stamp !== null && stamp > 0 ? stamp : receivedAt;
}

/** Seconds between an event's own `Timestamp` and its receipt; `null` when it has none. */
export function amiEventLag(packet: AmiPacket, receivedAt: number): number | null {
  const stamp = numberOrNull(amiField(packet, 'Timestamp'));
  return stamp === null ? null : receivedAt - stamp;
}
