import { describe, expect, it } from 'vitest';
import { scoreTranscript } from '../engine.js';
import { callFromLines } from '../testing.js';
import { expandTable } from './cases.js';

const check = ({ run, result, turns }: ReturnType<typeof expandTable>[number]): void => {
  const out = run();
  expect(out.result).toBe(result);
  if (turns) expect(out.turns).toEqual(turns);
};

describe('R04 polite words', () => {
  it.each(
    expandTable('R04', {
      valid: [
        { lang: 'zh', lines: ['A: 订单号多少', 'A: 请提供订单号'], turns: [1] },
        { lang: 'zh', lines: ['C: 谢谢', 'A: 不客气'], turns: [1], note: '不客气 is polite' },
        { lang: 'zh-Hant', lines: ['A: 麻煩您等一下'], turns: [0] },
        { lang: 'en', lines: ['A: please hold'], turns: [0] },
        { lang: 'en', lines: ['A: No problem, thank you!'], turns: [0] },
      ],
      invalid: [
        { lang: 'zh', lines: ['A: 订单号多少', 'A: 已经发货了'], turns: [0, 1] },
        { lang: 'zh', lines: ['A: 没问题，马上处理'], turns: [0], note: '没问题 is neutral' },
        {
          lang: 'zh',
          lines: ['A: 你去申请退款'],
          turns: [0],
          note: '请 inside 申请 is not polite',
        },
        {
          lang: 'zh',
          lines: ['A: 不好意思，这是你自己填错的'],
          turns: [0],
          note: 'polite word inside a blaming turn',
        },
        { lang: 'zh-Hant', lines: ['A: 不好意思，這是你自己填錯的'], turns: [0] },
        { lang: 'en', lines: ['A: Give me your order number.', 'A: Done.'], turns: [0, 1] },
        {
          lang: 'en',
          lines: ['A: Sorry, but I already told you that.'],
          turns: [0],
          note: 'polite word inside an arguing turn',
        },
      ],
      na: [{ lang: 'zh', lines: ['C: 谢谢'] }],
    }),
  )('$name', check);
});

describe('E05.argue no arguing', () => {
  it.each(
    expandTable('E05.argue', {
      valid: [
        { lang: 'zh', lines: ['C: 怎么还没到', 'A: 非常抱歉，我帮您催一下'], turns: [] },
        {
          lang: 'zh',
          lines: ['A: 没有问题，这个问题我们来处理'],
          turns: [],
          note: '问题 is not 你的问题',
        },
        { lang: 'zh-Hant', lines: ['A: 請您放心，我們會盡快處理'], turns: [] },
        {
          lang: 'en',
          lines: ['A: No problem, I can do whatever you need.'],
          turns: [],
          note: 'whatever you need is an exception',
        },
        { lang: 'en', lines: ["A: I'm not sure, let me check."], turns: [] },
      ],
      invalid: [
        {
          lang: 'zh',
          lines: ['A: 您好', 'A: 不好意思，这是你自己填错的'],
          turns: [1],
          note: 'polite words do not excuse blaming',
        },
        { lang: 'zh', lines: ['A: 我已经说过了，你自己看'], turns: [0] },
        { lang: 'zh', lines: ['A: 跟你说了多少遍了', 'A: 您好', 'A: 爱买不买'], turns: [0, 2] },
        { lang: 'zh-Hant', lines: ['A: 這是你的問題，跟我沒關係'], turns: [0] },
        { lang: 'en', lines: ['A: I already told you, that is not my problem.'], turns: [0] },
        { lang: 'en', lines: ['A: Sir, calm down.'], turns: [0] },
        { lang: 'en', lines: ['A: Please, you should have read the terms.'], turns: [0] },
      ],
    }),
  )('$name', check);

  it('is critical: the score is 0', () => {
    const r = scoreTranscript(
      callFromLines(['A: 您好，请问有什么可以帮您', 'A: 这是你的问题，再见']),
    );
    expect(r.critical).toBe(true);
    expect(r.score).toBe(0);
  });
});

describe('E05.deescalate calm anger', () => {
  it.each(
    expandTable('E05.deescalate', {
      valid: [
        { lang: 'zh', lines: ['C: 我要投诉你们', 'A: 非常抱歉给您带来不便'], turns: [1] },
        { lang: 'zh', lines: ['C: 太差劲了！！！', 'A: 理解您的心情，我马上处理'], turns: [1] },
        { lang: 'zh-Hant', lines: ['C: 我要投訴', 'A: 對不起，給您添麻煩了'], turns: [1] },
        {
          lang: 'en',
          lines: ['C: This is ridiculous, I want a manager.', "A: I'm sorry about that."],
          turns: [1],
        },
        {
          lang: 'en',
          lines: ['C: worst service ever', 'A: I understand, let me fix it.'],
          turns: [1],
        },
      ],
      invalid: [
        { lang: 'zh', lines: ['C: 我要投诉', 'A: 请提供订单号'], turns: [1] },
        {
          lang: 'zh',
          lines: ['C: 什么破服务', 'A: 抱歉', 'C: 气死我了', 'A: 订单号多少'],
          turns: [3],
        },
        {
          lang: 'zh',
          lines: ['C: 请核实情况回复!!!', 'A: 您是否有家人代收'],
          turns: [1],
          note: 'three exclamation marks',
        },
        { lang: 'zh-Hant', lines: ['C: 你們這是什麼破服務', 'A: 請提供訂單號'], turns: [1] },
        { lang: 'en', lines: ['C: I will file a complaint.', 'A: Order number?'], turns: [1] },
        { lang: 'en', lines: ['C: This is unacceptable', 'A: Whatever.'], turns: [1] },
      ],
      na: [
        {
          lang: 'zh',
          lines: ['C: 我不是要投诉，就是问问', 'A: 好的'],
          note: 'negated: 我不是要投诉',
        },
        { lang: 'zh', lines: ['C: 我没有生气', 'A: 好的'], note: 'negated: 没有生气' },
        { lang: 'zh', lines: ['C: 没问题', 'A: 好的'], note: '没问题 is no complaint' },
        {
          lang: 'zh',
          lines: ['C: 电脑没有病毒吧', 'A: 没有'],
          note: '有病 across the words 没有/病毒',
        },
        { lang: 'zh', lines: ['C: 哦!!!谢谢', 'A: 不客气'], note: 'exclamation marks with thanks' },
        { lang: 'zh-Hant', lines: ['C: 我不是要投訴', 'A: 好的'] },
        { lang: 'en', lines: ["C: I'm not complaining, just asking.", 'A: Sure.'] },
        { lang: 'en', lines: ['C: No problem at all.', 'A: Great.'] },
        {
          lang: 'en',
          lines: ['C: My account manager told me so.', 'A: Okay.'],
          note: 'account manager is an exception',
        },
        { lang: 'zh', lines: ['C: 我要投诉'], note: 'the agent never answers' },
      ],
    }),
  )('$name', check);
});

describe('E09 no profanity', () => {
  it.each(
    expandTable('E09', {
      valid: [
        { lang: 'zh', lines: ['A: 您好', 'C: 好'], turns: [] },
        {
          lang: 'zh',
          lines: ['A: 您好', 'C: 你他妈的有病', 'A: 请您文明用语，再见'],
          turns: [2],
          note: 'customer abuse, polite hang-up',
        },
        { lang: 'zh-Hant', lines: ['C: 你他媽的', 'A: 請您文明用語，再見'], turns: [1] },
        {
          lang: 'en',
          lines: ['A: Hello', 'C: this is fucking useless', 'A: I will end the call now, goodbye.'],
          turns: [2],
        },
        {
          lang: 'en',
          lines: ['A: Scunthorpe and shitake are places and food.'],
          turns: [],
          note: 'near-misses on word boundaries',
        },
      ],
      invalid: [
        { lang: 'zh', lines: ['A: 您好', 'A: 傻逼'], turns: [1] },
        { lang: 'zh', lines: ['C: 你有病吧', 'A: 你才有病，滚蛋'], turns: [1] },
        { lang: 'zh-Hant', lines: ['A: 你這個白癡'], turns: [0] },
        { lang: 'en', lines: ['A: What the fuck do you want?'], turns: [0] },
        { lang: 'en', lines: ['A: Oh sh*t, wrong order.'], turns: [0], note: 'masked spelling' },
      ],
    }),
  )('$name', check);

  it('is critical and reports customer abuse in the metrics', () => {
    const agent = scoreTranscript(callFromLines(['A: 您好', 'A: 傻逼']));
    expect([agent.critical, agent.score, agent.metrics.customerAbuse]).toEqual([true, 0, false]);
    const customer = scoreTranscript(callFromLines(['A: 您好', 'C: 傻逼', 'A: 请文明用语，再见']));
    expect([customer.critical, customer.metrics.customerAbuse]).toEqual([false, true]);
    expect(customer.score).toBe(1);
  });
});
