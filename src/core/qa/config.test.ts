import { describe, expect, it } from 'vitest';
import { compileQaConfig, parseQaConfig, QaConfigError } from './config.js';
import { scoreTranscript } from './engine.js';
import { callFromLines, runCheck } from './testing.js';

function keyOf(config: unknown): string {
  try {
    parseQaConfig(config);
  } catch (error) {
    if (error instanceof QaConfigError) return error.key;
    throw error;
  }
  return '(valid)';
}

describe('QA config', () => {
  it('fills in defaults', () => {
    const c = parseQaConfig({});
    expect(c.holdGapSeconds).toBe(10);
    expect(compileQaConfig({}).checkOptions.E04).toEqual({
      weight: 1,
      critical: false,
      maxCharsPerMinute: 260,
      maxWordsPerMinute: 170,
    });
    expect(compileQaConfig({}).checkOptions['E05.argue'].critical).toBe(true);
    expect(compileQaConfig({}).checkOptions.E09.critical).toBe(true);
  });

  it('names the key at fault', () => {
    expect(keyOf({ checks: { E04: { maxWordsPerMinute: 'fast' } } })).toBe(
      'checks.E04.maxWordsPerMinute',
    );
    expect(keyOf({ checks: { E99: {} } })).toBe('checks.E99');
    expect(keyOf({ phrases: { zh: { greeting: ['你好'] } } })).toBe('phrases.zh.greeting');
    expect(keyOf({ phrases: { en: { salutation: [''] } } })).toBe('phrases.en.salutation.0');
    expect(keyOf({ holdGapSeconds: -1 })).toBe('holdGapSeconds');
    expect(keyOf({ checks: { 'E05.argue': { weight: 2, critical: false } } })).toBe('(valid)');
    expect(() => parseQaConfig({ holdGapSeconds: 'x' })).toThrow(/^holdGapSeconds: /);
  });

  it('adds site phrases to the defaults', () => {
    const call = callFromLines(['A: 天天快递，竭诚服务']);
    expect(runCheck('E01', call).result).toBe('fail');
    expect(
      runCheck('E01', call, { phrases: { zh: { script: ['天天快递，竭诚服务'] } } }).result,
    ).toBe('pass');
  });

  it('uses weights and critical flags', () => {
    // E01 fails, E13, R04, E05.argue, E09 pass. Weight 3 on E01: 4 / 7.
    const call = callFromLines(['A: 订单号?', 'A: 好的，谢谢，再见']);
    expect(scoreTranscript(call).score).toBe(4 / 5);
    expect(scoreTranscript(call, { checks: { E01: { weight: 3 } } }).score).toBe(4 / 7);
    const crit = scoreTranscript(call, { checks: { E01: { critical: true } } });
    expect([crit.score, crit.critical]).toEqual([0, true]);
    const arguing = callFromLines(['A: 您好', 'A: 我已经说过了，再见']);
    const lenient = scoreTranscript(arguing, { checks: { 'E05.argue': { critical: false } } });
    expect([lenient.score, lenient.critical]).toEqual([4 / 5, false]);
  });

  it('gives a null score when no weighted check applies', () => {
    // 'A: 好的' fails E01, E13, R04 and passes E05.argue, E09; the others are n/a.
    const call = callFromLines(['A: 好的']);
    const zero = { weight: 0 };
    const weights = {
      checks: { E01: zero, E13: zero, R04: zero, 'E05.argue': zero, E09: zero },
    };
    expect(scoreTranscript(call, weights).score).toBeNull();
    expect(scoreTranscript(call).score).toBe(2 / 5);
  });

  it('scores a call without agent turns n/a on every check, with a null score', () => {
    const result = scoreTranscript(callFromLines(['C: 你好', 'C: 有人吗？']));
    expect(result.checks.map((c) => c.result)).toEqual(Array(9).fill('na'));
    expect([result.score, result.critical]).toEqual([null, false]);
  });
});
