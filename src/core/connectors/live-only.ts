/**
 * Running a live connector (AMI, FreeSWITCH) next to a queue_log source without counting a call
 * twice.
 *
 * Both sources describe the same calls and the same pauses; queue_log is the complete,
 * resumable record (it has a checkpoint, AMI does not, and AMI cannot tell an exit by timeout
 * from an abandon). So when both are on, queue_log supplies the call and membership records and
 * the live source only contributes what queue_log cannot express: HOLD, UNHOLD, RINGSTART.
 */
import type { EventKind, TelephonyEvent } from '../telephony/events.js';

/** Kinds a live source contributes when a queue_log source is also on. */
export const LIVE_ONLY_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'HOLD',
  'UNHOLD',
  'RINGSTART',
]);

/**
 * Keeps the events of a live source that queue_log cannot express.
 * @param events a batch from an AMI or FreeSWITCH source
 * @returns the HOLD / UNHOLD / RINGSTART events, in order
 */
export function liveOnlyEvents(events: readonly TelephonyEvent[]): TelephonyEvent[] {
  return events.filter((e) => LIVE_ONLY_KINDS.has(e.kind));
}
