/**
 * Demo call transcripts: a handful of scripted conversations (Traditional Chinese, Simplified
 * Chinese, English) for the demo floor's QA page, each linked to a simulated call. Some follow
 * every etiquette check, some miss one (no greeting, no wait request before a hold, no thanks after
 * it), one has an agent cursing at a frozen screen (a critical E09 failure). The expected results
 * are in {@link DEMO_TRANSCRIPT_SCRIPTS}.
 *
 * Pure and deterministic: the calls are picked with the seeded {@link createRandom}; turn times
 * follow from the text (3 Chinese characters or 2 English words a second, well inside the E04
 * speech-rate limits), so every transcript scores the same wherever it is linked.
 */
import { createRandom } from './prng.js';

/** A simulated call a transcript may be linked to. */
export interface DemoCallRef {
  /** The call id (`queue_call.call_id`). */
  readonly callId: string;
  /** Talk time, seconds: a script is only linked to a call at least as long as it. */
  readonly talk: number;
}

/** One turn of a demo transcript; times in seconds from the answer. */
export interface DemoTurn {
  readonly speaker: 'agent' | 'customer';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * A demo transcript in callfloor's transcript JSON (docs/qa.md "Input formats") plus the call it
 * belongs to (`callId`, as an upload links it).
 */
export interface DemoTranscript {
  /** `demo-qa-<n>`: says it is demo data wherever it is shown. */
  readonly id: string;
  readonly callId: string;
  readonly turns: readonly DemoTurn[];
  /** Telephony holds, seconds from the answer. */
  readonly holds: readonly { readonly start: number; readonly end: number }[];
}

/** A step of a script: a turn (`a` agent, `c` customer) or a telephony hold of some seconds. */
type Step = readonly ['a' | 'c', string] | readonly ['hold', number];

/** A scripted conversation and what the QA checks make of it (the other checks pass or are na). */
export interface DemoScript {
  /** What the script shows on the QA page. */
  readonly about: string;
  /** Checks that fail on it. */
  readonly fails: readonly string[];
  readonly steps: readonly Step[];
}

/** The scripts, in the order they are linked to calls. */
export const DEMO_TRANSCRIPT_SCRIPTS: readonly DemoScript[] = [
  {
    about: 'zh-Hant billing question with a hold, every check followed',
    fails: [],
    steps: [
      ['a', '您好，歡迎致電客服中心，敝姓陳，請問有什麼可以幫您？'],
      ['c', '你好，我上個月的帳單金額好像不太對。'],
      ['a', '了解，麻煩您提供一下帳號，我幫您確認。'],
      ['c', '帳號是零九一二開頭那個，七八九號。'],
      ['a', '好的，請您稍等，我幫您查一下。'],
      ['hold', 40],
      ['a', '感謝您的耐心等待，帳單多收了一筆漫遊費，我已經幫您申請退還。'],
      ['c', '好，謝謝。'],
      ['a', '不客氣，請問還有其他可以幫您的嗎？'],
      ['c', '沒有了。'],
      ['a', '感謝您的來電，祝您生活愉快，再見。'],
    ],
  },
  {
    about: 'zh-Hant address change without a greeting',
    fails: ['E01'],
    steps: [
      ['a', '喂，哪裡找？'],
      ['c', '我想改一下送貨地址。'],
      ['a', '訂單編號多少？'],
      ['c', '是二零二三一一零五。'],
      ['a', '好，地址要改到哪裡？'],
      ['c', '改到台中市西屯區，市政北路。'],
      ['a', '已經改好了，明天會送到，謝謝您。'],
      ['c', '好。'],
      ['a', '感謝您的來電，再見。'],
    ],
  },
  {
    about: 'zh-Hans parcel tracking with a hold, every check followed',
    fails: [],
    steps: [
      ['a', '您好，很高兴为您服务，请问有什么可以帮您？'],
      ['c', '我的快递三天了还没到，帮我查一下到哪了。'],
      ['a', '好的，请您提供一下运单号。'],
      ['c', '运单号是顺丰一二三四五六。'],
      ['a', '请稍等，我帮您查询一下物流信息。'],
      ['hold', 35],
      ['a', '让您久等了，包裹目前在转运中心，预计明天下午送达。'],
      ['c', '好的，谢谢。'],
      ['a', '请问还有其他可以帮您的吗？'],
      ['c', '没有了。'],
      ['a', '感谢您的来电，祝您生活愉快，再见。'],
    ],
  },
  {
    about: 'zh-Hans points question: the caller is put on hold without a word',
    fails: ['E11'],
    steps: [
      ['a', '您好，请问有什么可以帮您？'],
      ['c', '我想问一下会员积分怎么兑换。'],
      ['a', '您的手机号是多少？'],
      ['c', '一三八零零零零一二三四。'],
      ['hold', 30],
      ['a', '感谢您的耐心等待，您现在有两千积分，可以在应用里兑换优惠券。'],
      ['c', '好的，知道了。'],
      ['a', '还有其他可以帮您的吗？'],
      ['c', '没有了，谢谢。'],
      ['a', '感谢您的来电，再见。'],
    ],
  },
  {
    about: 'English double charge with a hold, every check followed',
    fails: [],
    steps: [
      ['a', 'Thank you for calling Northwind support, my name is Ben. How can I help you today?'],
      ['c', 'Hi, I was charged twice for my subscription this month.'],
      ['a', 'I am sorry to hear that. Could you please confirm the email on the account?'],
      ['c', 'Sure, it is jamie at example dot com.'],
      ['a', 'Thank you. One moment please, let me check the billing records.'],
      ['hold', 45],
      ['a', 'Thank you for waiting. I can see the duplicate charge and I have refunded it today.'],
      ['c', 'Great, thanks a lot.'],
      ['a', 'You are welcome. Is there anything else I can help you with?'],
      ['c', 'No, that is all.'],
      ['a', 'Thanks for calling, have a nice day. Goodbye.'],
    ],
  },
  {
    about: 'English outage report: no thanks after the hold',
    fails: ['E12'],
    steps: [
      ['a', 'Good afternoon, thanks for calling. How may I help you?'],
      ['c', 'My internet has been down since this morning.'],
      ['a', 'Please give me a moment, I will run a line test.'],
      ['hold', 50],
      [
        'a',
        'The line test shows an outage in your area. Engineers expect it fixed by six tonight.',
      ],
      ['c', 'Okay, I will wait then.'],
      ['a', 'Is there anything else I can do for you?'],
      ['c', 'No.'],
      ['a', 'Thank you for calling, goodbye.'],
    ],
  },
  {
    about: 'English late order: an upset caller calmed with an apology',
    fails: [],
    steps: [
      ['a', 'Hello, thank you for calling. How can I help?'],
      ['c', 'This is ridiculous! My order is two weeks late and nobody answers my emails.'],
      [
        'a',
        'I am so sorry about the delay, I understand how frustrating that is. Could you please give me the order number?',
      ],
      ['c', 'It is five five eight two one.'],
      [
        'a',
        'Thank you. The parcel was held at customs; the courier will deliver it tomorrow and I have refunded the shipping fee.',
      ],
      ['c', 'Fine. Thanks.'],
      ['a', 'Is there anything else I can help with today?'],
      ['c', 'No.'],
      ['a', 'Thanks for calling, goodbye.'],
    ],
  },
  {
    about: 'zh-Hans missing parcel: the agent curses at a frozen screen (critical)',
    fails: ['E09'],
    steps: [
      ['a', '您好，请问有什么可以帮您？'],
      ['c', '我的订单显示已签收，但是我没收到。'],
      ['a', '妈的，系统又卡住了。不好意思，请您再说一下订单号。'],
      ['c', '订单号是八八二三一。'],
      ['a', '好的，已经为您查到，包裹放在小区快递柜，取件码已经发到您手机。'],
      ['c', '好吧。'],
      ['a', '感谢您的来电，再见。'],
    ],
  },
];

/** Seconds a turn takes: 3 Chinese characters or 2 English words a second, at least 2 s. */
function turnSeconds(text: string): number {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const words = (text.match(/[A-Za-z]+/g) ?? []).length;
  return Math.max(2, Math.ceil(han / 3 + words / 2));
}

/** The turns and holds of a script, timed from 0 with 1 s between steps. */
function timed(steps: readonly Step[]): Pick<DemoTranscript, 'turns' | 'holds'> & { end: number } {
  const turns: DemoTurn[] = [];
  const holds: { start: number; end: number }[] = [];
  let t = 0;
  for (const step of steps) {
    if (step[0] === 'hold') {
      holds.push({ start: t, end: t + step[1] });
      t += step[1] + 1;
      continue;
    }
    const end = t + turnSeconds(step[1]);
    turns.push({ speaker: step[0] === 'a' ? 'agent' : 'customer', text: step[1], start: t, end });
    t = end + 1;
  }
  return { turns, holds, end: t };
}

/**
 * Links each script to a call (drawn with the seed among the calls not yet used that last at least
 * as long as the script) and returns the transcripts in script order. A script with no such call
 * left is skipped.
 * @param calls the candidate calls, in a stable order (the result depends on it)
 * @param seed PRNG seed
 */
export function demoTranscripts(calls: readonly DemoCallRef[], seed = 1): DemoTranscript[] {
  const random = createRandom(seed);
  const used = new Set<string>();
  const out: DemoTranscript[] = [];
  DEMO_TRANSCRIPT_SCRIPTS.forEach((script, index) => {
    const { turns, holds, end } = timed(script.steps);
    const fits = calls.filter((c) => !used.has(c.callId) && c.talk >= end);
    if (fits.length === 0) return;
    const call = fits[random.int(0, fits.length - 1)]!;
    used.add(call.callId);
    out.push({ id: `demo-qa-${index + 1}`, callId: call.callId, turns, holds });
  });
  return out;
}
