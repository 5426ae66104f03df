/**
 * UI language choice: zh-TW (Traditional, Taiwan), zh-CN (Simplified, mainland) or en.
 */

/** The languages the UI ships. */
export type UiLanguage = 'en' | 'zh-TW' | 'zh-CN';

/** Every UI language, in the order of the switcher. */
export const UI_LANGUAGES: readonly UiLanguage[] = ['zh-TW', 'zh-CN', 'en'];

/**
 * Maps one BCP 47 tag to a UI language.
 * zh-TW, zh-HK, zh-MO and any zh-Hant tag → zh-TW; zh, zh-CN, zh-SG and zh-Hans → zh-CN;
 * en-* → en; anything else → `null`.
 */
export function languageOfTag(tag: string): UiLanguage | null {
  const t = tag.trim().toLowerCase().replace(/_/g, '-');
  const parts = t.split('-');
  if (parts[0] === 'zh') {
    if (
      parts.includes('hant') ||
      parts.includes('tw') ||
      parts.includes('hk') ||
      parts.includes('mo')
    ) {
      return 'zh-TW';
    }
    return 'zh-CN';
  }
  if (parts[0] === 'en') return 'en';
  return null;
}

/**
 * Picks the UI language from the browser's preferences (`navigator.languages`).
 * @param stored a previous explicit choice (localStorage), wins when valid
 * @param preferred tags in preference order
 * @returns the first supported language, else `en`
 */
export function pickLanguage(stored: string | null, preferred: readonly string[]): UiLanguage {
  if (stored !== null && (UI_LANGUAGES as readonly string[]).includes(stored)) {
    return stored as UiLanguage;
  }
  for (const tag of preferred) {
    const lang = languageOfTag(tag);
    if (lang !== null) return lang;
  }
  return 'en';
}
