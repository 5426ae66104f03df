/**
 * The canonical telephony event model.
 *
 * Every source callfloor reads — an Asterisk `queue_log` file or realtime-table export, the Asterisk
 * Manager Interface, FreeSWITCH mod_callcenter, the JSON event API — is turned into this one typed,
 * discriminated union, and the engines (statistics, live floor) only ever see these events.
 *
 * The vocabulary is Asterisk's `queue_log` verbs (docs.asterisk.org, "Queue Logs"; app_queue.c), plus
 * `HOLD`, `UNHOLD` and `RINGSTART`, which a `queue_log` file cannot express but live sources can.
 * Data fields are typed and named; a field absent from the source is `null`, never `0`.
 */

/** Fields every event carries. */
export interface EventBase {
  /** When it happened: epoch **seconds** (queue_log has whole seconds; live sources may be fractional). */
  readonly time: number;
  /** The caller channel's uniqueid; `null` for events not tied to a call (queue_log `NONE`, `MANAGER`, `REALTIME`). */
  readonly callId: string | null;
  /** Queue name; `null` when not applicable (queue_log `NONE`). */
  readonly queue: string | null;
  /** Member name as written by the source (e.g. `PJSIP/1001`, `Agent/1127`); `null` for `NONE`. */
  readonly agent: string | null;
}

/** Asterisk (re)started; every open call ends (kpi.md "Restart"). */
export interface QueueStartEvent extends EventBase {
  readonly kind: 'QUEUESTART';
}
/** Configuration reload; closes nothing. */
export interface ConfigReloadEvent extends EventBase {
  readonly kind: 'CONFIGRELOAD';
}
/** A membership session opens: dynamic member added, or an agent logged in. */
export interface MemberLoginEvent extends EventBase {
  readonly kind: 'ADDMEMBER' | 'AGENTLOGIN' | 'AGENTCALLBACKLOGIN';
  /** `ADDMEMBER|PAUSED`: the member starts paused (with reason `""`). */
  readonly paused: boolean;
}
/** A membership session closes; ends any pause in that session. */
export interface MemberLogoffEvent extends EventBase {
  readonly kind: 'REMOVEMEMBER' | 'AGENTLOGOFF' | 'AGENTCALLBACKLOGOFF';
}
/** Pause state change. `PAUSEALL`/`UNPAUSEALL` apply to every queue of the member. */
export interface PauseEvent extends EventBase {
  readonly kind: 'PAUSE' | 'UNPAUSE' | 'PAUSEALL' | 'UNPAUSEALL';
  /** The pause reason (may be `""`). Only a PAUSE's reason counts; an UNPAUSE's is informational. */
  readonly reason: string;
}
/** A caller joined a queue. */
export interface EnterQueueEvent extends EventBase {
  readonly kind: 'ENTERQUEUE';
  readonly url: string | null;
  readonly callerId: string | null;
  /** Position the caller entered at (1-based). */
  readonly position: number | null;
  /** Caller name, written by some versions as a 4th field (enable_cidname_logging). */
  readonly callerName: string | null;
}
/** A member was rung and did not answer, or the ring was cancelled by the caller hanging up. */
export interface RingAttemptEvent extends EventBase {
  readonly kind: 'RINGNOANSWER' | 'RINGCANCELED';
  /** Ring duration in **milliseconds** (unlike CONNECT's ringtime); `null` when not written. */
  readonly ringTimeMs: number | null;
}
/** The agent dumped the caller (hung up while ringing/announcing); the caller stays queued. */
export interface AgentDumpEvent extends EventBase {
  readonly kind: 'AGENTDUMP';
}
/** The caller was answered by `agent`. */
export interface ConnectEvent extends EventBase {
  readonly kind: 'CONNECT';
  /** Seconds the caller waited in the queue before the answer. */
  readonly holdTime: number | null;
  /** Uniqueid of the member's channel. */
  readonly bridgedChannel: string | null;
  /** Seconds the member's phone rang before answering. */
  readonly ringTime: number | null;
}
/** The caller left the queue unanswered: ABANDON (caller hung up), timeout, key press, or empty queue. */
export interface ExitEvent extends EventBase {
  readonly kind: 'ABANDON' | 'EXITWITHTIMEOUT' | 'EXITWITHKEY' | 'EXITEMPTY';
  /** The key pressed (EXITWITHKEY only). */
  readonly key: string | null;
  readonly position: number | null;
  readonly origPosition: number | null;
  /** Seconds waited; `null` when the line does not carry it (the engine then derives it from epochs). */
  readonly waitTime: number | null;
}
/** An answered call ended: hung up by the agent or the caller, or transferred away. */
export interface CallEndEvent extends EventBase {
  readonly kind:
    'COMPLETEAGENT' | 'COMPLETECALLER' | 'TRANSFER' | 'BLINDTRANSFER' | 'ATTENDEDTRANSFER';
  /** Seconds the caller waited before the answer. */
  readonly holdTime: number | null;
  /** Seconds of talk (answer to end; includes any hold). */
  readonly callTime: number | null;
  readonly origPosition: number | null;
  /** Transfer target `extension@context` (TRANSFER, BLINDTRANSFER) or the attended-transfer method. */
  readonly target: string | null;
}
/** A caller was turned away without joining (JOINEMPTY, JOINUNAVAIL): not offered, counted as rejected. */
export interface JoinRejectedEvent extends EventBase {
  readonly kind: 'JOINEMPTY' | 'JOINUNAVAIL';
}
/** Live-source events a queue_log file cannot express. */
export interface LiveCallEvent extends EventBase {
  /** HOLD/UNHOLD: the agent put the caller on hold / took them off. RINGSTART: the agent's phone starts ringing. */
  readonly kind: 'HOLD' | 'UNHOLD' | 'RINGSTART';
}
/** Known informational verbs that carry no statistics (DID, INFO, PENALTY, RINGINUSE, …). */
export interface InformationalEvent extends EventBase {
  readonly kind: 'INFORMATIONAL';
  readonly verb: string;
  readonly data: readonly string[];
}
/** Any other verb (custom `QueueLog()` dialplan events, PBX-specific ones): counted and ignored. */
export interface UnknownEvent extends EventBase {
  readonly kind: 'UNKNOWN';
  readonly verb: string;
  readonly data: readonly string[];
}

/** The canonical telephony event: a discriminated union on `kind`. */
export type TelephonyEvent =
  | QueueStartEvent
  | ConfigReloadEvent
  | MemberLoginEvent
  | MemberLogoffEvent
  | PauseEvent
  | EnterQueueEvent
  | RingAttemptEvent
  | AgentDumpEvent
  | ConnectEvent
  | ExitEvent
  | CallEndEvent
  | JoinRejectedEvent
  | LiveCallEvent
  | InformationalEvent
  | UnknownEvent;

export type EventKind = TelephonyEvent['kind'];

/** queue_log verbs that are known and informational only (kpi.md "Field counts vary"). */
export const INFORMATIONAL_VERBS: ReadonlySet<string> = new Set([
  'DID',
  'INFO',
  'PENALTY',
  'RINGINUSE',
  'SYSCOMPAT',
  'WITHDRAW',
  'OUTCALL',
]);

/**
 * Processing rank of a verb inside one second (kpi.md "Order and duplicates"): lower first, and
 * lines of the same rank keep their file order. So reordering lines of different kinds inside one
 * second changes nothing.
 */
export function eventRank(event: TelephonyEvent): number {
  switch (event.kind) {
    case 'QUEUESTART':
    case 'CONFIGRELOAD':
      return 1;
    case 'ADDMEMBER':
    case 'AGENTLOGIN':
    case 'AGENTCALLBACKLOGIN':
      return 2;
    case 'PAUSEALL':
    case 'UNPAUSEALL':
      return 3;
    case 'PAUSE':
    case 'UNPAUSE':
      return 4;
    case 'ENTERQUEUE':
      return 5;
    case 'RINGSTART':
    case 'RINGNOANSWER':
    case 'RINGCANCELED':
    case 'AGENTDUMP':
      return 6;
    case 'CONNECT':
    case 'ABANDON':
    case 'EXITWITHTIMEOUT':
    case 'EXITWITHKEY':
    case 'EXITEMPTY':
      return 7;
    case 'COMPLETEAGENT':
    case 'COMPLETECALLER':
    case 'TRANSFER':
    case 'BLINDTRANSFER':
    case 'ATTENDEDTRANSFER':
      return 8;
    case 'REMOVEMEMBER':
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF':
      return 9;
    case 'HOLD':
    case 'UNHOLD':
    case 'JOINEMPTY':
    case 'JOINUNAVAIL':
    case 'INFORMATIONAL':
    case 'UNKNOWN':
      return 10;
  }
}

const RANK_BY_VERB: ReadonlyMap<string, number> = new Map([
  ...['QUEUESTART', 'CONFIGRELOAD'].map((v) => [v, 1] as const),
  ...['ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN'].map((v) => [v, 2] as const),
  ...['PAUSEALL', 'UNPAUSEALL'].map((v) => [v, 3] as const),
  ...['PAUSE', 'UNPAUSE'].map((v) => [v, 4] as const),
  ['ENTERQUEUE', 5] as const,
  ...['RINGSTART', 'RINGNOANSWER', 'RINGCANCELED', 'AGENTDUMP'].map((v) => [v, 6] as const),
  ...['CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY'].map(
    (v) => [v, 7] as const,
  ),
  ...['COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'].map(
    (v) => [v, 8] as const,
  ),
  ...['REMOVEMEMBER', 'AGENTLOGOFF', 'AGENTCALLBACKLOGOFF'].map((v) => [v, 9] as const),
]);

/**
 * {@link eventRank} from the verb alone (a queue_log line's EVENT field), so a line can be put in
 * order before it is fully parsed. Any other verb ranks 10.
 */
export function verbRank(verb: string): number {
  return RANK_BY_VERB.get(verb) ?? 10;
}

/** The verb an event was written with (its `kind`, or the original verb for informational/unknown ones). */
export function eventVerb(event: TelephonyEvent): string {
  return event.kind === 'INFORMATIONAL' || event.kind === 'UNKNOWN' ? event.verb : event.kind;
}
