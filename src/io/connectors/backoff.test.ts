import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the first delay up to the cap, and restarts after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('jitter takes away up to the given fraction', () => {
    const low = new Backoff({ initialMs: 1_000, maxMs: 1_000, jitter: 0.5 }, () => 0.999999);
    const high = new Backoff({ initialMs: 1_000, maxMs: 1_000, jitter: 0.5 }, () => 0);
    expect(low.next()).toBe(500);
    expect(high.next()).toBe(1_000);
  });
});
