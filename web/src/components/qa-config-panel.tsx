/**
 * The site QA configuration (phrase lists, thresholds, weights, critical checks: docs/qa.md
 * "Site configuration") as JSON, readable by QA reviewers and editable with `settings.edit`.
 * The server validates it and names the bad key; a saved config applies to calls scored from then
 * on (`GET/PUT /api/qa/config`).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { FormError, StatusLine } from './form-fields.js';

interface ConfigView {
  config: unknown;
  source: 'ui' | 'file' | 'defaults';
}

/** The panel; `canEdit`: the person has `settings.edit`. */
export function QaConfigPanel({ canEdit }: { readonly canEdit: boolean }) {
  const { t } = useTranslation();
  const [view, setView] = useState<ConfigView | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    api('/api/qa/config').then(
      (body) => {
        const v = body as ConfigView;
        setView(v);
        setText(JSON.stringify(v.config, null, 2));
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, []);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (e) {
      setError(t('qa.config.badJson', { message: (e as Error).message }));
      return;
    }
    try {
      const v = (await api('/api/qa/config', { method: 'PUT', body: { config } })) as ConfigView;
      setView(v);
      setText(JSON.stringify(v.config, null, 2));
      setError(null);
      setSaved(t('qa.config.saved'));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    }
  };

  return (
    <section className="panel qa-config" data-testid="qa-config">
      <h2 className="panel__title">{t('qa.config.title')}</h2>
      <p className="panel__help">
        {t('qa.config.help')}{' '}
        {view !== null ? <strong>{t(`qa.config.source.${view.source}`)}</strong> : null}
      </p>
      <form onSubmit={(e) => void save(e)}>
        <textarea
          className="qa-config__text"
          aria-label={t('qa.config.title')}
          spellCheck={false}
          rows={10}
          value={text}
          readOnly={!canEdit}
          onChange={(e) => setText(e.target.value)}
        />
        <FormError error={error} testId="qa-config-error" />
        <StatusLine message={saved} />
        {canEdit ? (
          <button type="submit" className="btn btn--primary">
            {t('qa.config.save')}
          </button>
        ) : null}
      </form>
    </section>
  );
}
