/**
 * Phrase matching on normalised text (see `normalizeText`). A phrase list compiles to one regular
 * expression; English phrases match on word boundaries (with plain inflections -s/-es/-ed/-ing
 * after a last word of 4+ letters), Chinese phrases anywhere, independent of spaces. `…` in a phrase
 * matches up to 12 characters inside one sentence. Exceptions (near-misses) and negation are
 * applied per match.
 */
import { cutWords } from './segment.js';

/** A match in normalised text: [index, end). */
export interface PhraseMatch {
  readonly index: number;
  readonly end: number;
}

/** How a matcher treats the words before a match. */
export interface MatcherOptions {
  /** `zh` or `en`: word rules for boundaries and negation. */
  readonly language: 'zh' | 'en';
  /** Negation words; a match with one of them in the `negationWindow` words before it (same clause) is dropped. */
  readonly negation?: readonly string[] | undefined;
  /** How many words before a match may hold a negation (default 3). */
  readonly negationWindow?: number | undefined;
  /** Chinese only: drop a match that starts inside a jieba word (没有病毒 is not 有病). */
  readonly wordStart?: boolean | undefined;
}

const GAP = '[^.!?。\\n]{0,12}?';
/** Clause breaks: punctuation; in Chinese also spaces (chat logs join messages with spaces). */
const CLAUSE_BREAK_ZH = /[,.!?;:，。！？；：、~\s]/;
const CLAUSE_BREAK_EN = /[,.!?;:~]/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff]/;

/**
 * One literal part of a phrase: spaces match any run of spaces; between two Chinese characters
 * one optional space is allowed, so matching does not depend on spaces (ASR output often spaces
 * out words: 您 好 请 问).
 */
function partSource(part: string): string {
  const chars = [...part.trim()];
  let out = '';
  chars.forEach((c, k) => {
    if (/\s/.test(c)) {
      if (!out.endsWith('\\s+')) out += '\\s+';
      return;
    }
    const prev = chars[k - 1];
    if (k > 0 && prev !== undefined && CJK.test(prev) && CJK.test(c)) out += ' ?';
    out += escape(c);
  });
  return out;
}

function phraseSource(phrase: string): string {
  const parts = phrase.split(/…|\.\.\./).map((part) => part.normalize('NFKC').toLowerCase());
  let body = parts.map(partSource).join(GAP);
  const first = parts[0]?.trim() ?? '';
  const last = parts[parts.length - 1]?.trim() ?? '';
  if (/^[a-z0-9']/.test(first)) body = `(?<![a-z0-9'])${body}`;
  if (/[a-z0-9']$/.test(last)) {
    const lastWord = /([a-z']+)$/.exec(last)?.[1] ?? '';
    body += lastWord.length >= 4 ? "(?:s|es|ed|d|ing)?(?![a-z0-9'])" : "(?![a-z0-9'])";
  }
  return body;
}

/**
 * Compiles phrases to global regular expressions (longest first): one for phrases that start with
 * a Latin letter or digit (behind one shared word-boundary look-behind, and only run on text that
 * holds one), one for the others (plain alternation, fast). Empty list → no expression.
 */
export function compilePhraseGroups(phrases: readonly string[]): CompiledGroup[] {
  const usable = [...new Set(phrases.map((p) => p.trim()).filter((p) => p.length > 0))];
  usable.sort((a, b) => b.length - a.length);
  const latin = usable.filter((p) => /^[a-z0-9']/.test(p.normalize('NFKC').toLowerCase()));
  const other = usable.filter((p) => !latin.includes(p));
  const groups: CompiledGroup[] = [];
  if (other.length > 0) {
    // A look-ahead on the possible first characters lets the engine skip most positions fast.
    const firsts = new Set(other.map((p) => [...p.normalize('NFKC').toLowerCase()][0] ?? ''));
    const klass = [...firsts].map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('');
    groups.push({
      re: new RegExp(`(?=[${klass}])(?:${other.map(phraseSource).join('|')})`, 'g'),
      latin: false,
    });
  }
  if (latin.length > 0) {
    const body = latin.map((p) => phraseSource(p).replace("(?<![a-z0-9'])", '')).join('|');
    groups.push({ re: new RegExp(`(?<![a-z0-9'])(?:${body})`, 'g'), latin: true });
  }
  return groups;
}

/** One compiled expression; `latin` ones run only on text holding a Latin letter or digit. */
export interface CompiledGroup {
  readonly re: RegExp;
  readonly latin: boolean;
}

const LATIN = /[a-z0-9]/;

function allMatches(groups: readonly CompiledGroup[], norm: string): PhraseMatch[] {
  const out: PhraseMatch[] = [];
  let hasLatin: boolean | null = null;
  for (const g of groups) {
    if (g.latin && !(hasLatin ??= LATIN.test(norm))) continue;
    g.re.lastIndex = 0;
    for (const m of norm.matchAll(g.re)) out.push({ index: m.index, end: m.index + m[0].length });
  }
  if (groups.length > 1) out.sort((a, b) => a.index - b.index);
  return out;
}

function anyMatch(groups: readonly CompiledGroup[], norm: string): boolean {
  let hasLatin: boolean | null = null;
  for (const g of groups) {
    if (g.latin && !(hasLatin ??= LATIN.test(norm))) continue;
    g.re.lastIndex = 0;
    const found = g.re.test(norm);
    g.re.lastIndex = 0;
    if (found) return true;
  }
  return false;
}

/** A compiled phrase category for one language. */
export class PhraseMatcher {
  private readonly pattern: readonly CompiledGroup[];
  private readonly exceptions: readonly CompiledGroup[];
  private readonly negation: ReadonlySet<string>;
  private readonly window: number;

  /**
   * @param phrases the category's phrases (normalised on compile)
   * @param exceptions near-misses: a match inside one of these is ignored
   * @param options word rules
   */
  constructor(
    phrases: readonly string[],
    exceptions: readonly string[],
    private readonly options: MatcherOptions,
  ) {
    this.pattern = compilePhraseGroups(phrases);
    this.exceptions = compilePhraseGroups(exceptions);
    this.negation = new Set((options.negation ?? []).map((w) => w.normalize('NFKC').toLowerCase()));
    this.window = options.negationWindow ?? 3;
  }

  /** All accepted matches in normalised text. */
  find(norm: string): PhraseMatch[] {
    if (this.pattern.length === 0) return [];
    const out: PhraseMatch[] = [];
    let excepted: PhraseMatch[] | null = null;
    for (const match of allMatches(this.pattern, norm)) {
      if (this.exceptions.length > 0) {
        excepted ??= allMatches(this.exceptions, norm);
        if (excepted.some((e) => e.index <= match.index && e.end >= match.end)) continue;
      }
      if (this.negation.size > 0 || this.options.wordStart) {
        if (!this.acceptInContext(norm, match)) continue;
      }
      out.push(match);
    }
    return out;
  }

  /** Whether the normalised text holds an accepted match. */
  test(norm: string): boolean {
    if (this.pattern.length === 0) return false;
    if (!anyMatch(this.pattern, norm)) return false;
    if (this.exceptions.length === 0 && this.negation.size === 0 && !this.options.wordStart) {
      return true;
    }
    return this.find(norm).length > 0;
  }

  private acceptInContext(norm: string, match: PhraseMatch): boolean {
    const clauseBreak = this.options.language === 'en' ? CLAUSE_BREAK_EN : CLAUSE_BREAK_ZH;
    let clauseStart = match.index;
    while (clauseStart > 0 && !clauseBreak.test(norm[clauseStart - 1] ?? '')) clauseStart--;
    const prefix = norm.slice(clauseStart, match.index);
    if (this.options.language === 'en') {
      const words = prefix.split(/[^a-z']+/).filter((w) => w.length > 0);
      const recent = words.slice(-this.window);
      return !recent.some(
        (w) => this.negation.has(w) || (this.negation.has("n't") && w.endsWith("n't")),
      );
    }
    if (prefix.length === 0) return true;
    let clauseEnd = match.end;
    while (clauseEnd < norm.length && !clauseBreak.test(norm[clauseEnd] ?? '')) clauseEnd++;
    const words = cutWords(norm.slice(clauseStart, clauseEnd));
    const before: string[] = [];
    let offset = 0;
    const rel = match.index - clauseStart;
    for (const w of words) {
      if (offset === rel) break;
      if (offset + w.length > rel) {
        // The match starts inside a word: a near-miss across word boundaries.
        if (this.options.wordStart) return false;
        break;
      }
      before.push(w);
      offset += w.length;
    }
    return !before.slice(-this.window).some((w) => this.negation.has(w));
  }
}
