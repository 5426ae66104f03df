import { describe, expect, it } from 'vitest';
import { wallboardColumns } from './wallboard-page.js';

describe('wallboardColumns', () => {
  it('puts up to 4 queues in one row, then two rows, at most 6 columns', () => {
    expect([0, 1, 2, 3, 4].map(wallboardColumns)).toEqual([1, 1, 2, 3, 4]);
    expect([5, 6, 7, 8, 12, 20].map(wallboardColumns)).toEqual([3, 3, 4, 4, 6, 6]);
  });
});
