import { describe, expect, it } from 'vitest';
import { createRandom } from './prng.js';

describe('createRandom (sfc32 seeded by splitmix32)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const c = createRandom(124);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('next() is in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = createRandom(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      sum += x;
      sq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const mean = sum / n;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('int() covers both bounds, exponential() has the mean, weighted() the proportions', () => {
    const r = createRandom(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += r.exponential(120);
    expect(sum / 100_000).toBeGreaterThan(118);
    expect(sum / 100_000).toBeLessThan(122);
    expect(r.exponential(0)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[r.weighted([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 100_000).toBeCloseTo(0.75, 2);
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => createRandom(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
