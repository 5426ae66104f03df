/** Language detection for QA (qa.md "Transcript model"). */
import { normalizeDetailed, type NormalizedText } from './normalize.js';
import type { QaLanguage } from './types.js';

/**
 * Detects a call's language from its text: Chinese characters present → zh; any character that
 * exists only in Traditional script (one that OpenCC `t` → `cn` rewrites) → `zh-Hant`, else
 * `zh-Hans`; no Chinese characters → `en`.
 * @param texts the turns' texts
 */
export function detectLanguage(texts: Iterable<string>): QaLanguage {
  const normalized: NormalizedText[] = [];
  for (const text of texts) normalized.push(normalizeDetailed(text));
  return languageOfNormalized(normalized);
}

/** `detectLanguage` over texts already normalised with `normalizeDetailed`. */
export function languageOfNormalized(texts: readonly NormalizedText[]): QaLanguage {
  let han = false;
  for (const t of texts) {
    if (t.traditional) return 'zh-Hant';
    if (t.han) han = true;
  }
  return han ? 'zh-Hans' : 'en';
}

/** The phrase-list language of a call language: `zh` for both Chinese scripts, else `en`. */
export function phraseLanguage(language: QaLanguage): 'zh' | 'en' {
  return language === 'en' ? 'en' : 'zh';
}

/**
 * Maps a BCP 47 / AWS language code (`en-US`, `zh-CN`, `zh-TW`, `zh-Hant`) to a QA language;
 * `undefined` for others (then the language is detected from the text).
 */
export function languageFromCode(code: string | undefined | null): QaLanguage | undefined {
  if (!code) return undefined;
  const c = code.toLowerCase();
  if (c.startsWith('en')) return 'en';
  if (c === 'zh-tw' || c === 'zh-hk' || c === 'zh-mo' || c.startsWith('zh-hant')) return 'zh-Hant';
  if (c.startsWith('zh')) return 'zh-Hans';
  return undefined;
}
