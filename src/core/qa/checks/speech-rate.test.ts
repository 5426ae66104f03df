import { describe, expect, it } from 'vitest';
import { scoreTranscript } from '../engine.js';
import { callFromLines } from '../testing.js';
import { expandTable } from './cases.js';
import { countChineseChars, countEnglishWords, unionSeconds } from './speech-rate.js';

describe('speech-rate helpers', () => {
  it('counts Chinese characters without punctuation, digits, Latin letters or spaces', () => {
    expect(countChineseChars('您好，订单123 已发货! OK')).toBe(7);
    expect(countChineseChars('您好，訂單已發貨')).toBe(7);
  });
  it('counts English words with inner apostrophes', () => {
    expect(countEnglishWords("I'd say it's 2 o'clock, [PII].")).toBe(6);
  });
  it('takes the union of overlapping intervals', () => {
    expect(
      unionSeconds([
        [0, 10],
        [5, 12],
        [20, 25],
        [25, 26],
        [30, 29],
      ]),
    ).toBe(18);
  });
});

// 30 characters in 6 s = 300/min (fail at 260); 20 characters in 6 s = 200/min (pass).
const FAST_ZH = '您好请问有什么可以帮您的我们这边已经为您查询到了订单信息马上';
const CALM_ZH = '您好请问有什么可以帮您的我们这边已经为您';

describe('E04 speech rate', () => {
  it.each(
    expandTable('E04', {
      valid: [
        { lang: 'zh', lines: [`[0-6] A: ${CALM_ZH}`] },
        {
          lang: 'zh',
          lines: [`[0-3] A: ${CALM_ZH.slice(0, 10)}`, `[2-6] A: ${CALM_ZH.slice(10)}`],
          note: 'overlapping turns: union 6 s',
        },
        { lang: 'zh-Hant', lines: ['[0-6] A: 您好請問有什麼可以幫您的我們這邊已經為您'] },
        {
          lang: 'en',
          lines: [
            '[0-6] A: one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen',
          ],
          note: '17 words in 6 s = 170/min, at the limit',
        },
      ],
      invalid: [
        { lang: 'zh', lines: [`[0-6] A: ${FAST_ZH}`, '[6-9] C: 好的好的好的'], turns: [0] },
        {
          lang: 'zh-Hant',
          lines: ['[0-6] A: 您好請問有什麼可以幫您的我們這邊已經為您查詢到了訂單信息馬上'],
          turns: [0],
        },
        {
          lang: 'en',
          lines: [
            '[0-6] A: one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen',
          ],
          turns: [0],
        },
        {
          lang: 'en',
          lines: ['[0-6] A: one two three four five six seven eight nine ten'],
          config: { checks: { E04: { maxWordsPerMinute: 90 } } },
          note: 'site limit 90 words/min',
        },
      ],
      na: [
        { lang: 'zh', lines: ['A: 您好'] },
        { lang: 'en', lines: ['C: hello', '[0-1] C: hi'] },
      ],
    }),
  )('$name', ({ run, result, turns }) => {
    const out = run();
    expect(out.result).toBe(result);
    if (turns) expect(out.turns).toEqual(turns);
  });

  it('reports the rate in the metrics', () => {
    const zh = scoreTranscript(callFromLines([`[0-6] A: ${FAST_ZH}`]));
    expect([zh.metrics.agentCharsPerMinute, zh.metrics.agentWordsPerMinute]).toEqual([300, null]);
    const en = scoreTranscript(
      callFromLines(['[0-4] A: Thank you for calling Acme.', '[4-5] C: hi']),
    );
    expect([en.metrics.agentCharsPerMinute, en.metrics.agentWordsPerMinute]).toEqual([null, 75]);
  });
});
