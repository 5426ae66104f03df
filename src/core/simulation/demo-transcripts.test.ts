import { describe, expect, it } from 'vitest';
import { DEMO_TRANSCRIPT_SCRIPTS, demoTranscripts } from './demo-transcripts.js';

const CALLS = Array.from({ length: 40 }, (_, i) => ({ callId: `c${i}`, talk: 30 + i * 5 }));

describe('demo transcripts', () => {
  it('links every script to a distinct call at least as long as it, the same for the same seed', () => {
    const first = demoTranscripts(CALLS, 1);
    expect(first.map((t) => t.id)).toEqual(
      DEMO_TRANSCRIPT_SCRIPTS.map((_, i) => `demo-qa-${i + 1}`),
    );
    expect(new Set(first.map((t) => t.callId)).size).toBe(first.length);
    for (const t of first) {
      const call = CALLS.find((c) => c.callId === t.callId)!;
      const end = Math.max(...t.turns.map((x) => x.end), ...t.holds.map((h) => h.end));
      expect(call.talk).toBeGreaterThanOrEqual(end);
    }
    expect(demoTranscripts(CALLS, 1)).toEqual(first);
    expect(demoTranscripts(CALLS, 2).map((t) => t.callId)).not.toEqual(first.map((t) => t.callId));
  });

  it('times turns from the text and holds as scripted (the first script by hand)', () => {
    const [first] = demoTranscripts(CALLS, 1);
    // 您好，歡迎致電客服中心，敝姓陳，請問有什麼可以幫您？ = 22 Han characters → 8 s.
    expect(first!.turns[0]).toEqual({
      speaker: 'agent',
      text: '您好，歡迎致電客服中心，敝姓陳，請問有什麼可以幫您？',
      start: 0,
      end: 8,
    });
    // Five turns before the hold: 22, 17, 16, 15 and 12 Han characters → 8 + 6 + 6 + 5 + 4 s of
    // speech and a second after each; the scripted hold lasts 40 s.
    expect(first!.holds).toEqual([{ start: 34, end: 74 }]);
  });

  it('skips a script when no unused call is long enough', () => {
    const short = demoTranscripts([{ callId: 'x', talk: 36 }], 1);
    // Only the second script (35 s) fits in 36 s.
    expect(short.map((t) => [t.id, t.callId])).toEqual([['demo-qa-2', 'x']]);
    expect(demoTranscripts([], 1)).toEqual([]);
  });
});
