/**
 * The audit page (X05): search the audit log by person, action and date range (whole days in the
 * console's time zone), newest first as the server answers, with a CSV export link of the same
 * search (the export itself is audited by the server).
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { FormError } from '../components/form-fields.js';
import {
  auditActionKey,
  auditNext,
  auditUrl,
  parseAudit,
  type AuditQuery,
  type AuditRow,
} from '../model/admin.js';
import { addDays, formatDateTime, localDate } from '../model/format.js';
import type { UiLanguage } from '../model/language.js';
import { useErrorText } from './auth-pages.js';

/** Props of {@link AuditPage}. */
export interface AuditPageProps {
  language: UiLanguage;
  timeZone: string;
  now: number;
}

/** The audit page. */
export function AuditPage({ language, timeZone, now }: AuditPageProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const today = localDate(now, timeZone);
  const [form, setForm] = useState<AuditQuery>({
    fromDate: addDays(today, -6),
    toDate: today,
    actor: '',
    action: '',
  });
  const [query, setQuery] = useState<AuditQuery>(form);
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = useMemo(() => auditUrl(query, timeZone), [query, timeZone]);
  const csvUrl = useMemo(() => auditUrl(query, timeZone, 'csv'), [query, timeZone]);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    api(url)
      .then((body) => {
        if (cancelled) return;
        setRows(parseAudit(body));
        setNext(auditNext(body));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorText(e));
      });
    return () => {
      cancelled = true;
    };
  }, [url]);

  const more = useCallback(() => {
    if (next === null) return;
    api(auditUrl(query, timeZone, 'json', next))
      .then((body) => {
        setRows((r) => [...(r ?? []), ...parseAudit(body)]);
        setNext(auditNext(body));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [next, query, timeZone, errorText]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ ...form });
  };

  return (
    <main className="audit" data-testid="audit-page">
      <form className="toolbar" onSubmit={search}>
        <label className="select">
          <span>{t('reports.from')}</span>
          <input
            type="date"
            name="from"
            value={form.fromDate}
            max={form.toDate || undefined}
            onChange={(e) => setForm({ ...form, fromDate: e.target.value })}
          />
        </label>
        <label className="select">
          <span>{t('reports.to')}</span>
          <input
            type="date"
            name="to"
            value={form.toDate}
            min={form.fromDate || undefined}
            onChange={(e) => setForm({ ...form, toDate: e.target.value })}
          />
        </label>
        <label className="select">
          <span>{t('audit.actor')}</span>
          <input
            name="actor"
            value={form.actor}
            placeholder={t('audit.actorHint')}
            onChange={(e) => setForm({ ...form, actor: e.target.value })}
          />
        </label>
        <label className="select">
          <span>{t('audit.action')}</span>
          <input
            name="action"
            value={form.action}
            placeholder={t('audit.actionHint')}
            onChange={(e) => setForm({ ...form, action: e.target.value })}
          />
        </label>
        <button type="submit" className="btn btn--primary">
          {t('audit.search')}
        </button>
        <a className="btn" href={csvUrl} download data-testid="audit-csv">
          {t('audit.exportCsv')}
        </a>
        <span className="toolbar__note">{t('reports.rangeNote', { tz: timeZone })}</span>
      </form>
      <FormError error={error} />
      <section className="panel">
        <h2 className="panel__title">
          {t('audit.title')}
          {rows !== null ? <span className="panel__count">{rows.length}</span> : null}
        </h2>
        {rows === null && error === null ? <p className="empty">{t('auth.loading')}</p> : null}
        {rows !== null && rows.length === 0 ? <p className="empty">{t('audit.empty')}</p> : null}
        {rows !== null && rows.length > 0 ? (
          <div className="table-wrap">
            <table className="table table--left" data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('people.role')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.target')}</th>
                  <th>{t('audit.status')}</th>
                  <th>{t('audit.ip')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.at, timeZone, language)}</td>
                    <td>
                      {r.actorName ??
                        r.actorId ??
                        t(`audit.kind.${r.actorKind}`, {
                          defaultValue: r.actorKind,
                        })}
                      {r.actorId !== null && r.actorName !== null && r.actorName !== r.actorId ? (
                        <small className="muted"> {r.actorId}</small>
                      ) : null}
                    </td>
                    <td>
                      {r.role !== null ? t(`roles.${r.role}`, { defaultValue: r.role }) : '—'}
                    </td>
                    <td className="audit__action" data-action={r.action}>
                      <AuditAction action={r.action} />
                    </td>
                    <td className="cell--wrap">{r.target ?? '—'}</td>
                    <td>{r.status ?? '—'}</td>
                    <td>{r.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {next !== null ? (
          <button type="button" className="btn audit__more" onClick={more}>
            {t('audit.more')}
          </button>
        ) : null}
      </section>
    </main>
  );
}

/**
 * An action as the table shows it: the translated label with the raw key under it (what the
 * action filter and the CSV export use), or the raw key alone when it has no label.
 */
function AuditAction({ action }: { action: string }) {
  const { t } = useTranslation();
  const key = auditActionKey(action);
  if (key === null) return <code>{action}</code>;
  return (
    <>
      <span className="audit__label">{t(key, { defaultValue: action })}</span>
      <code className="audit__key muted">{action}</code>
    </>
  );
}
