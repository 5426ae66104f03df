/**
 * i18next set-up: every user-facing string lives in `en.json`, `zh-TW.json` and `zh-CN.json`.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { UiLanguage } from '../model/language.js';
import en from './en.json';
import zhCN from './zh-CN.json';
import zhTW from './zh-TW.json';

/** The translation resources, keyed by UI language. */
export const resources = {
  en: { translation: en },
  'zh-TW': { translation: zhTW },
  'zh-CN': { translation: zhCN },
} as const;

/**
 * Initialises i18next for React in the given language.
 * @returns the i18next instance
 */
export async function initI18n(language: UiLanguage): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
