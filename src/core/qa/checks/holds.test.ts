import { describe, expect, it } from 'vitest';
import { scoreTranscript } from '../engine.js';
import { callFromLines } from '../testing.js';
import { expandTable } from './cases.js';

const check = ({ run, result, turns }: ReturnType<typeof expandTable>[number]): void => {
  const out = run();
  expect(out.result).toBe(result);
  if (turns) expect(out.turns).toEqual(turns);
};

describe('E11 wait request before a telephony hold', () => {
  it.each(
    expandTable('E11', {
      valid: [
        {
          lang: 'zh',
          lines: ['[0-3] A: 请您稍等，我帮您查一下', '[40-45] A: 感谢您的耐心等待'],
          holds: [{ start: 4, end: 39 }],
          turns: [0],
        },
        {
          lang: 'zh-Hant',
          lines: ['[0-3] A: 請您稍候', '[40-45] A: 讓您久等了'],
          holds: [{ start: 4, end: 39 }],
          turns: [0],
        },
        {
          lang: 'en',
          lines: [
            '[0-2] C: Can you check?',
            '[2-5] A: Sure, please hold while I check.',
            '[30-33] A: Thanks for holding.',
          ],
          holds: [{ start: 6, end: 29 }],
          turns: [1],
        },
        {
          lang: 'en',
          lines: [
            '[0-2] A: One moment.',
            '[20-22] A: Thanks for waiting. Hold on again.',
            '[50-52] A: Thank you for holding.',
          ],
          holds: [
            { start: 3, end: 19 },
            { start: 23, end: 49 },
          ],
          turns: [0, 1],
          note: 'two holds, each announced',
        },
      ],
      invalid: [
        {
          lang: 'zh',
          lines: ['[0-3] A: 我看一下', '[40-45] A: 好了'],
          holds: [{ start: 4, end: 39 }],
          turns: [0],
        },
        {
          lang: 'zh-Hant',
          lines: ['[0-3] A: 我看看', '[40-45] A: 好了'],
          holds: [{ start: 4, end: 39 }],
          turns: [0],
        },
        {
          lang: 'en',
          lines: [
            '[0-2] A: One moment.',
            '[20-22] A: Thanks for waiting. Now the address.',
            '[50-52] A: Thanks for holding.',
          ],
          holds: [
            { start: 3, end: 19 },
            { start: 23, end: 49 },
          ],
          turns: [1],
          note: 'the second hold is not announced',
        },
      ],
      na: [
        {
          lang: 'zh',
          lines: ['A: 请稍等', 'A: 感谢您的耐心等待'],
          note: 'chat hold: not a telephony hold',
        },
        { lang: 'en', lines: ['[0-2] A: Hello', '[3-4] C: Hi'] },
        {
          lang: 'en',
          lines: ['A: Hello', 'A: Thanks for holding'],
          holds: [{ start: 3, end: 20 }],
          note: 'untimed turns cannot be placed',
        },
      ],
    }),
  )('$name', check);
});

describe('E12 thanks after a hold', () => {
  it.each(
    expandTable('E12', {
      valid: [
        {
          lang: 'zh',
          lines: ['A: 请稍等', 'C: 好', 'A: 让您久等了，已经发货'],
          turns: [2],
          note: 'chat hold',
        },
        {
          lang: 'zh',
          lines: ['A: 稍等，我查看一下', 'C: 嗯嗯', 'A: 您好，抱歉，让您久等了'],
          turns: [2],
          note: 'a look-up announced after the wait request',
        },
        {
          lang: 'zh',
          lines: ['[0-2] A: 您好，请稍等。', '[15-18] A: 感谢您的耐心等待。'],
          turns: [1],
          note: 'timed gap of 13 s',
        },
        {
          lang: 'zh',
          lines: ['[0-3] A: 好的', '[40-45] A: 谢谢您的耐心等待'],
          holds: [{ start: 4, end: 39 }],
          turns: [1],
          note: 'telephony hold',
        },
        { lang: 'zh-Hant', lines: ['A: 請稍等', 'A: 感謝您的耐心等待'], turns: [1] },
        {
          lang: 'zh',
          lines: ['A: 请稍等', 'A: 不好意思，让您久等啦~ 已经发货'],
          turns: [1],
          note: '久等啦',
        },
        {
          lang: 'en',
          lines: ['A: Let me check.', 'C: ok', 'A: Thank you for waiting. It shipped.'],
          turns: [2],
        },
        {
          lang: 'en',
          lines: ['[0-2] A: Please hold.', '[3-4] C: Sure.', '[30-33] A: Sorry for the wait.'],
          turns: [2],
          note: 'gap after the customer reply',
        },
      ],
      invalid: [
        { lang: 'zh', lines: ['A: 请稍等', 'A: 已经发货了'], turns: [1] },
        { lang: 'zh', lines: ['A: 还请您稍等，正在为您查询~', 'C: 好', 'A: 明天送达'], turns: [2] },
        { lang: 'zh-Hant', lines: ['A: 請稍等', 'A: 已經發貨了'], turns: [1] },
        {
          lang: 'en',
          lines: ['[0-2] A: One moment please.', '[20-22] A: It shipped.'],
          turns: [1],
        },
        { lang: 'en', lines: ['A: Bear with me, let me check.', 'A: Found it.'], turns: [1] },
        {
          lang: 'en',
          lines: [
            'A: sure! let me check that.',
            'A: one moment please',
            'C: ok',
            'A: It expires in 7 days.',
          ],
          turns: [3],
          note: 'consecutive wait requests are one hold',
        },
        {
          lang: 'zh',
          lines: ['A: 好的，我查一下', 'A: 请稍等', 'A: 查到了，明天送达'],
          turns: [2],
          note: 'consecutive wait requests are one hold',
        },
      ],
      na: [
        {
          lang: 'zh',
          lines: ['A: 请稍等，已经为您查到，明天送达', 'A: 还有其他问题吗'],
          note: 'wait request answered in the same turn',
        },
        {
          lang: 'zh',
          lines: [
            'A: [订单x]还请您稍等，正在为您查询~ 新旧地址在同一个市内的话，可以联系配送员',
            'A: 好的',
          ],
        },
        {
          lang: 'zh',
          lines: ['[0-2] A: 请稍等。', '[5-8] A: 已经发货。'],
          note: 'timed gap of 3 s is no hold',
        },
        { lang: 'zh-Hant', lines: ['A: 請稍等，已經為您查到，明天送達'] },
        { lang: 'en', lines: ['A: One moment, it shipped yesterday.', 'A: Anything else?'] },
        { lang: 'en', lines: ['A: Please hold.'], note: 'the agent never returns' },
      ],
    }),
  )('$name', check);

  it('counts holds in the metrics (telephony and chat)', () => {
    const chat = scoreTranscript(callFromLines(['A: 请稍等', 'A: 久等了', 'A: 稍等', 'A: 好了']));
    expect(chat.metrics.holds).toBe(2);
    const timed = scoreTranscript(
      callFromLines(['[0-2] A: Please hold.', '[30-32] A: Thanks for holding.'], {
        holds: [{ start: 3, end: 29 }],
      }),
    );
    // The telephony hold covers the silence: one hold, not two.
    expect(timed.metrics.holds).toBe(1);
  });

  it('uses the configured gap', () => {
    const call = callFromLines(['[0-2] A: 请稍等。', '[8-9] A: 让您久等了。']);
    expect(scoreTranscript(call).metrics.holds).toBe(0);
    expect(scoreTranscript(call, { holdGapSeconds: 5 }).metrics.holds).toBe(1);
  });
});
