import { describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../telephony/events.js';
import { liveOnlyEvents } from './live-only.js';

describe('liveOnlyEvents', () => {
  it('keeps only HOLD, UNHOLD and RINGSTART', () => {
    const base = { time: 1, callId: 'c', queue: 'q', agent: 'a' };
    const batch: TelephonyEvent[] = [
      { ...base, kind: 'RINGSTART' },
      { ...base, kind: 'CONNECT', holdTime: 1, bridgedChannel: null, ringTime: 1 },
      { ...base, kind: 'HOLD' },
      { ...base, kind: 'PAUSE', reason: 'x' },
      { ...base, kind: 'UNHOLD', time: 2 },
    ];
    expect(liveOnlyEvents(batch).map((e) => `${e.kind}@${e.time}`)).toEqual([
      'RINGSTART@1',
      'HOLD@1',
      'UNHOLD@2',
    ]);
  });
});
