/** The application shell: settings, language, the live floor, and the three pages. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SettingsPanel } from './components/settings-panel.js';
import { ConnectionBanner, TopBar } from './components/top-bar.js';
import { useAccess, useLiveFloor, useNow } from './hooks.js';
import type { UiLanguage } from './model/language.js';
import { saveSettings, type ConsoleSettings } from './model/settings.js';
import { FloorPage } from './pages/floor-page.js';
import { QaPage } from './pages/qa-page.js';
import { ReportsPage } from './pages/reports-page.js';
import { WallboardPage } from './pages/wallboard-page.js';
import { pathOf, routeOf, type Route } from './router.js';

/** The app; `initialSettings` were loaded from localStorage and the browser. */
export function App({ initialSettings }: { initialSettings: ConsoleSettings }) {
  const { i18n } = useTranslation();
  const [settings, setSettings] = useState(initialSettings);
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.pathname));
  const [settingsOpen, setSettingsOpen] = useState(false);
  const live = useLiveFloor();
  const access = useAccess();
  const now = useNow(1000);
  const serverNow = now + live.floor.clockOffsetMs;

  useEffect(() => {
    const onPop = () => setRoute(routeOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.documentElement.lang = settings.language;
    if (i18n.language !== settings.language) void i18n.changeLanguage(settings.language);
  }, [settings.language, i18n]);

  useEffect(() => {
    document.body.dataset.route = route;
  }, [route]);

  const navigate = useCallback((r: Route) => {
    window.history.pushState(null, '', pathOf(r));
    setRoute(r);
  }, []);

  const update = useCallback((next: ConsoleSettings) => {
    saveSettings(window.localStorage, next);
    setSettings(next);
  }, []);

  if (route === 'wallboard') {
    return (
      <WallboardPage
        floor={live.floor}
        serverNow={serverNow}
        settings={settings}
        status={live.status}
      />
    );
  }

  return (
    <div className="app">
      <TopBar
        route={route}
        navigate={navigate}
        now={serverNow}
        timeZone={settings.timeZone}
        language={settings.language}
        onLanguage={(language: UiLanguage) => update({ ...settings, language })}
        onSettings={() => setSettingsOpen(true)}
        status={live.status}
        transport={live.transport}
        demo={live.floor.demo}
        sources={live.floor.sources}
      />
      <ConnectionBanner status={live.status} />
      {route === 'floor' ? (
        <FloorPage floor={live.floor} serverNow={serverNow} settings={settings} access={access} />
      ) : null}
      {route === 'reports' ? (
        <ReportsPage
          settings={settings}
          queueNames={live.floor.queues.map((q) => q.queue)}
          now={serverNow}
        />
      ) : null}
      {route === 'qa' ? <QaPage settings={settings} /> : null}
      {settingsOpen ? (
        <SettingsPanel
          settings={settings}
          onClose={() => setSettingsOpen(false)}
          onSave={(s) => {
            update(s);
            setSettingsOpen(false);
          }}
        />
      ) : null}
    </div>
  );
}
