import { describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../telephony/events.js';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import { HoldTracker, holdsFromCallStart, MAX_OPEN_HOLDS } from './holds.js';

const T = 1_700_000_000;

function ev(line: string): TelephonyEvent {
  const parsed = parseQueueLogLine(line);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('HoldTracker', () => {
  it('turns HOLD … UNHOLD into an interval of the caller’s call', () => {
    const tracker = new HoldTracker();
    expect(tracker.apply(ev(`${T + 8}|c1|support|Alice|CONNECT|8|c2|6`))).toBeNull();
    expect(tracker.apply(ev(`${T + 20}|c1|support|Alice|HOLD|`))).toBeNull();
    // A repeated HOLD keeps the first start.
    expect(tracker.apply(ev(`${T + 22}|c1|support|Alice|HOLD|`))).toBeNull();
    expect(tracker.apply(ev(`${T + 30}|c1|support|Alice|UNHOLD|`))).toEqual({
      callId: 'c1',
      agent: 'Alice',
      start: T + 20,
      end: T + 30,
    });
    // An UNHOLD with no open hold (its HOLD came before the source was connected) is ignored.
    expect(tracker.apply(ev(`${T + 40}|c1|support|Alice|UNHOLD|`))).toBeNull();
  });

  it('closes a hold still open when the call ends (caller hung up on hold)', () => {
    const tracker = new HoldTracker();
    tracker.apply(ev(`${T + 50}|c3|support|Bob|HOLD|`));
    expect(tracker.apply(ev(`${T + 68}|c3|support|Bob|COMPLETECALLER|8|60|1`))).toEqual({
      callId: 'c3',
      agent: 'Bob',
      start: T + 50,
      end: T + 68,
    });
  });

  it('survives a snapshot and bounds the open holds', () => {
    const tracker = new HoldTracker();
    tracker.apply(ev(`${T + 20}|c1|support|Alice|HOLD|`));
    const restored = new HoldTracker(tracker.snapshot());
    expect(restored.apply(ev(`${T + 25}|c1|support|Alice|UNHOLD|`))).toEqual({
      callId: 'c1',
      agent: 'Alice',
      start: T + 20,
      end: T + 25,
    });
    const many = new HoldTracker();
    for (let i = 0; i <= MAX_OPEN_HOLDS; i++) many.apply(ev(`${T + i}|k${i}|q|A|HOLD|`));
    expect(many.snapshot()).toHaveLength(MAX_OPEN_HOLDS);
    expect(many.apply(ev(`${T + 99_999}|k0|q|A|UNHOLD|`))).toBeNull(); // the oldest was dropped
  });

  it('gives QA the holds in seconds from the call start', () => {
    expect(
      holdsFromCallStart(
        [
          { callId: 'c1', agent: 'A', start: T + 40, end: T + 45 },
          { callId: 'c1', agent: 'A', start: T + 20, end: T + 30 },
        ],
        T + 8,
      ),
    ).toEqual([
      { start: 12, end: 22 },
      { start: 32, end: 37 },
    ]);
  });
});
