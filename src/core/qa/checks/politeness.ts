/** R04 polite words, E05.argue no arguing, E05.deescalate calm anger, E09 no profanity. */
import { z } from 'zod';
import { baseOptionsShape, defineRule } from '../rule.js';
import type { PreparedCall } from '../prepare.js';

/** Agent turns that argue with, blame or mock the customer. */
export function arguingTurns(call: PreparedCall): number[] {
  return call.agentTurns.filter((i) => call.has(i, 'argue'));
}

/** R04: the agent uses at least one polite term (a turn that argues does not count). */
export const politeWordsRule = defineRule({
  id: 'R04',
  meta: {
    name: 'polite words',
    description:
      'The agent uses at least one polite term (please, the honorific 您, thank you, sorry); a polite word inside a turn that argues does not count.',
    norm: 'R04',
    critical: false,
    messages: {
      pass: 'The agent uses polite words.',
      fail: 'The agent never uses a polite term.',
      na: 'The agent never speaks.',
    },
  },
  optionsSchema: z.strictObject(baseOptionsShape(false)),
  check(call) {
    if (call.agentTurns.length === 0) return { result: 'na', turns: [] };
    const hit = call.agentTurns.find((i) => call.has(i, 'polite') && !call.has(i, 'argue'));
    return hit === undefined
      ? { result: 'fail', turns: call.agentTurns }
      : { result: 'pass', turns: [hit] };
  },
});

/** E05.argue: no agent turn blames, mocks or argues with the customer. Critical by default. */
export const noArguingRule = defineRule({
  id: 'E05.argue',
  meta: {
    name: 'no arguing',
    description:
      'No agent turn blames, mocks or argues with the customer; polite words in the same turn do not excuse it.',
    norm: 'E05, R04',
    critical: true,
    messages: {
      pass: 'The agent never argues with the customer.',
      fail: 'The agent argues with or blames the customer.',
      na: '',
    },
  },
  optionsSchema: z.strictObject(baseOptionsShape(true)),
  check(call) {
    const bad = arguingTurns(call);
    return bad.length > 0 ? { result: 'fail', turns: bad } : { result: 'pass', turns: [] };
  },
});

/**
 * Customer turns with an anger cue: a phrase (not negated), or a run of exclamation marks (！ or !)
 * in a turn that does not thank (哦!!!谢谢 is gratitude, not anger).
 */
export function angryTurns(call: PreparedCall, exclamationRun: number): number[] {
  const run = exclamationPattern(exclamationRun);
  return call.customerTurns.filter((i) => {
    if (call.has(i, 'anger')) return true;
    const norm = call.norm(i);
    return norm.includes('!') && run.test(norm) && !call.has(i, 'gratitude');
  });
}

const EXCLAMATION_PATTERNS = new Map<number, RegExp>();

/** `n` or more exclamation marks in a row (spaces between them allowed; ！ is ! after NFKC). */
function exclamationPattern(n: number): RegExp {
  let re = EXCLAMATION_PATTERNS.get(n);
  if (!re) {
    re = new RegExp(`!(?:\\s*!){${n - 1},}`);
    EXCLAMATION_PATTERNS.set(n, re);
  }
  return re;
}

/** E05.deescalate: after every customer turn with anger cues, the agent's next turn apologises or empathises. */
export const deescalateRule = defineRule({
  id: 'E05.deescalate',
  meta: {
    name: 'calm anger',
    description:
      "The agent's next turn after every customer turn with anger cues holds an apology or empathy.",
    norm: 'E05',
    critical: false,
    messages: {
      pass: 'The agent answers every angry turn with an apology or empathy.',
      fail: 'The agent answers an angry customer without apology or empathy.',
      na: 'No anger cue.',
    },
  },
  optionsSchema: z.strictObject({
    ...baseOptionsShape(false),
    /** A run of this many exclamation marks (！ or !) is an anger cue. */
    exclamationRun: z.number().int().min(2).default(3),
  }),
  check(call, options) {
    const replies = new Set<number>();
    for (const i of angryTurns(call, options.exclamationRun)) {
      const reply = call.agentTurns.find((a) => a > i);
      if (reply !== undefined) replies.add(reply);
    }
    if (replies.size === 0) return { result: 'na', turns: [] };
    const all = [...replies].sort((a, b) => a - b);
    const bad = all.filter((a) => !call.has(a, 'apology'));
    return bad.length > 0 ? { result: 'fail', turns: bad } : { result: 'pass', turns: all };
  },
});

/** E09: no agent profanity (critical); customer abuse is reported in the metrics. */
export const profanityRule = defineRule({
  id: 'E09',
  meta: {
    name: 'no profanity',
    description:
      'No agent profanity (a critical fail). Customer abuse is reported as customerAbuse; a polite agent hang-up after it is compliant.',
    norm: 'E09',
    critical: true,
    messages: {
      pass: 'The agent never swears.',
      fail: 'The agent uses profanity.',
      na: '',
    },
  },
  optionsSchema: z.strictObject(baseOptionsShape(true)),
  check(call) {
    const bad = call.agentTurns.filter((i) => call.has(i, 'profanity'));
    if (bad.length > 0) return { result: 'fail', turns: bad };
    // After customer abuse, the agent's last turn (the polite hang-up) is the evidence.
    const abuse = call.customerTurns.find((i) => call.has(i, 'profanity'));
    const last = call.agentTurns[call.agentTurns.length - 1];
    if (abuse !== undefined && last !== undefined && last > abuse) {
      return { result: 'pass', turns: [last] };
    }
    return { result: 'pass', turns: [] };
  },
});
