/**
 * The auth layer around the app (issue #4): asks `GET /api/auth/me` on load and after every
 * sign-in step; signed out it shows the sign-in page (or, on the first start, the create-the-admin
 * page); a person who must accept the confidentiality text sees it before anything else, then a
 * forced password change; only then the app. A 401 or a pending step reported by any API call
 * (src/api.ts) brings the right page back.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, onSessionFailure, setCsrfToken } from './api.js';
import { App } from './app.js';
import {
  gateOf,
  languageAfterSignIn,
  parseAuthState,
  parseMe,
  type AuthState,
  type Me,
} from './model/auth.js';
import type { UiLanguage } from './model/language.js';
import { saveSettings, type ConsoleSettings } from './model/settings.js';
import {
  AuthFrame,
  ConfidentialityPage,
  LoginPage,
  PasswordPage,
  SetupPage,
} from './pages/auth-pages.js';

type AuthView =
  | { phase: 'loading' }
  | { phase: 'offline'; message: string }
  | { phase: 'ready'; me: Me | null; state: AuthState | null };

/** Props of {@link Root}. */
export interface RootProps {
  initialSettings: ConsoleSettings;
  /** The language was chosen explicitly in this browser (it then wins over the person's). */
  explicitLanguage: boolean;
}

/** The root component: settings, language, authentication, then the app. */
export function Root({ initialSettings, explicitLanguage }: RootProps) {
  const { t, i18n } = useTranslation();
  const [settings, setSettings] = useState(initialSettings);
  const [view, setView] = useState<AuthView>({ phase: 'loading' });
  const explicit = useRef(explicitLanguage);
  const languageAppliedFor = useRef<string | null>(null);

  useEffect(() => {
    document.documentElement.lang = settings.language;
    if (i18n.language !== settings.language) void i18n.changeLanguage(settings.language);
  }, [settings.language, i18n]);

  const update = useCallback((next: ConsoleSettings) => {
    saveSettings(window.localStorage, next);
    setSettings(next);
  }, []);

  const setLanguage = useCallback(
    (language: UiLanguage) => {
      explicit.current = true;
      update({ ...settings, language });
    },
    [settings, update],
  );

  const refresh = useCallback(async (): Promise<void> => {
    try {
      const me = parseMe(await api('/api/auth/me', { quiet: true }));
      setCsrfToken(me.csrfToken);
      const key = me.user?.id ?? me.name;
      if (languageAppliedFor.current !== key) {
        languageAppliedFor.current = key;
        setSettings((s) => ({
          ...s,
          language: languageAfterSignIn(explicit.current, s.language, me),
        }));
      }
      setView({ phase: 'ready', me, state: null });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(null);
        languageAppliedFor.current = null;
        const state = await api('/api/auth/state', { quiet: true })
          .then(parseAuthState)
          .catch(() => null);
        setView({ phase: 'ready', me: null, state });
        return;
      }
      // The server is down or answers oddly: keep what is shown; on the first load say so.
      const message = e instanceof Error ? e.message : String(e);
      setView((v) => (v.phase === 'ready' ? v : { phase: 'offline', message }));
    }
  }, []);

  useEffect(() => {
    onSessionFailure(() => void refresh());
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    await api('/api/auth/logout', { method: 'POST', quiet: true }).catch(() => null);
    setCsrfToken(null);
    window.history.replaceState(null, '', '/');
    await refresh();
  }, [refresh]);

  const done = useCallback(() => void refresh(), [refresh]);

  if (view.phase === 'loading') {
    return <div className="auth-loading" aria-busy="true" />;
  }
  if (view.phase === 'offline') {
    return (
      <AuthFrame language={settings.language} onLanguage={setLanguage} testId="offline-page">
        <h1>{t('auth.offlineTitle')}</h1>
        <p className="auth-intro">{t('auth.offline', { message: view.message })}</p>
        <button type="button" className="btn btn--primary" onClick={done}>
          {t('auth.retry')}
        </button>
      </AuthFrame>
    );
  }

  const gate = gateOf(view.me, view.state);
  const pageProps = { language: settings.language, onLanguage: setLanguage, onDone: done };
  switch (gate) {
    case 'setup':
      return <SetupPage {...pageProps} />;
    case 'login':
      return <LoginPage {...pageProps} state={view.state} />;
    case 'confidentiality':
      return <ConfidentialityPage {...pageProps} onSignOut={() => void signOut()} />;
    case 'password':
      return <PasswordPage {...pageProps} onSignOut={() => void signOut()} />;
    case 'app':
      return view.me === null ? null : (
        <App
          me={view.me}
          settings={settings}
          onSettings={update}
          onLanguage={setLanguage}
          onSignOut={() => void signOut()}
          recheck={done}
        />
      );
  }
}
