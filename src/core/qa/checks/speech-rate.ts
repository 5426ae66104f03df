/** E04 speech rate: Chinese characters or English words per minute of agent speaking time. */
import { z } from 'zod';
import { baseOptionsShape, defineRule } from '../rule.js';
import type { PreparedCall } from '../prepare.js';

const HAN = /\p{Script=Han}/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Number of Chinese characters (punctuation, digits, Latin letters and spaces excluded). */
export function countChineseChars(text: string): number {
  return text.match(HAN)?.length ?? 0;
}

/** Number of English words: runs of letters/digits, with inner apostrophes (`I'd` is one word). */
export function countEnglishWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/**
 * Total length (seconds) of the union of intervals [start, end].
 * @param intervals pairs in seconds; empty or reversed intervals count 0
 */
export function unionSeconds(intervals: readonly (readonly [number, number])[]): number {
  const sorted = intervals.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [s, e] of sorted) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) {
      curEnd = e;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/**
 * The agent's speech rate: units per minute over the union of the agent turns' intervals, units
 * being Chinese characters for zh calls and English words for en calls; `null` without timings.
 */
export function agentSpeechRate(
  call: PreparedCall,
): { unit: 'chars' | 'words'; perMinute: number } | null {
  if (!call.timed) return null;
  const intervals: [number, number][] = [];
  let units = 0;
  const zh = call.language !== 'en';
  for (const i of call.agentTurns) {
    const t = call.turns[i];
    if (!t || typeof t.start !== 'number' || typeof t.end !== 'number') continue;
    intervals.push([t.start, t.end]);
    units += zh ? countChineseChars(t.text) : countEnglishWords(t.text);
  }
  const seconds = unionSeconds(intervals);
  if (seconds <= 0) return null;
  return { unit: zh ? 'chars' : 'words', perMinute: (units * 60) / seconds };
}

/** E04: agent speech rate at most 260 Chinese characters/min or 170 English words/min. */
export const speechRateRule = defineRule({
  id: 'E04',
  meta: {
    name: 'speech rate',
    description:
      "The agent's rate over the agent's speaking time (the union of the agent turns' intervals) is at most 260 Chinese characters/min or 170 English words/min.",
    norm: 'E04',
    critical: false,
    messages: {
      pass: 'The agent speaks at a calm rate.',
      fail: 'The agent speaks too fast.',
      na: 'No timings.',
    },
  },
  optionsSchema: z.strictObject({
    ...baseOptionsShape(false),
    /** Limit for Chinese calls, characters per minute. */
    maxCharsPerMinute: z.number().positive().default(260),
    /** Limit for English calls, words per minute. */
    maxWordsPerMinute: z.number().positive().default(170),
  }),
  check(call, options) {
    const rate = agentSpeechRate(call);
    if (!rate) return { result: 'na', turns: [] };
    const limit = rate.unit === 'chars' ? options.maxCharsPerMinute : options.maxWordsPerMinute;
    return rate.perMinute <= limit
      ? { result: 'pass', turns: [] }
      : { result: 'fail', turns: call.agentTurns };
  },
});
