import { describe, expect, it } from 'vitest';
import { sourceStatus } from './sources.js';
import type { SourceHealth } from './types.js';

const T0 = 1_767_225_600_000;
const ami = (over: Partial<SourceHealth> = {}): SourceHealth => ({
  kind: 'ami',
  name: 'pbx:5038',
  ok: true,
  lastEventAt: T0,
  lagSeconds: 0.2,
  error: null,
  ...over,
});

describe('sourceStatus', () => {
  it('is ok until 300 s without an event, then quiet; down when not connected', () => {
    expect(sourceStatus(ami(), T0 + 299_999)).toBe('ok');
    expect(sourceStatus(ami(), T0 + 300_000)).toBe('quiet');
    expect(sourceStatus(ami({ lastEventAt: null }), T0)).toBe('quiet');
    expect(sourceStatus(ami({ ok: false, error: 'connection refused' }), T0)).toBe('down');
  });
});
