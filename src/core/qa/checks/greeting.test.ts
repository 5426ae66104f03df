import { describe, expect, it } from 'vitest';
import { expandTable } from './cases.js';

describe('E01 greeting', () => {
  it.each(
    expandTable('E01', {
      valid: [
        { lang: 'zh', lines: ['C: 你好', 'A: 您好，很高兴为您服务'], turns: [1] },
        {
          lang: 'zh',
          lines: ['A: 亲，在的', 'C: 嗯', 'A: 有什么问题我可以帮您处理或解决呢?'],
          turns: [2],
        },
        {
          lang: 'zh',
          lines: ['A: 工号8816竭诚为您服务'],
          turns: [0],
          note: '工号…为您服务 with a gap',
        },
        { lang: 'zh', lines: ['A:早上好！请问您需要什么帮助？'], turns: [0] },
        {
          lang: 'zh',
          lines: ['A: 您 好 请 问 有 什 么 可 以 帮 您'],
          turns: [0],
          note: 'ASR output with spaces between words',
        },
        { lang: 'zh-Hant', lines: ['A: 您好，請問有什麼可以幫您？'], turns: [0] },
        { lang: 'zh-Hant', lines: ['A: 歡迎致電，很高興為您服務'], turns: [0] },
        { lang: 'en', lines: ['A: Hello, thanks for calling Acme.'], turns: [0] },
        { lang: 'en', lines: ['C: hi', 'A: Sure.', 'A: HOW CAN I HELP you today?'], turns: [2] },
        { lang: 'en', lines: ['A: Good morning!'], turns: [0] },
        {
          lang: 'zh',
          lines: ['A: 您好，欢迎致电天天公司'],
          turns: [0],
          config: { phrases: { zh: { script: ['天天公司'] } }, replaceDefaultPhrases: true },
          note: 'site script only (defaults replaced)',
        },
      ],
      invalid: [
        {
          lang: 'zh',
          lines: ['A: 订单号多少', 'C: 123', 'A: 已经发货了', 'A: 您好'],
          turns: [0, 2],
          note: 'greeting only in the third turn',
        },
        { lang: 'zh', lines: ['A: 在的呢', 'A: 发货了'], turns: [0, 1] },
        { lang: 'zh-Hant', lines: ['A: 訂單號多少', 'A: 已經發貨了'], turns: [0, 1] },
        {
          lang: 'en',
          lines: ['A: What is your order number?', 'C: 123', 'A: It shipped.'],
          turns: [0, 2],
        },
        {
          lang: 'en',
          lines: ['A: This is Chip speaking.', 'A: Ship date is Monday.'],
          turns: [0, 1],
          note: 'hi inside this/chip/ship is no greeting',
        },
        {
          lang: 'zh',
          lines: ['A: 您好'],
          turns: [0],
          config: {
            phrases: { zh: { salutation: ['感谢致电天天公司'], offerHelp: ['天天为您服务'] } },
            replaceDefaultPhrases: true,
          },
          note: 'site replaced the defaults: 您好 alone is not its script',
        },
      ],
      na: [
        { lang: 'zh', lines: ['C: 你好', 'C: 在吗'] },
        { lang: 'en', lines: ['C: hello?', 'S: The call was transferred.'] },
      ],
    }),
  )('$name', ({ run, result, turns }) => {
    const out = run();
    expect(out.result).toBe(result);
    if (turns) expect(out.turns).toEqual(turns);
  });
});

describe('E13 closing', () => {
  it.each(
    expandTable('E13', {
      valid: [
        { lang: 'zh', lines: ['A: 您好', 'C: 好的', 'A: 感谢您的来电，再见'], turns: [2] },
        { lang: 'zh', lines: ['A: 请问还有其他可以帮您的吗', 'C: 没有', 'A: 好的'], turns: [0] },
        { lang: 'zh', lines: ['A: 祝您周末愉快'], turns: [0], note: '祝您…愉快' },
        {
          lang: 'zh',
          lines: ['A: 还有什么妹纸可以帮助您的呢?'],
          turns: [0],
          note: '还有什么…可以帮 with a gap',
        },
        { lang: 'zh-Hant', lines: ['A: 感謝您的支持，祝您生活愉快，再見！'], turns: [0] },
        { lang: 'en', lines: ['A: Is there anything else I can help with?'], turns: [0] },
        { lang: 'en', lines: ['A: It ships today.', 'A: Have a great day!'], turns: [1] },
        { lang: 'en', lines: ['A: Okay. Bye!'], turns: [0] },
      ],
      invalid: [
        {
          lang: 'zh',
          lines: ['A: 您好', 'C: 查快递', 'A: 明天到', 'C: 好', 'A: 嗯'],
          turns: [2, 4],
        },
        {
          lang: 'zh',
          lines: ['A: 再见', 'A: 明天到', 'A: 嗯'],
          turns: [1, 2],
          note: 'closing not in the last two turns',
        },
        { lang: 'zh-Hant', lines: ['A: 明天到', 'A: 嗯'], turns: [0, 1] },
        {
          lang: 'en',
          lines: ['A: hi', 'C: where is it', 'A: It ships tomorrow.', 'A: Okay.'],
          turns: [2, 3],
        },
        { lang: 'en', lines: ['A: The byelaw says so.'], turns: [0], note: 'bye inside byelaw' },
      ],
      na: [{ lang: 'en', lines: ['C: bye'] }],
    }),
  )('$name', ({ run, result, turns }) => {
    const out = run();
    expect(out.result).toBe(result);
    if (turns) expect(out.turns).toEqual(turns);
  });
});
