/** Browser entry: loads settings, starts i18n, mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { initI18n } from './i18n/index.js';
import { loadSettings } from './model/settings.js';
import './styles.css';

const settings = loadSettings(
  window.localStorage,
  navigator.languages.length > 0 ? navigator.languages : [navigator.language],
  Intl.DateTimeFormat().resolvedOptions().timeZone,
);
document.documentElement.lang = settings.language;
await initI18n(settings.language);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App initialSettings={settings} />
  </StrictMode>,
);
