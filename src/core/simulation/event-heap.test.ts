import { describe, expect, it } from 'vitest';
import { EventHeap } from './event-heap.js';
import { createRandom } from './prng.js';

describe('EventHeap', () => {
  it('pops by time, then by insertion order within the same time', () => {
    const heap = new EventHeap<{ time: number; seq: number; id: string }>();
    heap.push({ time: 5, seq: 0, id: 'a' });
    heap.push({ time: 3, seq: 0, id: 'b' });
    heap.push({ time: 5, seq: 0, id: 'c' });
    heap.push({ time: 3, seq: 0, id: 'd' });
    heap.push({ time: 1, seq: 0, id: 'e' });
    const out: string[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.id);
    expect(out).toEqual(['e', 'b', 'd', 'a', 'c']);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('agrees with a stable sort on random input', () => {
    const r = createRandom(9);
    const heap = new EventHeap<{ time: number; seq: number; id: number }>();
    const items = Array.from({ length: 2000 }, (_, id) => ({ time: r.int(0, 50), seq: 0, id }));
    for (const item of items) heap.push(item);
    const expected = [...items].sort((a, b) => a.time - b.time || a.id - b.id).map((x) => x.id);
    const out: number[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.id);
    expect(out).toEqual(expected);
  });
});
