/**
 * Puts events into processing order and drops exact duplicates (kpi.md "Order and duplicates").
 *
 * Events are released in order of (time, kind rank, arrival): inside one second the kinds follow
 * the rank of {@link eventRank}, lines of the same rank keep their arrival order. Lines may arrive
 * out of order across seconds; the sequencer holds events for a reorder window (seconds) and sorts
 * them. An event older than the newest seen minus the window is *late*: it is still processed (at
 * once) and counted in `late`. An exact duplicate (same key, same second) seen within the window is
 * dropped and counted in `duplicates`.
 */
import { eventRank, type TelephonyEvent } from './events.js';

interface Pending {
  readonly event: TelephonyEvent;
  readonly time: number;
  readonly rank: number;
  readonly seq: number;
}

function before(a: Pending, b: Pending): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.seq < b.seq;
}

/** Orders and de-duplicates a stream of events. Pure: no I/O, no clock. */
export class EventSequencer {
  /** Exact duplicates dropped so far. */
  duplicates = 0;
  /** Events that arrived later than the reorder window allows. */
  late = 0;

  private readonly heap: Pending[] = [];
  private seq = 0;
  private newest = -Infinity;
  /** Duplicate keys by second, kept while the second is inside the window. */
  private readonly keysBySecond = new Map<number, Set<string>>();
  private readonly secondsSeen: number[] = [];
  private secondsHead = 0;

  /**
   * @param windowSeconds reorder window in seconds (kpi.md default 300); 0 still sorts inside a second
   * @param emit receives events in processing order
   */
  constructor(
    private readonly windowSeconds: number,
    private readonly emit: (event: TelephonyEvent) => void,
  ) {}

  /**
   * Adds an event.
   * @param key identity for duplicate detection: two events with equal keys and equal time are
   *   duplicates (for queue_log, the line's fields joined). `null` disables the check for this event.
   * @returns false when the event was dropped as a duplicate
   */
  push(event: TelephonyEvent, key: string | null): boolean {
    const time = event.time;
    if (key !== null && this.isDuplicate(Math.floor(time), key)) {
      this.duplicates++;
      return false;
    }
    if (time < this.newest - this.windowSeconds) this.late++;
    this.insert({ event, time, rank: eventRank(event), seq: this.seq++ });
    if (time > this.newest) {
      this.newest = time;
      this.release(this.newest - this.windowSeconds);
      this.forgetKeys(this.newest - this.windowSeconds);
    } else if (time < this.newest - this.windowSeconds) {
      this.release(this.newest - this.windowSeconds);
    }
    return true;
  }

  /**
   * Releases every event older than `time` (epoch s), e.g. when a live source knows no earlier
   * line can still come. Events at or after `time` stay held.
   */
  releaseBefore(time: number): void {
    this.release(time);
  }

  /** Releases everything held (end of input). */
  flush(): void {
    while (this.heap.length > 0) this.emit(this.pop().event);
  }

  /** Number of events currently held. */
  get pending(): number {
    return this.heap.length;
  }

  private release(limit: number): void {
    while (this.heap.length > 0 && this.heap[0]!.time < limit) this.emit(this.pop().event);
  }

  private isDuplicate(second: number, key: string): boolean {
    let keys = this.keysBySecond.get(second);
    if (keys === undefined) {
      keys = new Set();
      this.keysBySecond.set(second, keys);
      this.secondsSeen.push(second);
    } else if (keys.has(key)) {
      return true;
    }
    keys.add(key);
    return false;
  }

  private forgetKeys(limit: number): void {
    // Seconds arrive mostly in order; forget those well behind the window.
    while (this.secondsHead < this.secondsSeen.length) {
      const second = this.secondsSeen[this.secondsHead]!;
      if (second >= limit - 1) break;
      this.keysBySecond.delete(second);
      this.secondsHead++;
    }
    if (this.secondsHead > 4096 && this.secondsHead * 2 > this.secondsSeen.length) {
      this.secondsSeen.splice(0, this.secondsHead);
      this.secondsHead = 0;
    }
  }

  private insert(item: Pending): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  private pop(): Pending {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
