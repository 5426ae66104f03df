/**
 * Text normalisation for phrase matching: NFKC (full-width → half-width), OpenCC Traditional →
 * Simplified (`t` → `cn`, which leaves Simplified text unchanged), typographic apostrophes → `'`,
 * lower case. Evidence always keeps the original text; only matching sees the normalised form.
 */
import * as OpenCC from 'opencc-js';

/** opencc-js's `Converter` (its bundled .d.ts uses extensionless imports that NodeNext tooling cannot always resolve). */
type ConverterFactory = (options: { from: string; to: string }) => (text: string) => string;
const makeConverter = (OpenCC as unknown as { Converter: ConverterFactory }).Converter;

let toSimplified: ((text: string) => string) | null = null;

/**
 * Converts Traditional Chinese to Simplified with OpenCC's `t` → `cn` tables (character and phrase
 * level, no regional idioms, so Simplified input passes through unchanged).
 */
export function traditionalToSimplified(text: string): string {
  const convert = (toSimplified ??= makeConverter({ from: 't', to: 'cn' }));
  return convert(text);
}

const HAN = /\p{Script=Han}/u;
const APOSTROPHES = /[\u2018\u2019\u02bc]/g;

/** A normalised text and what normalisation found in it. */
export interface NormalizedText {
  /** The text for matching. */
  readonly norm: string;
  /** Whether the text holds Chinese characters. */
  readonly han: boolean;
  /** Whether OpenCC rewrote a character that exists only in Traditional script. */
  readonly traditional: boolean;
}

/**
 * Normalises text and reports whether it held Chinese, and Traditional-only, characters.
 * @param text original text
 */
export function normalizeDetailed(text: string): NormalizedText {
  let out = text.normalize('NFKC');
  const han = HAN.test(out);
  let traditional = false;
  if (han) {
    const converted = traditionalToSimplified(out);
    traditional = converted !== out;
    out = converted;
  }
  return { norm: out.replace(APOSTROPHES, "'").toLowerCase(), han, traditional };
}

/**
 * Normalises text for matching: NFKC, Traditional → Simplified (only when the text holds Chinese
 * characters), `’`/`‘` → `'`, lower case.
 * @param text original text
 * @returns the normalised text (its length may differ from the original's)
 */
export function normalizeText(text: string): string {
  return normalizeDetailed(text).norm;
}
