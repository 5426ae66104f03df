/**
 * FreeSWITCH mod_callcenter events (`CUSTOM callcenter::info`) → canonical {@link TelephonyEvent}s.
 *
 * Headers follow the mod_callcenter documentation (freeswitch.org "mod_callcenter", section
 * "Events") and the module source (`mod_callcenter.c`, which adds them with
 * `switch_event_add_header`):
 *
 * | CC-Action | canonical | from |
 * |---|---|---|
 * | agent-status-change | ADDMEMBER / PAUSE / UNPAUSE / REMOVEMEMBER per queue of the agent's tiers | CC-Agent, CC-Agent-Status: `Available`, `Available (On Demand)` = present, not paused; `On Break` = paused, reason `On Break`; `Logged Out` = removed |
 * | agent-state-change | none (Waiting / Receiving / In a queue call / Idle is call state, not membership) | CC-Agent-State |
 * | member-queue-start | ENTERQUEUE | CC-Queue, CC-Member-Session-UUID (callId), CC-Member-CID-Number, CC-Member-CID-Name |
 * | agent-offering | RINGSTART | CC-Agent |
 * | bridge-agent-start | CONNECT | holdtime = CC-Agent-Answered-Time − CC-Member-Joined-Time; ringtime = Answered − CC-Agent-Called-Time; bridged channel = CC-Agent-UUID |
 * | bridge-agent-end | COMPLETEAGENT (agent leg `variable_sip_hangup_disposition` = `recv_*`: the agent's phone hung up) else COMPLETECALLER | calltime = CC-Bridge-Terminated-Time − CC-Agent-Answered-Time |
 * | bridge-agent-fail | RINGNOANSWER (ringtime ms = (CC-Agent-Aborted-Time − CC-Agent-Called-Time) × 1000); RINGCANCELED when CC-Hangup-Cause is `ORIGINATOR_CANCEL` (ring-all: another agent answered) | |
 * | member-queue-end, CC-Cause `Cancel` | by CC-Cancel-Reason: `BREAK_OUT`/`NONE` (caller hung up; mod_callcenter turns NONE into BREAK_OUT when no agent was found) → ABANDON; `TIMEOUT` → EXITWITHTIMEOUT; `NO_AGENT_TIMEOUT` → EXITEMPTY; `EXIT_WITH_KEY` → EXITWITHKEY (key = `variable_cc_exit_key`) | waittime = CC-Member-Leaving-Time − CC-Member-Joined-Time |
 * | member-queue-end, CC-Cause `Terminated` | none (the answered call already ended with bridge-agent-end) | |
 * | CHANNEL_HOLD / CHANNEL_UNHOLD (core events, Unique-ID of either leg) | HOLD / UNHOLD with the caller's UUID | |
 *
 * The call id is the caller channel's UUID (`CC-Member-Session-UUID`), FreeSWITCH's equivalent of
 * Asterisk's uniqueid. Agent status is per agent in mod_callcenter (not per queue): the queues
 * come from the agent's tiers (`callcenter_config tier list`), learnt on connect; an agent without
 * known tiers gets events with `queue: null`. Event time: `Event-Date-Timestamp` (µs) / 10⁶.
 */
import type { TelephonyEvent } from '../../telephony/events.js';
import {
  BoundedSet,
  MemberTable,
  callerIdOrNull,
  numberOrNull,
  type LiveMember,
} from '../member-table.js';
import type { EslEvent } from './esl.js';

/** Placeholder queue key for an agent whose tiers are unknown (emitted as `queue: null`). */
const NO_QUEUE = '\u0000';

interface FsCall {
  readonly queue: string;
  connected: boolean;
  agent: string | null;
  agentLeg: string | null;
  onHold: boolean;
}

/** mod_callcenter agent status → membership observation, or `null` for an unknown status. */
function statusObservation(status: string): { present: boolean; paused: boolean } | null {
  switch (status) {
    case 'Available':
    case 'Available (On Demand)':
      return { present: true, paused: false };
    case 'On Break':
      return { present: true, paused: true };
    case 'Logged Out':
      return { present: false, paused: false };
    default:
      return null;
  }
}

/** Stateful, pure mapper from mod_callcenter events to canonical events. */
export class CallcenterMapper {
  readonly members = new MemberTable();
  private readonly status = new Map<string, string>();
  private readonly tiers = new Map<string, Set<string>>();
  private readonly calls = new Map<string, FsCall>();
  private readonly delivered = new BoundedSet(50_000);
  /** Agent channel UUID (CC-Agent-UUID) → caller session UUID. */
  private readonly agentLegs = new Map<string, string>();

  /** Current membership (queue `\u0000` = tiers unknown). */
  memberList(): LiveMember[] {
    return this.members.list();
  }

  /** Known status of an agent (`Available`, `On Break`, `Logged Out`, …) or `undefined`. */
  agentStatus(agent: string): string | undefined {
    return this.status.get(agent);
  }

  /**
   * Maps one event (events other than `CUSTOM callcenter::info` give `[]`).
   * @param event a parsed event-plain event
   * @param receivedAt epoch seconds of receipt (used when `Event-Date-Timestamp` is absent)
   */
  map(event: EslEvent, receivedAt: number): TelephonyEvent[] {
    const h = (name: string): string | null => event.headers.get(name) ?? null;
    const eventName = h('Event-Name');
    if (eventName === 'CHANNEL_HOLD' || eventName === 'CHANNEL_UNHOLD') {
      return this.hold(
        h('Unique-ID'),
        eventName === 'CHANNEL_HOLD',
        fsEventTime(event) ?? receivedAt,
      );
    }
    if (h('Event-Subclass') !== 'callcenter::info') return [];
    const time = fsEventTime(event) ?? receivedAt;
    const queue = h('CC-Queue');
    const callId = h('CC-Member-Session-UUID') ?? h('CC-Member-UUID');
    const agent = h('CC-Agent');
    switch (h('CC-Action')) {
      case 'agent-status-change':
        return agent === null
          ? []
          : this.agentStatusChange(agent, h('CC-Agent-Status') ?? '', time);
      case 'member-queue-start': {
        if (queue === null || callId === null) return [];
        return this.enter(
          time,
          callId,
          queue,
          h('CC-Member-CID-Number'),
          h('CC-Member-CID-Name'),
          false,
        );
      }
      case 'agent-offering':
        if (queue === null || callId === null) return [];
        return [{ kind: 'RINGSTART', time, callId, queue, agent }];
      case 'bridge-agent-start': {
        if (queue === null || callId === null) return [];
        const agentLeg = h('CC-Agent-UUID');
        const call = this.calls.get(callId) ?? {
          queue,
          connected: false,
          agent,
          agentLeg,
          onHold: false,
        };
        call.connected = true;
        call.agent = agent;
        call.agentLeg = agentLeg;
        this.calls.set(callId, call);
        if (agentLeg !== null) this.agentLegs.set(agentLeg, callId);
        const answered = numberOrNull(h('CC-Agent-Answered-Time'));
        const joined = numberOrNull(h('CC-Member-Joined-Time'));
        const called = numberOrNull(h('CC-Agent-Called-Time'));
        return [
          {
            kind: 'CONNECT',
            time,
            callId,
            queue,
            agent,
            holdTime: diff(answered, joined),
            bridgedChannel: h('CC-Agent-UUID'),
            ringTime: diff(answered, called),
          },
        ];
      }
      case 'bridge-agent-end': {
        if (queue === null || callId === null) return [];
        const ended = this.calls.get(callId);
        if (ended?.agentLeg) this.agentLegs.delete(ended.agentLeg);
        this.calls.delete(callId);
        const answered = numberOrNull(h('CC-Agent-Answered-Time'));
        const disposition = h('variable_sip_hangup_disposition') ?? '';
        return [
          {
            kind: disposition.startsWith('recv_') ? 'COMPLETEAGENT' : 'COMPLETECALLER',
            time,
            callId,
            queue,
            agent,
            holdTime: diff(answered, numberOrNull(h('CC-Member-Joined-Time'))),
            callTime: diff(numberOrNull(h('CC-Bridge-Terminated-Time')), answered),
            origPosition: null,
            target: null,
          },
        ];
      }
      case 'bridge-agent-fail': {
        if (queue === null || callId === null) return [];
        const ring = diff(
          numberOrNull(h('CC-Agent-Aborted-Time')),
          numberOrNull(h('CC-Agent-Called-Time')),
        );
        const cancelled = h('CC-Hangup-Cause') === 'ORIGINATOR_CANCEL';
        return [
          {
            kind: cancelled ? 'RINGCANCELED' : 'RINGNOANSWER',
            time,
            callId,
            queue,
            agent,
            ringTimeMs: ring === null ? null : ring * 1000,
          },
        ];
      }
      case 'member-queue-end': {
        if (queue === null || callId === null) return [];
        this.calls.delete(callId);
        if (h('CC-Cause') !== 'Cancel') return [];
        const wait = diff(
          numberOrNull(h('CC-Member-Leaving-Time')),
          numberOrNull(h('CC-Member-Joined-Time')),
        );
        const reason = h('CC-Cancel-Reason') ?? 'NONE';
        const kind =
          reason === 'TIMEOUT'
            ? 'EXITWITHTIMEOUT'
            : reason === 'NO_AGENT_TIMEOUT'
              ? 'EXITEMPTY'
              : reason === 'EXIT_WITH_KEY'
                ? 'EXITWITHKEY'
                : 'ABANDON';
        return [
          {
            kind,
            time,
            callId,
            queue,
            agent: null,
            key: kind === 'EXITWITHKEY' ? h('variable_cc_exit_key') : null,
            position: null,
            origPosition: null,
            waitTime: wait,
          },
        ];
      }
      case null:
      default:
        return [];
    }
  }

  /**
   * Rebuilds state from `callcenter_config tier list`, `agent list` and `queue list members <q>`
   * rows ({@link parseCallcenterTable}), returning the events that bring the engines to it:
   * membership changes per tier queue, REMOVEMEMBER for agents no longer listed, and ENTERQUEUE
   * (time = `joined_epoch`) for callers in state `Waiting` or `Trying` not already delivered.
   *
   * @param tiers rows with `queue`, `agent`
   * @param agents rows with `name`, `status`
   * @param callers rows with `queue`, `session_uuid`, `uuid`, `cid_number`, `cid_name`, `joined_epoch`, `state`
   * @param now epoch seconds of the snapshot
   */
  rebuild(
    tiers: readonly Record<string, string>[],
    agents: readonly Record<string, string>[],
    callers: readonly Record<string, string>[],
    now: number,
  ): TelephonyEvent[] {
    const out: TelephonyEvent[] = [];
    const newTiers = new Map<string, Set<string>>();
    for (const row of tiers) {
      const agent = row.agent ?? '';
      const queue = row.queue ?? '';
      if (agent === '' || queue === '') continue;
      let set = newTiers.get(agent);
      if (!set) newTiers.set(agent, (set = new Set()));
      set.add(queue);
    }
    // Memberships whose tier disappeared end now.
    for (const m of this.members.list()) {
      // A queue-less membership (tiers were unknown) gives way to per-queue ones once known.
      const stillTiered =
        m.queue === NO_QUEUE
          ? !newTiers.has(m.agent)
          : newTiers.get(m.agent)?.has(m.queue) === true;
      if (!stillTiered) {
        out.push(
          ...this.fix(
            this.members.observe(now, { queue: m.queue, agent: m.agent, present: false }),
          ),
        );
      }
    }
    this.tiers.clear();
    for (const [agent, set] of newTiers) this.tiers.set(agent, set);
    const listed = new Set<string>();
    for (const row of agents) {
      const name = row.name ?? '';
      if (name === '') continue;
      listed.add(name);
      out.push(...this.agentStatusChange(name, row.status ?? '', now, true));
    }
    for (const agent of [...this.status.keys()]) {
      if (!listed.has(agent)) out.push(...this.agentStatusChange(agent, 'Logged Out', now, true));
    }
    for (const row of callers) {
      const state = row.state ?? '';
      if (state !== 'Waiting' && state !== 'Trying') continue;
      const callId = row.session_uuid || row.uuid || '';
      const queue = row.queue ?? '';
      if (callId === '' || queue === '') continue;
      const joined = numberOrNull(row.joined_epoch) ?? now;
      out.push(
        ...this.enter(joined, callId, queue, row.cid_number ?? null, row.cid_name ?? null, true),
      );
    }
    return out;
  }

  /**
   * CHANNEL_HOLD / CHANNEL_UNHOLD (FreeSWITCH event list) on either leg of a connected queue call
   * → HOLD / UNHOLD with the caller's UUID; holds outside queue calls are ignored.
   */
  private hold(uniqueId: string | null, on: boolean, time: number): TelephonyEvent[] {
    if (uniqueId === null) return [];
    const callId = this.calls.get(uniqueId)?.connected ? uniqueId : this.agentLegs.get(uniqueId);
    const call = callId === undefined ? undefined : this.calls.get(callId);
    if (callId === undefined || !call || call.onHold === on) return [];
    call.onHold = on;
    return [{ kind: on ? 'HOLD' : 'UNHOLD', time, callId, queue: call.queue, agent: call.agent }];
  }

  private enter(
    time: number,
    callId: string,
    queue: string,
    cidNumber: string | null,
    cidName: string | null,
    fromSnapshot: boolean,
  ): TelephonyEvent[] {
    const key = `${callId}@${queue}`;
    if (fromSnapshot && this.delivered.has(key)) return [];
    this.delivered.add(key);
    this.calls.set(callId, { queue, connected: false, agent: null, agentLeg: null, onHold: false });
    return [
      {
        kind: 'ENTERQUEUE',
        time,
        callId,
        queue,
        agent: null,
        url: null,
        callerId: callerIdOrNull(cidNumber),
        position: null,
        callerName: callerIdOrNull(cidName),
      },
    ];
  }

  private agentStatusChange(
    agent: string,
    status: string,
    time: number,
    fromSnapshot = false,
  ): TelephonyEvent[] {
    const obs = statusObservation(status);
    if (obs === null) return [];
    if (obs.present) this.status.set(agent, status);
    else this.status.delete(agent);
    const queues = this.tiers.get(agent);
    const targets = queues && queues.size > 0 ? [...queues] : [NO_QUEUE];
    const out: TelephonyEvent[] = [];
    for (const queue of targets) {
      out.push(
        ...this.members.observe(time, {
          queue,
          agent,
          present: obs.present,
          paused: obs.paused,
          reason: obs.paused ? status : '',
        }),
      );
    }
    // A live status change for an agent whose tiers are unknown is also applied to memberships
    // learnt before (e.g. the agent was given tiers after the last rebuild).
    if (!fromSnapshot && targets[0] === NO_QUEUE) {
      for (const m of this.members.list()) {
        if (m.agent !== agent || m.queue === NO_QUEUE) continue;
        out.push(
          ...this.members.observe(time, {
            queue: m.queue,
            agent,
            present: obs.present,
            paused: obs.paused,
            reason: obs.paused ? status : '',
          }),
        );
      }
    }
    return this.fix(out);
  }

  /** Turns the internal no-tier queue key into `queue: null`. */
  private fix(events: TelephonyEvent[]): TelephonyEvent[] {
    return events.map((e) => (e.queue === NO_QUEUE ? { ...e, queue: null } : e));
  }
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** `Event-Date-Timestamp` (epoch µs) in epoch seconds, or `null`. */
export function fsEventTime(event: EslEvent): number | null {
  const micros = numberOrNull(event.headers.get('Event-Date-Timestamp'));
  return micros === null || micros <= 0 ? null : micros / 1_000_000;
}
