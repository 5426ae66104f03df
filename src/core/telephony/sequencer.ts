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

/** Slots of a new {@link Reorderer}'s ring (a power of two; it doubles when full). */
const INITIAL_SLOTS = 1024;

/**
 * Orders and de-duplicates a stream of items that carry a time and a kind rank (events, or raw
 * lines whose time and verb were read ahead of a full parse). Pure: no I/O, no clock.
 *
 * Holding raw lines rather than parsed events keeps the reorder window cheap: one string per held
 * line instead of an event object graph that would outlive the young generation.
 */
export class Reorderer<T> {
  /** Exact duplicates dropped so far. */
  duplicates = 0;
  /** Events that arrived later than the reorder window allows. */
  late = 0;

  /**
   * Held events sorted by (time, rank, arrival): a ring of `mask + 1` slots (a power of two) whose
   * `count` held ones start at slot `head`. Input is nearly sorted, so an insertion is an append
   * or a short move near the end, and nothing is allocated per event.
   */
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL_SLOTS);
  private times = new Float64Array(INITIAL_SLOTS);
  private ranks = new Int32Array(INITIAL_SLOTS);
  private tags = new Float64Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private head = 0;
  private count = 0;
  private newest = -Infinity;
  /** Duplicate keys by second, kept while the second is inside the window. */
  private readonly keysBySecond = new Map<number, string[] | Set<string>>();
  private readonly secondsSeen: number[] = [];
  /** The second looked up last and its keys (lines come in runs of one second). */
  private lastSecond = NaN;
  private lastKeys: string[] | Set<string> | undefined = undefined;
  private secondsHead = 0;

  /**
   * @param windowSeconds reorder window in seconds (kpi.md default 300); 0 still sorts inside a second
   * @param emit receives events in processing order
   */
  constructor(
    private readonly windowSeconds: number,
    private readonly emit: (item: T, tag: number) => void,
  ) {}

  /**
   * Adds an item.
   * @param time epoch seconds
   * @param rank kind rank inside one second ({@link eventRank}, {@link verbRank})
   * @param key identity for duplicate detection: two items with equal keys and equal time are
   *   duplicates (for queue_log, the line). `null` disables the check for this item.
   * @param tag a number handed back with the item on release (e.g. where it came from)
   * @returns false when the item was dropped as a duplicate
   */
  add(item: T, time: number, rank: number, key: string | null, tag = 0): boolean {
    if (key !== null && this.isDuplicate(Math.floor(time), key)) {
      this.duplicates++;
      return false;
    }
    if (time < this.newest - this.windowSeconds) this.late++;
    this.insert(item, time, rank, tag);
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
    this.release(Infinity);
  }

  /** Number of events currently held. */
  get pending(): number {
    return this.count;
  }

  private insert(item: T, time: number, rank: number, tag: number): void {
    if (this.count === this.mask + 1) this.grow();
    const { items, times, ranks, tags, mask, head } = this;
    // Walk back over held events that sort after this one (later time, or same time and higher
    // rank), moving each up one slot.
    let k = this.count;
    for (; k > 0; k--) {
      const from = (head + k - 1) & mask;
      if (times[from]! < time || (times[from] === time && ranks[from]! <= rank)) break;
      const to = (head + k) & mask;
      items[to] = items[from];
      times[to] = times[from]!;
      ranks[to] = ranks[from]!;
      tags[to] = tags[from]!;
    }
    const at = (head + k) & mask;
    items[at] = item;
    times[at] = time;
    ranks[at] = rank;
    tags[at] = tag;
    this.count++;
  }

  private release(limit: number): void {
    const { items, times, tags, mask } = this;
    while (this.count > 0 && times[this.head]! < limit) {
      const at = this.head;
      const item = items[at] as T;
      items[at] = undefined;
      this.head = (at + 1) & mask;
      this.count--;
      this.emit(item, tags[at]!);
    }
  }

  /** Doubles the ring, the held events moved to slots 0 … count − 1 in order. */
  private grow(): void {
    const size = 2 * (this.mask + 1);
    const items = new Array<T | undefined>(size);
    const times = new Float64Array(size);
    const ranks = new Int32Array(size);
    const tags = new Float64Array(size);
    for (let k = 0; k < this.count; k++) {
      const from = (this.head + k) & this.mask;
      items[k] = this.items[from];
      times[k] = this.times[from]!;
      ranks[k] = this.ranks[from]!;
      tags[k] = this.tags[from]!;
    }
    this.items = items;
    this.times = times;
    this.ranks = ranks;
    this.tags = tags;
    this.mask = size - 1;
    this.head = 0;
  }

  private isDuplicate(second: number, key: string): boolean {
    const keys = second === this.lastSecond ? this.lastKeys : this.keysBySecond.get(second);
    if (keys === undefined) {
      const created = [key];
      this.keysBySecond.set(second, created);
      this.secondsSeen.push(second);
      this.lastSecond = second;
      this.lastKeys = created;
      return false;
    }
    this.lastSecond = second;
    this.lastKeys = keys;
    if (Array.isArray(keys)) {
      // A second's lines are usually few: comparing them beats hashing every line.
      for (const k of keys) if (k === key) return true;
      keys.push(key);
      if (keys.length > 32) {
        const set = new Set(keys);
        this.keysBySecond.set(second, set);
        this.lastKeys = set;
      }
      return false;
    }
    if (keys.has(key)) return true;
    keys.add(key);
    return false;
  }

  private forgetKeys(limit: number): void {
    // Seconds arrive mostly in order; forget those well behind the window.
    while (this.secondsHead < this.secondsSeen.length) {
      const second = this.secondsSeen[this.secondsHead]!;
      if (second >= limit - 1) break;
      this.keysBySecond.delete(second);
      if (second === this.lastSecond) this.lastSecond = NaN;
      this.secondsHead++;
    }
    if (this.secondsHead > 4096 && this.secondsHead * 2 > this.secondsSeen.length) {
      this.secondsSeen.splice(0, this.secondsHead);
      this.secondsHead = 0;
    }
  }
}

/** A {@link Reorderer} of canonical events (time and rank taken from the event). */
export class EventSequencer extends Reorderer<TelephonyEvent> {
  /**
   * Adds an event.
   * @param key identity for duplicate detection (see {@link Reorderer.add}); `null` disables it
   * @returns false when the event was dropped as a duplicate
   */
  push(event: TelephonyEvent, key: string | null): boolean {
    return this.add(event, event.time, eventRank(event), key);
  }
}
