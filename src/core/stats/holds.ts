/**
 * Hold intervals of calls, from the HOLD / UNHOLD events of live sources (AMI `Hold`/`Unhold`,
 * FreeSWITCH `CHANNEL_HOLD`/`CHANNEL_UNHOLD`; a queue_log file has none). They are stored with the
 * call records (`call_hold`) and handed to QA (E11 wait request before a hold, E12 thanks after,
 * `TelephonyHold` in `src/core/qa/types.ts`).
 *
 * Rules:
 * - HOLD opens a hold of the call (`callId` = the caller's uniqueid); a second HOLD while one is
 *   open keeps the first start.
 * - UNHOLD closes it. An UNHOLD with no open hold is ignored (its HOLD came before the source was
 *   connected; its start is unknown).
 * - The end of the call (COMPLETEAGENT, COMPLETECALLER, TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER,
 *   ABANDON, EXITWITH*, …) closes a hold still open at that time (the caller hung up on hold).
 * - At most {@link MAX_OPEN_HOLDS} holds stay open (a call whose end never arrives): the oldest is
 *   dropped beyond that.
 */
import type { TelephonyEvent } from '../telephony/events.js';

/** A closed hold of a call. Times are epoch seconds. */
export interface CallHold {
  /** The caller's uniqueid (the call id of the call records). */
  readonly callId: string;
  /** The agent who put the caller on hold, when known. */
  readonly agent: string | null;
  /** Epoch s the hold started. */
  readonly start: number;
  /** Epoch s it ended (UNHOLD or end of the call); `end ≥ start`. */
  readonly end: number;
}

/** An open hold (snapshot form): `[callId, agent, start]`. */
export type OpenHold = readonly [string, string | null, number];

/** Open holds kept at most (the oldest is dropped beyond). */
export const MAX_OPEN_HOLDS = 10_000;

const CALL_END_KINDS: ReadonlySet<TelephonyEvent['kind']> = new Set<TelephonyEvent['kind']>([
  'COMPLETEAGENT',
  'COMPLETECALLER',
  'TRANSFER',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITWITHKEY',
  'EXITEMPTY',
]);

/** Builds hold intervals from an event stream in time order (see the module doc). */
export class HoldTracker {
  private readonly open = new Map<string, { agent: string | null; start: number }>();

  /**
   * @param restored open holds from {@link snapshot}
   */
  constructor(restored: readonly OpenHold[] = []) {
    for (const [callId, agent, start] of restored) this.open.set(callId, { agent, start });
  }

  /**
   * Applies one event.
   * @returns the hold it closed, or `null`
   */
  apply(event: TelephonyEvent): CallHold | null {
    const callId = event.callId;
    if (callId === null) return null;
    if (event.kind === 'HOLD') {
      if (!this.open.has(callId)) {
        this.open.set(callId, { agent: event.agent, start: event.time });
        if (this.open.size > MAX_OPEN_HOLDS) {
          const oldest = this.open.keys().next().value;
          if (oldest !== undefined) this.open.delete(oldest);
        }
      }
      return null;
    }
    if (event.kind === 'UNHOLD' || CALL_END_KINDS.has(event.kind)) {
      const hold = this.open.get(callId);
      if (hold === undefined) return null;
      this.open.delete(callId);
      return {
        callId,
        agent: hold.agent ?? event.agent,
        start: hold.start,
        end: Math.max(hold.start, event.time),
      };
    }
    return null;
  }

  /** The open holds, for the engine snapshot. */
  snapshot(): OpenHold[] {
    return [...this.open].map(([callId, h]) => [callId, h.agent, h.start] as const);
  }
}

/**
 * A call's holds as QA reads them: seconds from the call's start, clipped at 0, in start order.
 * @param holds the call's holds (epoch s)
 * @param callStart epoch s of the call's start (e.g. the answer time of the recording)
 */
export function holdsFromCallStart(
  holds: readonly CallHold[],
  callStart: number,
): { start: number; end: number }[] {
  return [...holds]
    .sort((a, b) => a.start - b.start)
    .map((h) => ({ start: Math.max(0, h.start - callStart), end: Math.max(0, h.end - callStart) }));
}
