/** E11 wait request before a telephony hold, E12 thanks after a hold. */
import { z } from 'zod';
import { baseOptionsShape, defineRule } from '../rule.js';

/** E11: every telephony hold is preceded, in the agent's last turn before it, by a wait request. */
export const waitBeforeHoldRule = defineRule({
  id: 'E11',
  meta: {
    name: 'wait request before hold',
    description:
      "Every telephony hold is preceded (in the agent's last turn before it) by a wait request.",
    norm: 'E11',
    critical: false,
    messages: {
      pass: 'The agent asks the customer to wait before every hold.',
      fail: 'A hold without a wait request before it.',
      na: 'No telephony hold (or no turn timings to place it).',
    },
  },
  optionsSchema: z.strictObject(baseOptionsShape(false)),
  check(call) {
    const holds = call.holds.filter((h) => h.kind === 'telephony');
    if (holds.length === 0 || !call.timed) return { result: 'na', turns: [] };
    const good: number[] = [];
    const bad: number[] = [];
    for (const h of holds) {
      const before = call.agentTurns.filter(
        (i) => (call.turns[i]?.start ?? Infinity) <= (h.start ?? 0),
      );
      const last = before[before.length - 1];
      if (last !== undefined && call.has(last, 'waitRequest')) good.push(last);
      else if (last !== undefined) bad.push(last);
      else bad.push(-1);
    }
    if (bad.length > 0) return { result: 'fail', turns: bad.filter((i) => i >= 0) };
    return { result: 'pass', turns: [...new Set(good)] };
  },
});

/** E12: the agent's first turn after every hold thanks the customer for waiting (or apologises for it). */
export const thanksAfterHoldRule = defineRule({
  id: 'E12',
  meta: {
    name: 'thanks after hold',
    description:
      "The agent's first turn after every hold (any kind) thanks the customer for waiting or apologises for the wait.",
    norm: 'E12',
    critical: false,
    messages: {
      pass: 'The agent thanks the customer after every hold.',
      fail: 'No thanks for waiting after a hold.',
      na: 'No hold.',
    },
  },
  optionsSchema: z.strictObject(baseOptionsShape(false)),
  check(call) {
    const returns = call.holds.map((h) => h.returnTurn).filter((t): t is number => t !== null);
    if (returns.length === 0) return { result: 'na', turns: [] };
    const all = [...new Set(returns)].sort((a, b) => a - b);
    const bad = all.filter((i) => !call.has(i, 'thanksForWaiting'));
    return bad.length > 0 ? { result: 'fail', turns: bad } : { result: 'pass', turns: all };
  },
});
