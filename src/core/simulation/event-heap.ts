/**
 * A binary min-heap of timed simulation events, ordered by time, then by insertion order — so two
 * events of the same second are processed in the order they were scheduled, which keeps the
 * simulator deterministic.
 */

/** An entry of the heap: `time` in epoch seconds (integer), `seq` assigned on push. */
export interface Timed {
  readonly time: number;
  seq: number;
}

/** Min-heap on (`time`, `seq`). */
export class EventHeap<T extends Timed> {
  private readonly items: T[] = [];
  private counter = 0;

  /** Number of queued events. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest event, or `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an event (its `seq` is overwritten with the insertion counter). */
  push(item: T): void {
    item.seq = this.counter++;
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the earliest event, or `undefined` when empty. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && before(items[r] as T, items[l] as T)) child = r;
      const c = items[child] as T;
      if (!before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
