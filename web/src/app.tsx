/**
 * The application shell of a signed-in principal: the live floor, the top bar with the pages the
 * role may open, and the pages. A wallboard token's session sees the wallboard and nothing else.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SettingsPanel } from './components/settings-panel.js';
import { ConnectionBanner, TopBar } from './components/top-bar.js';
import { useLiveFloor, useNow } from './hooks.js';
import { canOpen, isWallboardOnly, type Me } from './model/auth.js';
import type { UiLanguage } from './model/language.js';
import type { Access } from './model/supervisor.js';
import type { ConsoleSettings } from './model/settings.js';
import { AccountPage } from './pages/account-page.js';
import { AdminPage } from './pages/admin-page.js';
import { AuditPage } from './pages/audit-page.js';
import { FloorPage } from './pages/floor-page.js';
import { QaPage } from './pages/qa-page.js';
import { NoAccessPage } from './pages/no-access.js';
import { ReportsPage } from './pages/reports-page.js';
import { WallboardPage } from './pages/wallboard-page.js';
import { pathOf, routeOf, type Route } from './router.js';

/** Props of {@link App}. */
export interface AppProps {
  me: Me;
  settings: ConsoleSettings;
  onSettings: (settings: ConsoleSettings) => void;
  onLanguage: (language: UiLanguage) => void;
  onSignOut: () => void;
  /** Asks `GET /api/auth/me` again (the live channel went down: maybe the session ended). */
  recheck: () => void;
}

/** Minimum time between two session checks triggered by a lost live channel. */
const RECHECK_MS = 5000;

/** The app. */
export function App({ me, settings, onSettings, onLanguage, onSignOut, recheck }: AppProps) {
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.pathname));
  const [settingsOpen, setSettingsOpen] = useState(false);
  const live = useLiveFloor(route === 'wallboard' ? 'wallboard' : 'console');
  // Supervisor actions need the role's permissions and the CSRF token of the session.
  const access = useMemo<Access>(
    () => ({ permissions: [...me.permissions], csrfToken: me.csrfToken }),
    [me],
  );
  const now = useNow(1000);
  const serverNow = now + live.floor.clockOffsetMs;
  const lastCheck = useRef(0);

  useEffect(() => {
    const onPop = () => setRoute(routeOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.body.dataset.route = route;
  }, [route]);

  // A live channel that keeps failing may mean the session ended (401 on the upgrade).
  useEffect(() => {
    if (live.status !== 'reconnecting') return;
    const at = Date.now();
    if (at - lastCheck.current < RECHECK_MS) return;
    lastCheck.current = at;
    recheck();
  }, [live.status, recheck]);

  const navigate = useCallback((r: Route) => {
    window.history.pushState(null, '', pathOf(r));
    setRoute(r);
  }, []);

  if (isWallboardOnly(me)) {
    return route === 'wallboard' ? (
      <WallboardPage
        floor={live.floor}
        serverNow={serverNow}
        settings={settings}
        status={live.status}
      />
    ) : (
      <NoAccessPage wallboardOnly onWallboard={() => navigate('wallboard')} />
    );
  }

  if (route === 'wallboard' && canOpen(me, 'wallboard')) {
    return (
      <WallboardPage
        floor={live.floor}
        serverNow={serverNow}
        settings={settings}
        status={live.status}
      />
    );
  }

  const allowed = canOpen(me, route);
  return (
    <div className="app">
      <TopBar
        me={me}
        route={route}
        navigate={navigate}
        now={serverNow}
        timeZone={settings.timeZone}
        language={settings.language}
        onLanguage={onLanguage}
        onSettings={() => setSettingsOpen(true)}
        onSignOut={onSignOut}
        status={live.status}
        transport={live.transport}
        demo={live.floor.demo}
        sources={live.floor.sources}
      />
      <ConnectionBanner status={live.status} />
      {!allowed ? <NoAccessPage wallboardOnly={false} /> : null}
      {allowed && route === 'floor' ? (
        <FloorPage floor={live.floor} serverNow={serverNow} settings={settings} access={access} />
      ) : null}
      {allowed && route === 'reports' ? (
        <ReportsPage
          settings={settings}
          queueNames={live.floor.queues.map((q) => q.queue)}
          now={serverNow}
          canExport={me.permissions.has('reports.export')}
        />
      ) : null}
      {allowed && route === 'admin' ? (
        <AdminPage me={me} language={settings.language} timeZone={settings.timeZone} />
      ) : null}
      {allowed && route === 'audit' ? (
        <AuditPage language={settings.language} timeZone={settings.timeZone} now={serverNow} />
      ) : null}
      {allowed && route === 'account' ? <AccountPage me={me} /> : null}
      {allowed && route === 'qa' ? <QaPage me={me} settings={settings} /> : null}
      {settingsOpen ? (
        <SettingsPanel
          settings={settings}
          onClose={() => setSettingsOpen(false)}
          onSave={(s) => {
            onSettings(s);
            setSettingsOpen(false);
          }}
        />
      ) : null}
    </div>
  );
}
