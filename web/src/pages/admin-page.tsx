/**
 * The admin page (issue #4): people (list, add, edit basic fields), CSV import with the refused
 * rows as a table, API and wallboard tokens (the secret shown once, with the wallboard URL), the
 * confidentiality text in three languages, and the site's QA settings (`settings.edit`). Each
 * section shows only with its permission.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import {
  FormError,
  ModalForm,
  PasswordField,
  StatusLine,
  TextField,
} from '../components/form-fields.js';
import {
  parseConfidentiality,
  parseCreatedToken,
  parseImportErrors,
  parsePeople,
  parseTokens,
  type CreatedToken,
  type ImportRowError,
  type PersonRow,
  type TokenRow,
} from '../model/admin.js';
import { HUMAN_ROLES, MACHINE_ROLES, mayGrantRole } from '../../../src/core/people/access.js';
import { adminSections, type AdminSection, type Me } from '../model/auth.js';
import { formatDateTime } from '../model/format.js';
import { QaConfigPanel } from '../components/qa-config-panel.js';
import { LANGUAGE_NAMES } from '../components/settings-panel.js';
import type { UiLanguage } from '../model/language.js';
import { useErrorText } from './auth-pages.js';

/** The admin section of a pathname (`/admin/tokens` → tokens), if allowed; else the first. */
export function sectionOf(pathname: string, allowed: readonly AdminSection[]): AdminSection | null {
  const part = pathname.replace(/\/+$/, '').split('/')[2];
  const found = allowed.find((s) => s === part);
  return found ?? allowed[0] ?? null;
}

/** Props of {@link AdminPage}. */
export interface AdminPageProps {
  me: Me;
  language: UiLanguage;
  timeZone: string;
}

/** The admin page. */
export function AdminPage({ me, language, timeZone }: AdminPageProps) {
  const { t } = useTranslation();
  const allowed = adminSections(me);
  const [section, setSection] = useState<AdminSection | null>(() =>
    sectionOf(window.location.pathname, allowed),
  );
  const open = (s: AdminSection) => {
    window.history.replaceState(null, '', `/admin/${s}`);
    setSection(s);
  };
  return (
    <main className="admin" data-testid="admin-page">
      <nav className="tabs" aria-label={t('nav.admin')}>
        {allowed.map((s) => (
          <button
            key={s}
            type="button"
            className={s === section ? 'tabs__tab tabs__tab--active' : 'tabs__tab'}
            onClick={() => open(s)}
            data-section={s}
            // On a phone the tabs scroll sideways: keep the open one in view.
            ref={s === section ? scrollIntoView : undefined}
          >
            {t(`admin.${s}`)}
          </button>
        ))}
      </nav>
      {section === 'people' ? <PeopleSection /> : null}
      {section === 'import' ? <ImportSection /> : null}
      {section === 'tokens' ? (
        <TokensSection me={me} language={language} timeZone={timeZone} />
      ) : null}
      {section === 'confidentiality' ? <ConfidentialityEditor /> : null}
      {section === 'qa' ? <QaConfigPanel canEdit /> : null}
    </main>
  );
}

/** Scrolls an element into its scrolling parent's view, as little as needed. */
function scrollIntoView(element: HTMLElement | null): void {
  element?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
}

/** Empty → null, for optional text fields. */
function orNull(value: string): string | null {
  const v = value.trim();
  return v === '' ? null : v;
}

interface PersonDraft {
  id: string;
  name: string;
  role: string;
  teamId: string;
  email: string;
  phone: string;
  password: string;
  active: boolean;
}

const EMPTY_DRAFT: PersonDraft = {
  id: '',
  name: '',
  role: 'agent',
  teamId: '',
  email: '',
  phone: '',
  password: '',
  active: true,
};

function PeopleSection() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [people, setPeople] = useState<PersonRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ draft: PersonDraft; isNew: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    api('/api/people')
      .then((body) => setPeople(parsePeople(body)))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);

  const save = async (draft: PersonDraft, isNew: boolean): Promise<string | null> => {
    const fields = {
      name: draft.name.trim(),
      role: draft.role,
      teamId: orNull(draft.teamId),
      email: orNull(draft.email),
      phone: orNull(draft.phone),
    };
    try {
      const body = isNew
        ? await api('/api/people', {
            method: 'POST',
            body: {
              id: draft.id.trim(),
              ...fields,
              ...(draft.password !== '' ? { password: draft.password } : {}),
            },
          })
        : await api(`/api/people/${encodeURIComponent(draft.id)}`, {
            method: 'PATCH',
            body: { ...fields, active: draft.active },
          });
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const temporary = b.temporaryPassword ?? b.password;
      setNotice(
        typeof temporary === 'string'
          ? t('people.temporaryPassword', { id: draft.id, password: temporary })
          : t('people.saved', { id: draft.id }),
      );
      setEditing(null);
      load();
      return null;
    } catch (e) {
      return e instanceof ApiError && e.field !== null && !e.message.includes(e.field)
        ? `${errorText(e)} (${e.field})`
        : errorText(e);
    }
  };

  return (
    <section className="panel" data-testid="people-section">
      <h2 className="panel__title">
        {t('admin.people')}
        <button
          type="button"
          className="btn btn--small btn--primary"
          onClick={() => setEditing({ draft: EMPTY_DRAFT, isNew: true })}
          data-testid="person-add"
        >
          {t('people.add')}
        </button>
      </h2>
      <StatusLine message={notice} />
      <FormError error={error} />
      {people === null && error === null ? <p className="empty">{t('auth.loading')}</p> : null}
      {people !== null && people.length === 0 ? <p className="empty">{t('people.none')}</p> : null}
      {people !== null && people.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--left" data-testid="people-table">
            <thead>
              <tr>
                <th>{t('auth.id')}</th>
                <th>{t('people.name')}</th>
                <th>{t('people.role')}</th>
                <th className="hide-phone">{t('people.team')}</th>
                <th className="hide-phone">{t('people.email')}</th>
                <th className="hide-phone">{t('people.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} data-person={p.id} className={p.active ? '' : 'row--inactive'}>
                  <td>
                    <code>{p.id}</code>
                  </td>
                  <td>{p.name}</td>
                  <td>{t(`roles.${p.role}`, { defaultValue: p.role })}</td>
                  <td className="hide-phone">{p.teamId ?? '—'}</td>
                  <td className="hide-phone">{p.email ?? '—'}</td>
                  <td className="hide-phone">
                    {p.active ? t('people.active') : t('people.inactive')}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn--small"
                      onClick={() =>
                        setEditing({
                          isNew: false,
                          draft: {
                            id: p.id,
                            name: p.name,
                            role: p.role,
                            teamId: p.teamId ?? '',
                            email: p.email ?? '',
                            phone: p.phone ?? '',
                            password: '',
                            active: p.active,
                          },
                        })
                      }
                    >
                      {t('people.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing !== null ? (
        <PersonDialog
          initial={editing.draft}
          isNew={editing.isNew}
          onClose={() => setEditing(null)}
          onSave={save}
        />
      ) : null}
    </section>
  );
}

function PersonDialog({
  initial,
  isNew,
  onClose,
  onSave,
}: {
  initial: PersonDraft;
  isNew: boolean;
  onClose: () => void;
  /** Resolves to an error message, or null when saved. */
  onSave: (draft: PersonDraft, isNew: boolean) => Promise<string | null>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<PersonDraft>) => setDraft({ ...draft, ...patch });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(await onSave(draft, isNew));
    setBusy(false);
  };
  return (
    <ModalForm
      titleId="person-title"
      onClose={onClose}
      onSubmit={(e) => void submit(e)}
      testId="person-dialog"
    >
      <h2 id="person-title">{isNew ? t('people.add') : t('people.editTitle', { id: draft.id })}</h2>
      {isNew ? (
        <TextField
          label={t('auth.id')}
          name="id"
          required
          value={draft.id}
          onValue={(v) => set({ id: v })}
          help={t('people.idHelp')}
        />
      ) : null}
      <TextField
        label={t('people.name')}
        name="name"
        required
        value={draft.name}
        onValue={(v) => set({ name: v })}
      />
      <label className="field">
        <span>{t('people.role')}</span>
        <select name="role" value={draft.role} onChange={(e) => set({ role: e.target.value })}>
          {HUMAN_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <TextField
        label={t('people.team')}
        name="teamId"
        value={draft.teamId}
        onValue={(v) => set({ teamId: v })}
      />
      <div className="field-row">
        <TextField
          label={t('people.email')}
          name="email"
          type="email"
          value={draft.email}
          onValue={(v) => set({ email: v })}
        />
        <TextField
          label={t('people.phone')}
          name="phone"
          value={draft.phone}
          onValue={(v) => set({ phone: v })}
        />
      </div>
      {isNew ? (
        <PasswordField
          label={t('people.initialPassword')}
          name="password"
          autoComplete="new-password"
          value={draft.password}
          onValue={(v) => set({ password: v })}
          help={t('people.initialPasswordHelp')}
        />
      ) : (
        <label className="check">
          <input
            type="checkbox"
            name="active"
            checked={draft.active}
            onChange={(e) => set({ active: e.target.checked })}
          />
          <span>{t('people.active')}</span>
        </label>
      )}
      <FormError error={error} className="auth-error" />
      <div className="modal__actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('settings.cancel')}
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {t('settings.save')}
        </button>
      </div>
    </ModalForm>
  );
}

function ImportSection() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<ImportRowError[]>([]);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (file === null) return;
    setBusy(true);
    setResult(null);
    setError(null);
    setRows([]);
    try {
      const body = await api('/api/import/people', {
        method: 'POST',
        body: await file.text(),
        contentType: 'text/csv',
      });
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      setResult(
        typeof b.created === 'number' && typeof b.updated === 'number'
          ? t('import.done', { created: b.created, updated: b.updated })
          : t('import.doneNoCount', { file: file.name }),
      );
    } catch (e) {
      const problems = e instanceof ApiError ? parseImportErrors(e.body) : [];
      // With a table of problems, its translated heading says it all.
      setRows(problems);
      setError(problems.length > 0 ? null : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="import-section">
      <h2 className="panel__title">{t('import.title')}</h2>
      <p className="panel__help">{t('import.help')}</p>
      <form className="toolbar toolbar--inline" onSubmit={(e) => void upload(e)}>
        <input
          type="file"
          name="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <button type="submit" className="btn btn--primary" disabled={file === null || busy}>
          {t('import.upload')}
        </button>
      </form>
      <StatusLine message={result} />
      <FormError error={error} />
      {rows.length > 0 ? (
        <div className="table-wrap">
          <p className="form-error">{t('import.rowsTitle', { count: rows.length })}</p>
          <table className="table table--left" data-testid="import-errors">
            <thead>
              <tr>
                <th>{t('import.line')}</th>
                <th>{t('import.field')}</th>
                <th>{t('import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.line ?? '—'}</td>
                  <td>{r.field ?? '—'}</td>
                  <td className="cell--wrap">{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function formatInstant(epochMs: number | null, language: UiLanguage, timeZone: string): string {
  if (epochMs === null) return '—';
  return formatDateTime(epochMs, timeZone, language, false);
}

function TokensSection({
  me,
  language,
  timeZone,
}: {
  me: Me;
  language: UiLanguage;
  timeZone: string;
}) {
  // Only the roles this person may grant (no escalation through tokens; the server checks too).
  const tokenRoles = [...MACHINE_ROLES, ...HUMAN_ROLES].filter((r) =>
    mayGrantRole(me.permissions, r),
  );
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('wallboard');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api('/api/tokens')
      .then((body) => setTokens(parseTokens(body)))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = await api('/api/tokens', { method: 'POST', body: { name: name.trim(), role } });
      setCreated(parseCreatedToken(body, window.location.origin));
      setName('');
      load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: TokenRow) => {
    if (!window.confirm(t('tokens.confirmRevoke', { name: token.name }))) return;
    try {
      await api(`/api/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' });
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section className="panel" data-testid="tokens-section">
      <h2 className="panel__title">{t('admin.tokens')}</h2>
      <p className="panel__help">{t('tokens.help')}</p>
      <form className="toolbar toolbar--inline" onSubmit={(e) => void create(e)}>
        <label className="select">
          <span>{t('tokens.name')}</span>
          <input name="tokenName" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="select">
          <span>{t('people.role')}</span>
          <select name="tokenRole" value={role} onChange={(e) => setRole(e.target.value)}>
            {tokenRoles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {t('tokens.create')}
        </button>
      </form>
      {created !== null ? (
        <div className="secret-box" role="status" data-testid="token-secret">
          <strong>{t('tokens.secretOnce', { name: created.name })}</strong>
          <label className="field">
            <span>{t('tokens.secret')}</span>
            <input readOnly value={created.secret} onFocus={(e) => e.target.select()} />
          </label>
          {created.wallboardUrl !== null ? (
            <label className="field">
              <span>{t('tokens.wallboardUrl')}</span>
              <input
                readOnly
                value={created.wallboardUrl}
                onFocus={(e) => e.target.select()}
                data-testid="token-wallboard-url"
              />
            </label>
          ) : null}
          <button type="button" className="btn btn--small" onClick={() => setCreated(null)}>
            {t('tokens.dismiss')}
          </button>
        </div>
      ) : null}
      <FormError error={error} />
      {tokens !== null && tokens.length === 0 ? <p className="empty">{t('tokens.none')}</p> : null}
      {tokens !== null && tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--left" data-testid="tokens-table">
            <thead>
              <tr>
                <th>{t('tokens.name')}</th>
                <th>{t('people.role')}</th>
                <th>{t('tokens.createdAt')}</th>
                <th>{t('tokens.lastUsed')}</th>
                <th>{t('people.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr key={tk.id} data-token={tk.id} className={tk.revokedAt ? 'row--inactive' : ''}>
                  <td>{tk.name}</td>
                  <td>{t(`roles.${tk.role}`, { defaultValue: tk.role })}</td>
                  <td>{formatInstant(tk.createdAt, language, timeZone)}</td>
                  <td>
                    {tk.lastUsedAt === null
                      ? t('tokens.never')
                      : formatInstant(tk.lastUsedAt, language, timeZone)}
                  </td>
                  <td>
                    {tk.revokedAt !== null
                      ? t('tokens.revoked')
                      : tk.expiresAt !== null && tk.expiresAt < Date.now()
                        ? t('tokens.expired')
                        : t('people.active')}
                  </td>
                  <td>
                    {tk.revokedAt === null ? (
                      <button
                        type="button"
                        className="btn btn--small btn--danger"
                        onClick={() => void revoke(tk)}
                      >
                        {t('tokens.revoke')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

const TEXT_LANGUAGES: readonly UiLanguage[] = ['zh-TW', 'zh-CN', 'en'];

function ConfidentialityEditor() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [version, setVersion] = useState<number | null>(null);
  const [texts, setTexts] = useState<Record<UiLanguage, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api('/api/confidentiality')
      .then((body) => {
        const c = parseConfidentiality(body);
        setVersion(c.version);
        setTexts(c.texts);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, []);

  const publish = async (event: FormEvent) => {
    event.preventDefault();
    if (texts === null) return;
    if (TEXT_LANGUAGES.some((l) => texts[l].trim() === '')) {
      return setError(t('confEditor.allLanguages'));
    }
    if (!window.confirm(t('confEditor.confirm'))) return;
    setBusy(true);
    setError(null);
    try {
      const body = await api('/api/confidentiality', { method: 'PUT', body: { texts } });
      const v = (body as { version?: unknown } | null)?.version;
      if (typeof v === 'number') setVersion(v);
      setNotice(t('confEditor.published', { version: typeof v === 'number' ? v : '' }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="conf-editor">
      <h2 className="panel__title">
        {t('admin.confidentiality')}
        {version !== null ? (
          <span className="panel__count">{t('confidentiality.version', { version })}</span>
        ) : null}
      </h2>
      <p className="panel__help">{t('confEditor.help')}</p>
      {texts !== null ? (
        <form className="conf-editor" onSubmit={(e) => void publish(e)}>
          {TEXT_LANGUAGES.map((l) => (
            <label key={l} className="field">
              <span>{LANGUAGE_NAMES[l]}</span>
              <textarea
                name={`text-${l}`}
                lang={l}
                rows={10}
                value={texts[l]}
                onChange={(e) => setTexts({ ...texts, [l]: e.target.value })}
              />
            </label>
          ))}
          <FormError error={error} className="auth-error" />
          <StatusLine message={notice} />
          <div className="modal__actions">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {t('confEditor.publish')}
            </button>
          </div>
        </form>
      ) : error !== null ? (
        <p className="form-error">{error}</p>
      ) : (
        <p className="empty">{t('auth.loading')}</p>
      )}
    </section>
  );
}
