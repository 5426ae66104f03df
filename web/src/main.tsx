/** Browser entry: loads settings, starts i18n, mounts the auth layer and the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from './i18n/index.js';
import { loadSettings, STORAGE_KEYS } from './model/settings.js';
import { Root } from './root.js';
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
    <Root
      initialSettings={settings}
      explicitLanguage={window.localStorage.getItem(STORAGE_KEYS.language) !== null}
    />
  </StrictMode>,
);
