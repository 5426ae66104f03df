/**
 * Live queue-membership state shared by the live connectors (AMI, FreeSWITCH), and the canonical
 * events that express each change of it.
 *
 * Live protocols report membership as *state* (e.g. AMI `QueueMemberStatus … Paused: 1`, a
 * `QueueStatus` snapshot, FreeSWITCH `agent list`), often repeating an unchanged state. The engines
 * want *transitions* (`ADDMEMBER`, `PAUSE`, …, docs.asterisk.org "Queue Logs"). This table turns
 * observations into transitions and emits nothing when nothing changed, so a repeated status
 * or a state rebuild after a reconnect never produces a duplicate event.
 */
import type { TelephonyEvent } from '../telephony/events.js';

/** One member of one queue, as last observed. */
export interface LiveMember {
  readonly queue: string;
  /** Member name as the PBX writes it in queue_log's agent field (e.g. `Agent/220`, `1000@default`). */
  readonly agent: string;
  /** Paused (Asterisk) / On Break (FreeSWITCH). */
  readonly paused: boolean;
  /** Pause reason; `""` when none or not paused. */
  readonly reason: string;
}

/** An observation of one member. */
export interface MemberObservation {
  readonly queue: string;
  readonly agent: string;
  /** `false`: the member is not (or no longer) in the queue. */
  readonly present: boolean;
  /** Paused flag; `undefined` keeps the known value (or `false` for a new member). */
  readonly paused?: boolean | undefined;
  /** Pause reason; `undefined` keeps the known one. */
  readonly reason?: string | undefined;
}

/** Membership state keyed by (queue, agent). */
export class MemberTable {
  private readonly members = new Map<string, LiveMember>();

  private static key(queue: string, agent: string): string {
    return `${queue}\u0000${agent}`;
  }

  /** The member, or `undefined` when not known to be in the queue. */
  get(queue: string, agent: string): LiveMember | undefined {
    return this.members.get(MemberTable.key(queue, agent));
  }

  /** Every known member, sorted by queue then agent. */
  list(): LiveMember[] {
    return [...this.members.values()].sort(
      (a, b) => a.queue.localeCompare(b.queue) || a.agent.localeCompare(b.agent),
    );
  }

  /** Known members of one queue. */
  ofQueue(queue: string): LiveMember[] {
    return this.list().filter((m) => m.queue === queue);
  }

  /**
   * Applies an observation at `time` (epoch seconds) and returns the canonical events for the
   * change: unknown → present gives `ADDMEMBER` (with `paused`) and, when paused with a reason, a
   * `PAUSE` carrying the reason; a paused-flag change gives `PAUSE`/`UNPAUSE`; a new reason while
   * paused gives `PAUSE`; present → absent gives `REMOVEMEMBER`. No change gives `[]`.
   */
  observe(time: number, obs: MemberObservation): TelephonyEvent[] {
    const key = MemberTable.key(obs.queue, obs.agent);
    const known = this.members.get(key);
    const base = { time, callId: null, queue: obs.queue, agent: obs.agent };
    if (!obs.present) {
      if (!known) return [];
      this.members.delete(key);
      return [{ ...base, kind: 'REMOVEMEMBER' }];
    }
    if (!known) {
      const paused = obs.paused ?? false;
      const reason = paused ? (obs.reason ?? '') : '';
      this.members.set(key, { queue: obs.queue, agent: obs.agent, paused, reason });
      const events: TelephonyEvent[] = [{ ...base, kind: 'ADDMEMBER', paused }];
      if (paused && reason !== '') events.push({ ...base, kind: 'PAUSE', reason });
      return events;
    }
    const paused = obs.paused ?? known.paused;
    const reason = paused ? (obs.reason ?? known.reason) : '';
    if (paused === known.paused && reason === known.reason) return [];
    this.members.set(key, { ...known, paused, reason });
    if (!paused) return [{ ...base, kind: 'UNPAUSE', reason: obs.reason ?? '' }];
    return [{ ...base, kind: 'PAUSE', reason }];
  }
}

/**
 * A bounded set that forgets its oldest entries beyond `capacity` (insertion order). Used to
 * remember which calls were already delivered, so a state rebuild never re-emits them.
 */
export class BoundedSet {
  private readonly items = new Set<string>();
  /** @param capacity maximum number of remembered keys (≥ 1) */
  constructor(private readonly capacity: number) {}
  /** Whether `key` is remembered. */
  has(key: string): boolean {
    return this.items.has(key);
  }
  /** Remembers `key` (as the newest), forgetting the oldest beyond the capacity. */
  add(key: string): void {
    this.items.delete(key);
    this.items.add(key);
    if (this.items.size > this.capacity) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }
  /** Number of remembered keys. */
  get size(): number {
    return this.items.size;
  }
}

/** Parses a decimal number field; `null` for absent, empty or non-numeric text. */
export function numberOrNull(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Caller-ID text, with the PBX placeholders for "no caller ID" turned into `null`. */
export function callerIdOrNull(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const t = text.trim();
  return t === '' || t === '<unknown>' || t === 'unknown' ? null : t;
}
