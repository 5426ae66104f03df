/** E01 greeting and E13 closing (norms.md E01, E13). */
import { z } from 'zod';
import { baseOptionsShape, defineRule } from '../rule.js';
import type { PreparedCall } from '../prepare.js';

function greets(call: PreparedCall, i: number): boolean {
  return call.has(i, 'salutation') || call.has(i, 'offerHelp') || call.has(i, 'script');
}

/** E01: one of the agent's first two turns holds a salutation, an offer to help, or the site's script. */
export const greetingRule = defineRule({
  id: 'E01',
  meta: {
    name: 'greeting',
    description:
      "One of the agent's first two turns holds a greeting: a salutation, an offer to help, or the site's script.",
    norm: 'E01',
    critical: false,
    messages: {
      pass: 'The agent greets the customer.',
      fail: "No greeting in the agent's first two turns.",
      na: 'The agent never speaks.',
    },
  },
  optionsSchema: z.strictObject({
    ...baseOptionsShape(false),
    /** How many of the agent's first turns may hold the greeting. */
    turns: z.number().int().min(1).default(2),
  }),
  check(call, options) {
    const first = call.agentTurns.slice(0, options.turns);
    if (first.length === 0) return { result: 'na', turns: [] };
    const hit = first.find((i) => greets(call, i));
    return hit === undefined ? { result: 'fail', turns: first } : { result: 'pass', turns: [hit] };
  },
});

/** E13: one of the agent's last two turns holds a closing (thanks, farewell, offer of further help). */
export const closingRule = defineRule({
  id: 'E13',
  meta: {
    name: 'closing',
    description:
      "One of the agent's last two turns holds a closing: thanks, a farewell, or an offer of further help.",
    norm: 'E13',
    critical: false,
    messages: {
      pass: 'The agent closes the call properly.',
      fail: "No closing in the agent's last two turns.",
      na: 'The agent never speaks.',
    },
  },
  optionsSchema: z.strictObject({
    ...baseOptionsShape(false),
    /** How many of the agent's last turns may hold the closing. */
    turns: z.number().int().min(1).default(2),
  }),
  check(call, options) {
    const last = call.agentTurns.slice(-options.turns);
    if (last.length === 0) return { result: 'na', turns: [] };
    const hit = last.find((i) => call.has(i, 'closing'));
    return hit === undefined ? { result: 'fail', turns: last } : { result: 'pass', turns: [hit] };
  },
});
