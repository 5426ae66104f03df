/** The QA checks, in the order of qa.md's table (and of every call's `checks`). */
import type { QaRule } from '../rule.js';
import { closingRule, greetingRule } from './greeting.js';
import { thanksAfterHoldRule, waitBeforeHoldRule } from './holds.js';
import { deescalateRule, noArguingRule, politeWordsRule, profanityRule } from './politeness.js';
import { speechRateRule } from './speech-rate.js';

/** Every check, in contract order: E01, E13, R04, E11, E12, E05.argue, E05.deescalate, E09, E04. */
export const RULES: readonly QaRule[] = [
  greetingRule,
  closingRule,
  politeWordsRule,
  waitBeforeHoldRule,
  thanksAfterHoldRule,
  noArguingRule,
  deescalateRule,
  profanityRule,
  speechRateRule,
];
