/**
 * What call and agent reconstruction produces, and what every report is computed from.
 *
 * Reconstruction (`reconstruction.ts`) turns the event stream into closed records; aggregation
 * (`aggregate.ts`) turns records into KPIs. The CLI feeds records straight to the aggregator; the
 * server stores them and feeds the same aggregator from the database, so both give the same figures
 * by construction. All instants are epoch **seconds**; all durations are **seconds**.
 */

/**
 * A queue-call's outcome (kpi.md "Queue-call"): its terminal event, or `lost` when a restart
 * (QUEUESTART) came while it waited, or `waiting` when the input ended first.
 */
export type QueueCallOutcome =
  'answered' | 'abandoned' | 'timedOut' | 'exitedWithKey' | 'exitedEmpty' | 'lost' | 'waiting';

/** A ring attempt on a queue-call (RINGNOANSWER or RINGCANCELED). */
export interface RingAttempt {
  /** The member rung (after the alias map). */
  readonly agent: string;
  /** Epoch seconds of the attempt's line. */
  readonly time: number;
  /** Ring duration in milliseconds; `null` when the line did not carry it. */
  readonly ringTimeMs: number | null;
  /** RINGCANCELED: the caller's doing, not a miss for the agent. */
  readonly canceled: boolean;
}

/** One `(callid, queue)` stint, closed. */
export interface QueueCallRecord {
  readonly callId: string;
  readonly queue: string;
  /** Epoch s the queue-call is attributed to: its ENTERQUEUE, else its first event (kpi.md). */
  readonly attributedAt: number;
  /** Epoch s of ENTERQUEUE; `null` when the input started after it. */
  readonly enteredAt: number | null;
  readonly outcome: QueueCallOutcome;
  /**
   * Seconds waited in this queue: CONNECT holdtime when answered, the exit line's waittime when it
   * left unanswered (derived from epochs when the line lacks it), restart − entry when lost, end of
   * input − entry while still waiting. `null` when unknown.
   */
  readonly wait: number | null;
  /** The agent who answered, or the agent named on an ABANDON line; after the alias map. */
  readonly agent: string | null;
  /** Epoch s of CONNECT (answered calls). */
  readonly connectedAt: number | null;
  /** Epoch s the call ended (answered calls whose end is in the input, or a restart). */
  readonly endedAt: number | null;
  /** Talk seconds (the COMPLETE/transfer calltime, or end − connect); `null` when the end is not in the input. */
  readonly talk: number | null;
  /** Wrap-up (ACW) seconds after the call (0 unless a wrap-up time is configured). */
  readonly wrapUp: number;
  /** Answered and ended by TRANSFER, BLINDTRANSFER or ATTENDEDTRANSFER. */
  readonly transferred: boolean;
  /** The key pressed on EXITWITHKEY. */
  readonly exitKey: string | null;
  readonly callerId: string | null;
  /** First stint of this callid (for `uniqueCalls`): false for the 2nd+ queue of a multi-stint call. */
  readonly firstStint: boolean;
  /** Ring attempts made on this queue-call. */
  readonly rings: readonly RingAttempt[];
}

/** An agent-level state segment: logged in (union over queues) or paused (union over queues, one reason). */
export interface AgentSegment {
  /** The person (after the alias map). */
  readonly agent: string;
  readonly kind: 'loggedIn' | 'paused';
  /** Pause reason (`""` when none); `null` for `loggedIn`. */
  readonly reason: string | null;
  /** Epoch s. */
  readonly start: number;
  /** Epoch s; `end > start` always (zero-length segments are not emitted). */
  readonly end: number;
}

/** A caller turned away (JOINEMPTY / JOINUNAVAIL): not offered, counted in `rejected`. */
export interface RejectedJoin {
  readonly queue: string;
  /** Epoch s. */
  readonly time: number;
  readonly callId: string | null;
}

/** Receives records as reconstruction closes them. */
export interface RecordSink {
  queueCall(record: QueueCallRecord): void;
  agentSegment(segment: AgentSegment): void;
  rejected(join: RejectedJoin): void;
  /** An agent name was seen in an agent field (after mapping). Called once per name. */
  agentSeen(agent: string): void;
  /** An agent had at least one session event (so `loggedIn` is known, not `null`). Once per name. */
  agentHasSessions(agent: string): void;
}
