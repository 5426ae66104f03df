/** The settings dialog: language, time zone, R12 threshold and per-reason allowances. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, ModalForm, TextField } from './form-fields.js';
import { isValidTimeZone } from '../model/format.js';
import { UI_LANGUAGES, type UiLanguage } from '../model/language.js';
import type { ConsoleSettings } from '../model/settings.js';
import { formatReasonThresholds, parseReasonThresholds } from '../model/thresholds.js';

/** Native names of the UI languages (the same in every UI language). */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = {
  'zh-TW': '繁體中文（台灣）',
  'zh-CN': '简体中文（中国大陆）',
  en: 'English',
};

/** Props of {@link SettingsPanel}. */
export interface SettingsPanelProps {
  settings: ConsoleSettings;
  onSave: (settings: ConsoleSettings) => void;
  onClose: () => void;
}

/** A modal form; nothing changes until Save. */
export function SettingsPanel({ settings, onSave, onClose }: SettingsPanelProps) {
  const { t } = useTranslation();
  const [language, setLanguage] = useState<UiLanguage>(settings.language);
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [minutes, setMinutes] = useState(String(settings.pauseThresholdSeconds / 60));
  const [reasons, setReasons] = useState(formatReasonThresholds(settings.reasonThresholds));
  const [error, setError] = useState<string | null>(null);
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const m = Number(minutes);
    if (!(m > 0)) return setError(t('settings.invalid', { detail: t('settings.threshold') }));
    if (!isValidTimeZone(timeZone)) return setError(t('settings.invalid', { detail: timeZone }));
    let parsed: Record<string, number>;
    try {
      parsed = parseReasonThresholds(reasons);
    } catch (e) {
      return setError(
        t('settings.invalid', { detail: e instanceof Error ? e.message : String(e) }),
      );
    }
    onSave({
      language,
      timeZone,
      pauseThresholdSeconds: Math.round(m * 60),
      reasonThresholds: parsed,
    });
  };

  return (
    <ModalForm titleId="settings-title" onClose={onClose} onSubmit={submit}>
      <h2 id="settings-title">{t('settings.title')}</h2>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select
          value={language}
          onChange={(e) => setLanguage(e.target.value as UiLanguage)}
          name="language"
        >
          {UI_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.timeZone')}</span>
        <input
          list="tz-list"
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          name="timeZone"
          autoComplete="off"
        />
        <datalist id="tz-list">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      <TextField
        label={t('settings.threshold')}
        type="number"
        min="1"
        step="1"
        value={minutes}
        name="pauseThreshold"
        onValue={setMinutes}
        help={t('settings.thresholdHelp')}
      />
      <label className="field">
        <span>{t('settings.reasons')}</span>
        <textarea
          rows={4}
          value={reasons}
          onChange={(e) => setReasons(e.target.value)}
          name="reasons"
        />
        <small>{t('settings.reasonsHelp')}</small>
      </label>
      <FormError error={error} />
      <div className="modal__actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('settings.cancel')}
        </button>
        <button type="submit" className="btn btn--primary">
          {t('settings.save')}
        </button>
      </div>
    </ModalForm>
  );
}
