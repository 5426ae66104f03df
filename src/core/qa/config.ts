/**
 * Site configuration for QA: phrase lists per language, exceptions, the hold gap and per-check
 * options. Validated with zod; a bad config names the key at fault (`checks.E04.maxWordsPerMinute`).
 * Site phrases are added to the built-in defaults unless `replaceDefaultPhrases` is true.
 */
import { z } from 'zod';
import { RULES } from './checks/index.js';
import type { BaseCheckOptions } from './rule.js';
import {
  DEFAULT_EN_EXCEPTIONS,
  DEFAULT_EN_PHRASES,
  DEFAULT_ZH_EXCEPTIONS,
  DEFAULT_ZH_PHRASES,
  PHRASE_CATEGORIES,
  type PhraseCategory,
  type PhraseLists,
} from './phrases.js';
import { PhraseMatcher } from './matcher.js';
import type { CheckId } from './types.js';

const phraseList = z.array(z.string().min(1));
const categoryShape = Object.fromEntries(
  PHRASE_CATEGORIES.map((c) => [c, phraseList.optional()]),
) as Record<PhraseCategory, z.ZodOptional<typeof phraseList>>;
const phraseListsSchema = z.strictObject(categoryShape);
const perLanguage = z.strictObject({
  zh: phraseListsSchema.optional(),
  en: phraseListsSchema.optional(),
});

const checksShape = Object.fromEntries(
  RULES.map((rule) => [rule.id, rule.optionsSchema.optional()]),
) as Record<CheckId, z.ZodOptional<z.ZodType<BaseCheckOptions>>>;

/** The zod schema of a site QA config file (JSON). */
export const qaConfigSchema = z.strictObject({
  /** Phrases added to (or replacing) the defaults, per language (`zh` covers both scripts). */
  phrases: perLanguage.optional(),
  /** Near-misses per language and category: a match inside one is ignored. */
  exceptions: perLanguage.optional(),
  /** Use only the site's phrases for the categories it lists. */
  replaceDefaultPhrases: z.boolean().default(false),
  /** Silence (seconds) after an agent wait request that counts as a hold in timed transcripts. */
  holdGapSeconds: z.number().positive().default(10),
  /** Words before an anger cue that may negate it (我不是要投诉, "I'm not complaining"). */
  negationWindow: z.number().int().min(0).max(10).default(3),
  /** Per-check options (weight, critical, thresholds). */
  checks: z.strictObject(checksShape).optional(),
});

/** A site QA config as written in the JSON file. */
export type QaConfigInput = z.input<typeof qaConfigSchema>;

/** An error in a QA config: `key` is the dotted path of the bad key (`checks.E04.weight`). */
export class QaConfigError extends Error {
  override name = 'QaConfigError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

/** Phrase matchers of one language, per category. */
export type LanguageMatchers = Readonly<Record<PhraseCategory, PhraseMatcher>>;

/** A validated config with compiled matchers, ready for `scoreTranscript`. */
export interface CompiledQaConfig {
  readonly compiled: true;
  readonly holdGapSeconds: number;
  readonly matchers: Readonly<Record<'zh' | 'en', LanguageMatchers>>;
  /** Options of every check, defaults filled in. */
  readonly checkOptions: Readonly<Record<CheckId, BaseCheckOptions>>;
}

/**
 * Validates a parsed JSON config.
 * @throws QaConfigError naming the first bad key and the reason
 */
export function parseQaConfig(input: unknown): z.output<typeof qaConfigSchema> {
  const parsed = qaConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    let path = (issue?.path ?? []).map(String).join('.');
    if (issue?.code === 'unrecognized_keys') {
      path = [...(issue.path ?? []).map(String), ...issue.keys].join('.');
    }
    throw new QaConfigError(
      `${path || '(root)'}: ${issue?.message ?? 'invalid config'}`,
      path || '(root)',
    );
  }
  return parsed.data;
}

const ANCHORED: readonly PhraseCategory[] = ['anger', 'profanity'];

function merge(
  defaults: PhraseLists,
  site: Partial<Record<PhraseCategory, string[] | undefined>> | undefined,
  replace: boolean,
): PhraseLists {
  const out = {} as Record<PhraseCategory, readonly string[]>;
  for (const c of PHRASE_CATEGORIES) {
    const own = site?.[c];
    out[c] = own ? (replace ? own : [...defaults[c], ...own]) : defaults[c];
  }
  return out;
}

/**
 * Validates and compiles a config (or returns an already compiled one).
 * @throws QaConfigError on a bad config
 */
export function compileQaConfig(input: unknown = {}): CompiledQaConfig {
  if (isCompiled(input)) return input;
  const config = parseQaConfig(input);
  const build = (
    lang: 'zh' | 'en',
    defaults: PhraseLists,
    defaultExceptions: Partial<PhraseLists>,
  ): LanguageMatchers => {
    const lists = merge(defaults, config.phrases?.[lang], config.replaceDefaultPhrases);
    const siteEx = config.exceptions?.[lang];
    const out = {} as Record<PhraseCategory, PhraseMatcher>;
    for (const c of PHRASE_CATEGORIES) {
      const exceptions = [...(defaultExceptions[c] ?? []), ...(siteEx?.[c] ?? [])];
      out[c] = new PhraseMatcher(lists[c], exceptions, {
        language: lang,
        negation: c === 'anger' ? lists.negation : undefined,
        negationWindow: config.negationWindow,
        wordStart: lang === 'zh' && ANCHORED.includes(c),
      });
    }
    return out;
  };
  const checkOptions = {} as Record<CheckId, BaseCheckOptions>;
  for (const rule of RULES) {
    checkOptions[rule.id] = config.checks?.[rule.id] ?? rule.optionsSchema.parse({});
  }
  return {
    compiled: true,
    holdGapSeconds: config.holdGapSeconds,
    matchers: {
      zh: build('zh', DEFAULT_ZH_PHRASES, DEFAULT_ZH_EXCEPTIONS),
      en: build('en', DEFAULT_EN_PHRASES, DEFAULT_EN_EXCEPTIONS),
    },
    checkOptions,
  };
}

function isCompiled(input: unknown): input is CompiledQaConfig {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { compiled?: unknown }).compiled === true
  );
}

let defaultConfig: CompiledQaConfig | null = null;

/** The built-in defaults, compiled once. */
export function defaultQaConfig(): CompiledQaConfig {
  defaultConfig ??= compileQaConfig({});
  return defaultConfig;
}
