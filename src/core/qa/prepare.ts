/**
 * A call prepared for the checks: language, normalised text per turn (computed once), the agent's
 * and customer's turn indices, the holds of every kind, and cached phrase lookups.
 */
import type { CompiledQaConfig, LanguageMatchers } from './config.js';
import { languageOfNormalized, phraseLanguage } from './language.js';
import { normalizeDetailed } from './normalize.js';
import type { PhraseCategory } from './phrases.js';
import type { QaLanguage, Transcript, Turn } from './types.js';

/** A hold of any kind (qa.md "A hold is"). Times in seconds from the call's start, `null` for chats. */
export interface DetectedHold {
  readonly kind: 'telephony' | 'gap' | 'chat';
  readonly start: number | null;
  readonly end: number | null;
  /** The agent turn holding the wait request (gap and chat holds), else `null`. */
  readonly requestTurn: number | null;
  /** The agent's first turn after the hold, `null` when the agent never speaks again (or untimed). */
  readonly returnTurn: number | null;
}

/** What every check sees. */
export interface PreparedCall {
  readonly transcript: Transcript;
  readonly language: QaLanguage;
  readonly turns: readonly Turn[];
  /** Indices of agent turns, in order. */
  readonly agentTurns: readonly number[];
  /** Indices of customer turns, in order. */
  readonly customerTurns: readonly number[];
  readonly holds: readonly DetectedHold[];
  /** Whether every agent turn has numeric `start` and `end`. */
  readonly timed: boolean;
  readonly config: CompiledQaConfig;
  /** Normalised text of a turn. */
  norm(turn: number): string;
  /** Whether a turn holds an accepted phrase of a category. */
  has(turn: number, category: PhraseCategory): boolean;
  /**
   * Whether a turn ends in a wait request: after its last wait request, every clause is trivial
   * (at most 2 Chinese characters or 1 English word), another wait request, or announces a look-up
   * (`checking`: 稍等，我查看一下). A wait request followed by the answer is not one.
   */
  endsWithWaitRequest(turn: number): boolean;
}

const CLAUSE_EN = /[,.!?;:。！？~～…\n]+/;
const CLAUSE_ZH = /[,.!?;:，。！？；：~～…\n\s]+/;

function trivialClause(clause: string, zh: boolean): boolean {
  if (zh) return (clause.match(/[\p{L}\p{N}]/gu)?.length ?? 0) <= 2;
  return clause.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length <= 1;
}

function isTimed(turn: Turn): turn is Turn & { start: number; end: number } {
  return typeof turn.start === 'number' && typeof turn.end === 'number';
}

/** The prepared call: normalised texts and cached phrase look-ups. */
class Prepared implements PreparedCall {
  readonly language: QaLanguage;
  readonly turns: readonly Turn[];
  readonly agentTurns: number[] = [];
  readonly customerTurns: number[] = [];
  holds: readonly DetectedHold[] = [];
  readonly timed: boolean;
  private readonly norms: string[];
  private readonly zh: boolean;
  private readonly matchers: LanguageMatchers;
  /** Per category, per turn: 0 unknown, 1 no, 2 yes. */
  private readonly cache = new Map<PhraseCategory, Uint8Array>();

  constructor(
    readonly transcript: Transcript,
    readonly config: CompiledQaConfig,
  ) {
    const turns = transcript.turns;
    this.turns = turns;
    const normalized = turns.map((t) => normalizeDetailed(t.text));
    this.norms = normalized.map((n) => n.norm);
    this.language = transcript.language ?? languageOfNormalized(normalized);
    const lang = phraseLanguage(this.language);
    this.zh = lang === 'zh';
    this.matchers = config.matchers[lang];
    turns.forEach((t, i) => {
      if (t.speaker === 'agent') this.agentTurns.push(i);
      else if (t.speaker === 'customer') this.customerTurns.push(i);
    });
    this.timed =
      this.agentTurns.length > 0 && this.agentTurns.every((i) => isTimed(turns[i] as Turn));
  }

  norm(i: number): string {
    return this.norms[i] ?? '';
  }

  has(i: number, category: PhraseCategory): boolean {
    let row = this.cache.get(category);
    if (!row) {
      row = new Uint8Array(this.turns.length);
      this.cache.set(category, row);
    }
    const v = row[i];
    if (v !== 0 && v !== undefined) return v === 2;
    const found = this.matchers[category].test(this.norm(i));
    row[i] = found ? 2 : 1;
    return found;
  }

  endsWithWaitRequest(i: number): boolean {
    const text = this.norm(i);
    if (!this.has(i, 'waitRequest')) return false;
    const found = this.matchers.waitRequest.find(text);
    const last = found[found.length - 1];
    if (!last) return false;
    const zh = this.zh;
    return text
      .slice(last.end)
      .split(zh ? CLAUSE_ZH : CLAUSE_EN)
      .every(
        (clause) =>
          trivialClause(clause, zh) ||
          this.matchers.waitRequest.test(clause) ||
          this.matchers.checking.test(clause),
      );
  }
}

/**
 * Prepares a call for the checks: normalises every turn once, detects the language when the
 * transcript does not give it, and finds the holds.
 * @param transcript the call (roles resolved)
 * @param config compiled config
 */
export function prepareCall(transcript: Transcript, config: CompiledQaConfig): PreparedCall {
  const call = new Prepared(transcript, config);
  call.holds = detectHolds(call);
  return call;
}

function nextAgentTurn(call: PreparedCall, after: number): number | null {
  return call.agentTurns.find((i) => i > after) ?? null;
}

/** Finds telephony, timed-gap and chat holds (qa.md "A hold is"). */
function detectHolds(call: PreparedCall): DetectedHold[] {
  const { turns, agentTurns } = call;
  const holds: DetectedHold[] = [];
  const telephony = call.transcript.holds ?? [];
  for (const h of telephony) {
    const ret = call.timed
      ? (agentTurns.find((i) => (turns[i]?.start ?? -Infinity) >= h.end) ?? null)
      : null;
    holds.push({
      kind: 'telephony',
      start: h.start,
      end: h.end,
      requestTurn: null,
      returnTurn: ret,
    });
  }
  let chatWaitUntil: number | null = null;
  for (const i of agentTurns) {
    const turn = turns[i] as Turn;
    if (!call.endsWithWaitRequest(i)) continue;
    const ret = nextAgentTurn(call, i);
    if (ret === null) continue;
    if (isTimed(turn)) {
      // Timed: a silence of ≥ holdGapSeconds between the request and the agent's return.
      let maxEnd = turn.end;
      let gapStart: number | null = null;
      let gapEnd: number | null = null;
      for (let j = i + 1; j <= ret; j++) {
        const t = turns[j] as Turn;
        if (typeof t.start !== 'number') continue;
        if (t.start - maxEnd >= call.config.holdGapSeconds && gapStart === null) {
          gapStart = maxEnd;
          gapEnd = t.start;
        }
        maxEnd = Math.max(maxEnd, t.end ?? t.start);
      }
      if (gapStart === null || gapEnd === null) continue;
      const s = gapStart;
      const e = gapEnd;
      if (telephony.some((h) => h.start < e && h.end > s)) continue;
      holds.push({ kind: 'gap', start: s, end: e, requestTurn: i, returnTurn: ret });
    } else if (typeof turn.start !== 'number') {
      // A chat hold; further wait requests before the return continue the same hold.
      if (chatWaitUntil !== null && i <= chatWaitUntil) continue;
      let back: number | null = ret;
      while (back !== null && call.endsWithWaitRequest(back)) back = nextAgentTurn(call, back);
      if (back === null) continue;
      chatWaitUntil = back;
      holds.push({ kind: 'chat', start: null, end: null, requestTurn: i, returnTurn: back });
    }
  }
  return holds;
}
