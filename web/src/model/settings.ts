/**
 * Console settings kept in the browser (localStorage): language, time zone, R12 thresholds.
 */
import { isValidTimeZone } from './format.js';
import { pickLanguage, type UiLanguage } from './language.js';
import { DEFAULT_PAUSE_THRESHOLD_SECONDS, type ThresholdSettings } from './thresholds.js';

/** Everything the settings panel edits. */
export interface ConsoleSettings extends ThresholdSettings {
  language: UiLanguage;
  /** IANA time zone for clock times and report ranges. */
  timeZone: string;
}

/** localStorage keys. */
export const STORAGE_KEYS = {
  language: 'callfloor.language',
  settings: 'callfloor.settings',
} as const;

/** The part of `Storage` the settings use. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Loads settings, falling back field by field to the defaults.
 * @param store localStorage (or a stand-in)
 * @param browserLanguages `navigator.languages`
 * @param browserTimeZone the browser's zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`)
 */
export function loadSettings(
  store: KeyValueStore,
  browserLanguages: readonly string[],
  browserTimeZone: string,
): ConsoleSettings {
  let saved: Partial<ConsoleSettings> = {};
  try {
    const raw = store.getItem(STORAGE_KEYS.settings);
    if (raw) saved = JSON.parse(raw) as Partial<ConsoleSettings>;
  } catch {
    saved = {};
  }
  const threshold = saved.pauseThresholdSeconds;
  const reasons = saved.reasonThresholds;
  return {
    language: pickLanguage(store.getItem(STORAGE_KEYS.language), browserLanguages),
    timeZone:
      typeof saved.timeZone === 'string' && isValidTimeZone(saved.timeZone)
        ? saved.timeZone
        : browserTimeZone,
    pauseThresholdSeconds:
      typeof threshold === 'number' && threshold > 0 ? threshold : DEFAULT_PAUSE_THRESHOLD_SECONDS,
    reasonThresholds: reasons && typeof reasons === 'object' ? reasons : {},
  };
}

/** Saves settings; the language goes to its own key so an explicit choice is remembered. */
export function saveSettings(store: KeyValueStore, settings: ConsoleSettings): void {
  store.setItem(STORAGE_KEYS.language, settings.language);
  const { timeZone, pauseThresholdSeconds, reasonThresholds } = settings;
  store.setItem(
    STORAGE_KEYS.settings,
    JSON.stringify({ timeZone, pauseThresholdSeconds, reasonThresholds }),
  );
}
