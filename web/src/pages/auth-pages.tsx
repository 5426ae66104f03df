/**
 * The pages before the app (issue #4): create the first admin, sign in (with the demo accounts in
 * demo mode), read and accept the confidentiality text (X05), change a password. Each calls the
 * auth API and then `onDone`, which asks `GET /api/auth/me` again.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import {
  FormError,
  NewPasswordFields,
  PasswordField,
  TextField,
} from '../components/form-fields.js';
import { LANGUAGE_NAMES } from '../components/settings-panel.js';
import { parseConfidentiality, type ConfidentialityTexts } from '../model/admin.js';
import { errorKey, type AuthState } from '../model/auth.js';
import { UI_LANGUAGES, type UiLanguage } from '../model/language.js';

/** The shortest password the server accepts (src/server/auth/secrets.ts MIN_PASSWORD_LENGTH). */
export const MIN_PASSWORD_LENGTH = 8;

/** The translated message of a failed call. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error: unknown) => {
    if (error instanceof ApiError) {
      return t(errorKey(error.code), { message: error.message, status: error.status });
    }
    return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
  };
}

/** The language switch of the pages before sign-in. */
export function LanguageSwitch({
  language,
  onLanguage,
}: {
  language: UiLanguage;
  onLanguage: (language: UiLanguage) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="auth-lang" role="group" aria-label={t('settings.language')}>
      {UI_LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={l === language ? 'auth-lang__btn auth-lang__btn--active' : 'auth-lang__btn'}
          onClick={() => onLanguage(l)}
        >
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

/** The frame of the pages before the app: brand, language switch, one card. */
export function AuthFrame({
  language,
  onLanguage,
  wide,
  testId,
  children,
}: {
  language: UiLanguage;
  onLanguage: (language: UiLanguage) => void;
  wide?: boolean;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="auth-page" data-testid={testId}>
      <header className="auth-page__head">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true" />
          <span className="auth-page__name">{t('app.name')}</span>
        </span>
        <LanguageSwitch language={language} onLanguage={onLanguage} />
      </header>
      <main className={wide ? 'auth-card auth-card--wide' : 'auth-card'}>{children}</main>
    </div>
  );
}

/** Props shared by the pages before the app. */
export interface GatePageProps {
  language: UiLanguage;
  onLanguage: (language: UiLanguage) => void;
  /** Called after a successful step: the auth layer asks `GET /api/auth/me` again. */
  onDone: () => void;
}

/** The sign-in form; in demo mode it lists the demo accounts. */
export function LoginPage({ state, ...props }: GatePageProps & { state: AuthState | null }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/login', { method: 'POST', body: { id, password }, quiet: true });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame language={props.language} onLanguage={props.onLanguage} testId="login-page">
      <h1>{t('auth.signInTitle')}</h1>
      <form className="auth-form" onSubmit={(e) => void submit(e)}>
        <TextField
          label={t('auth.id')}
          name="id"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={id}
          onValue={setId}
        />
        <PasswordField
          label={t('auth.password')}
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
        />
        <FormError error={error} className="auth-error" alert testId="login-error" />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </button>
        <p className="auth-note">{t('auth.lockNote')}</p>
      </form>
      {state?.demo === true ? (
        <section className="demo-accounts" data-testid="demo-accounts">
          <h2>
            <span className="badge badge--demo">{t('demo.badge')}</span> {t('auth.demoTitle')}
          </h2>
          <p>{t('auth.demoNote')}</p>
          {state.demoUsers.length > 0 ? (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('auth.id')}</th>
                  <th>{t('people.role')}</th>
                  <th>{t('auth.password')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {state.demoUsers.map((u) => (
                  <tr key={u.id} data-demo-user={u.id}>
                    <td>
                      <code>{u.id}</code>
                      <small className="demo-accounts__name">{u.name}</small>
                    </td>
                    <td>{t(`roles.${u.role}`, { defaultValue: u.role })}</td>
                    <td>{u.password !== null ? <code>{u.password}</code> : '—'}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => {
                          setId(u.id);
                          setPassword(u.password ?? '');
                        }}
                      >
                        {t('auth.demoUse')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </AuthFrame>
  );
}

/** Checks a new password and its repetition; returns the translated problem or null. */
function usePasswordCheck(): (next: string, confirm: string) => string | null {
  const { t } = useTranslation();
  return (next, confirm) => {
    if (next.length < MIN_PASSWORD_LENGTH) {
      return t('password.tooShort', { count: MIN_PASSWORD_LENGTH });
    }
    if (next !== confirm) return t('password.mismatch');
    return null;
  };
}

/** First start: nobody can sign in yet, so the first visitor creates the admin. */
export function SetupPage(props: GatePageProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const check = usePasswordCheck();
  const [id, setId] = useState('admin');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = check(password, confirm);
    if (problem !== null) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/setup', { method: 'POST', body: { id, name, password }, quiet: true });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame language={props.language} onLanguage={props.onLanguage} testId="setup-page">
      <h1>{t('setup.title')}</h1>
      <p className="auth-intro">{t('setup.intro')}</p>
      <form className="auth-form" onSubmit={(e) => void submit(e)}>
        <TextField
          label={t('auth.id')}
          name="id"
          autoComplete="username"
          required
          value={id}
          onValue={setId}
          help={t('setup.idHelp')}
        />
        <TextField
          label={t('people.name')}
          name="name"
          autoComplete="name"
          required
          value={name}
          onValue={setName}
        />
        <NewPasswordFields
          name="password"
          password={password}
          onPassword={setPassword}
          confirm={confirm}
          onConfirm={setConfirm}
          minLength={MIN_PASSWORD_LENGTH}
        />
        <FormError error={error} className="auth-error" alert />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {t('setup.create')}
        </button>
      </form>
    </AuthFrame>
  );
}

/**
 * The confidentiality text (X05) in the UI language, with an acceptance checkbox and button;
 * the acceptance is recorded with the version and the language it was read in.
 */
export function ConfidentialityPage(props: GatePageProps & { onSignOut: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [text, setText] = useState<ConfidentialityTexts | null>(null);
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api('/api/confidentiality')
      .then((body) => {
        if (!cancelled) setText(parseConfidentiality(body));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorText(e));
      });
    return () => {
      cancelled = true;
    };
    // errorText is rebuilt every render; the text is loaded once per `reload`.
  }, [reload]);

  const accept = async () => {
    if (text === null) return;
    setBusy(true);
    setError(null);
    try {
      await api('/api/confidentiality/accept', {
        method: 'POST',
        body: { version: text.version, language: props.language },
      });
      props.onDone();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') {
        // A new version was published meanwhile: show it and ask again.
        setAgreed(false);
        setReload((n) => n + 1);
        setError(t('confidentiality.changed'));
      } else {
        setError(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame
      language={props.language}
      onLanguage={props.onLanguage}
      wide
      testId="confidentiality-page"
    >
      <h1>{t('confidentiality.title')}</h1>
      <p className="auth-intro">{t('confidentiality.intro')}</p>
      {text !== null ? (
        <>
          <article className="confidentiality-text" lang={props.language} data-testid="conf-text">
            {text.texts[props.language] || text.texts.en}
          </article>
          <p className="auth-note">{t('confidentiality.version', { version: text.version })}</p>
          <label className="check">
            <input
              type="checkbox"
              name="agree"
              checked={agreed}
              onChange={(e) => setAgreed(e.target.checked)}
            />
            <span>{t('confidentiality.agree')}</span>
          </label>
        </>
      ) : error === null ? (
        <p className="empty">{t('auth.loading')}</p>
      ) : null}
      <FormError error={error} className="auth-error" alert />
      <div className="auth-actions">
        <button type="button" className="btn" onClick={props.onSignOut}>
          {t('auth.signOut')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={!agreed || busy || text === null}
          onClick={() => void accept()}
          data-testid="conf-accept"
        >
          {t('confidentiality.accept')}
        </button>
      </div>
    </AuthFrame>
  );
}

/** The password change form (own password): forced after a temporary password, or any time. */
export function PasswordForm({
  forced,
  onDone,
}: {
  /** A temporary password must be changed before anything else. */
  forced: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const check = usePasswordCheck();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = check(next, confirm);
    if (problem !== null) return setError(problem);
    if (next === current) return setError(t('password.mustDiffer'));
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/password', { method: 'POST', body: { current, next }, quiet: true });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onDone();
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'invalid_credentials'
          ? t('password.wrongCurrent')
          : errorText(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(e) => void submit(e)} data-testid="password-form">
      {forced ? <p className="auth-intro">{t('password.forcedIntro')}</p> : null}
      <PasswordField
        label={t('password.current')}
        name="current"
        autoComplete="current-password"
        required
        value={current}
        onValue={setCurrent}
      />
      <NewPasswordFields
        name="next"
        password={next}
        onPassword={setNext}
        confirm={confirm}
        onConfirm={setConfirm}
        minLength={MIN_PASSWORD_LENGTH}
      />
      <FormError error={error} className="auth-error" alert />
      {done && error === null ? (
        <p className="auth-ok" role="status">
          {t('password.done')}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  );
}

/** The forced password change before the app. */
export function PasswordPage(props: GatePageProps & { onSignOut: () => void }) {
  const { t } = useTranslation();
  return (
    <AuthFrame language={props.language} onLanguage={props.onLanguage} testId="password-page">
      <h1>{t('password.title')}</h1>
      <PasswordForm forced onDone={props.onDone} />
      <div className="auth-actions">
        <button type="button" className="btn" onClick={props.onSignOut}>
          {t('auth.signOut')}
        </button>
      </div>
    </AuthFrame>
  );
}
