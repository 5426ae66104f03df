import { describe, expect, it } from 'vitest';
import { agent, T0 } from './fixtures.js';
import {
  agentTone,
  countTones,
  DEFAULT_PAUSE_THRESHOLD_SECONDS,
  formatReasonThresholds,
  parseReasonThresholds,
  serviceLevelTone,
  thresholdFor,
  type ThresholdSettings,
} from './thresholds.js';

const settings: ThresholdSettings = {
  pauseThresholdSeconds: 600,
  reasonThresholds: { Lunch: 3600 },
};

describe('R12 absence threshold', () => {
  it('defaults to 10 minutes', () => {
    expect(DEFAULT_PAUSE_THRESHOLD_SECONDS).toBe(600);
  });

  it('a pause turns red at 10:00, not at 9:59', () => {
    const a = agent({ agent: 'x', state: 'paused', reason: 'Toilet', since: T0 });
    expect(agentTone(a, T0 + 599_999, settings)).toBe('paused');
    expect(agentTone(a, T0 + 600_000, settings)).toBe('over');
  });

  it('a paused agent with no reason uses the default threshold', () => {
    const a = agent({ agent: 'x', state: 'paused', reason: '', since: T0 });
    expect(agentTone(a, T0 + 600_000, settings)).toBe('over');
  });

  it('a reason with its own allowance (case-insensitive) uses it', () => {
    expect(thresholdFor('lunch', settings)).toBe(3600);
    expect(thresholdFor(' LUNCH ', settings)).toBe(3600);
    expect(thresholdFor('Break', settings)).toBe(600);
    expect(thresholdFor(null, settings)).toBe(600);
    const a = agent({ agent: 'x', state: 'paused', reason: 'Lunch', since: T0 });
    expect(agentTone(a, T0 + 1800_000, settings)).toBe('paused');
    expect(agentTone(a, T0 + 3600_000, settings)).toBe('over');
  });

  it('other states keep their own tone however long they last', () => {
    for (const state of ['available', 'ringing', 'on_call', 'wrap_up', 'logged_out'] as const) {
      expect(agentTone(agent({ agent: 'x', state, since: T0 }), T0 + 7200_000, settings)).toBe(
        state,
      );
    }
  });

  it('counts each agent once per tone', () => {
    const agents = [
      agent({ agent: 'a', state: 'paused', reason: 'Break', since: T0 - 700_000 }),
      agent({ agent: 'b', state: 'paused', reason: 'Break', since: T0 - 100_000 }),
      agent({ agent: 'c', state: 'on_call' }),
      agent({ agent: 'd', state: 'available' }),
      agent({ agent: 'e', state: 'available' }),
    ];
    expect(countTones(agents, T0, settings)).toEqual({
      available: 2,
      ringing: 0,
      on_call: 1,
      wrap_up: 0,
      paused: 1,
      over: 1,
      logged_out: 0,
    });
  });
});

describe('serviceLevelTone', () => {
  it('is good at or above target, warn within 10 points, bad below, none when unknown', () => {
    expect(serviceLevelTone(0.8, 0.8)).toBe('good');
    expect(serviceLevelTone(0.95, 0.8)).toBe('good');
    expect(serviceLevelTone(0.75, 0.8)).toBe('warn');
    expect(serviceLevelTone(0.69, 0.8)).toBe('bad');
    expect(serviceLevelTone(null, 0.8)).toBe('none');
  });
});

describe('per-reason allowances text', () => {
  it('parses "reason = minutes" lines into seconds', () => {
    expect(parseReasonThresholds('Lunch = 60\n\n用餐: 45\nTraining=30.5')).toEqual({
      Lunch: 3600,
      用餐: 2700,
      Training: 1830,
    });
  });
  it('names the bad line', () => {
    expect(() => parseReasonThresholds('Lunch = 60\nBreak = soon')).toThrow(/line 2/);
    expect(() => parseReasonThresholds('= 5')).toThrow(/line 1/);
    expect(() => parseReasonThresholds('Lunch = 0')).toThrow(/line 1/);
  });
  it('round-trips', () => {
    const text = formatReasonThresholds({ Lunch: 3600, Meeting: 1800 });
    expect(text).toBe('Lunch = 60\nMeeting = 30');
    expect(parseReasonThresholds(text)).toEqual({ Lunch: 3600, Meeting: 1800 });
  });
});
