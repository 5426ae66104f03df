/**
 * Alert messages in the requester's language (`floor-api.md`: `message` already in the requester's
 * language). Templates live in `src/i18n/alerts/{en,zh-TW,zh-CN}.json`; this module only picks the
 * locale and interpolates with an i18next instance of its own (no global i18next state).
 */
import i18next, { type i18n } from 'i18next';
import en from '../../i18n/alerts/en.json' with { type: 'json' };
import zhCN from '../../i18n/alerts/zh-CN.json' with { type: 'json' };
import zhTW from '../../i18n/alerts/zh-TW.json' with { type: 'json' };
import type { FloorAlert } from './alerts.js';

/** Locales with alert templates. */
export const ALERT_LOCALES = ['en', 'zh-TW', 'zh-CN'] as const;
export type AlertLocale = (typeof ALERT_LOCALES)[number];

const instance: i18n = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: {
    en: { alerts: en },
    'zh-TW': { alerts: zhTW },
    'zh-CN': { alerts: zhCN },
  },
  lng: 'en',
  fallbackLng: 'en',
  ns: ['alerts'],
  defaultNS: 'alerts',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/**
 * Maps a BCP 47 tag (e.g. from `Accept-Language`) to a supported locale: Traditional Chinese
 * (`zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant*`) → `zh-TW`; other Chinese (`zh`, `zh-CN`, `zh-SG`,
 * `zh-Hans*`) → `zh-CN`; anything else → `en`.
 */
export function alertLocale(tag: string | null | undefined): AlertLocale {
  const t = (tag ?? '').trim().toLowerCase();
  if (!t.startsWith('zh')) return 'en';
  if (/^zh-(tw|hk|mo|hant)/.test(t)) return 'zh-TW';
  return 'zh-CN';
}

/**
 * The message of an alert in a locale.
 * @param alert an alert from `evaluateAlerts`; `params.name` (display name, added by the server)
 *   is used when present, else the agent id
 * @param locale a supported locale or any BCP 47 tag (see {@link alertLocale})
 * @returns the interpolated message
 */
export function alertMessage(alert: FloorAlert, locale: string): string {
  const lng = alertLocale(locale);
  const p = alert.params;
  const name = typeof p.name === 'string' ? p.name : (alert.agent ?? '');
  const reason = typeof p.reason === 'string' ? p.reason : '';
  const reasonText = reason === '' ? '' : instance.t('reasonText', { lng, reason });
  // `count` selects the plural form where a message has one (e.g. callers waiting).
  const count = typeof p.waiting === 'number' ? p.waiting : undefined;
  return instance.t(alert.rule, { lng, ...p, name, reason, reasonText, count });
}
