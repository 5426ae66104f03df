/**
 * The console's top bar: navigation, telephony sources' health, clock in the chosen zone, live
 * status, language switch.
 */
import { useTranslation } from 'react-i18next';
import type { LiveStatus, LiveTransport } from '../live/live-client.js';
import { formatClock } from '../model/format.js';
import { UI_LANGUAGES, type UiLanguage } from '../model/language.js';
import type { SourceHealth } from '../model/types.js';
import type { Route } from '../router.js';
import { LANGUAGE_NAMES } from './settings-panel.js';
import { SourceStatus } from './source-status.js';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  route: Route;
  navigate: (route: Route) => void;
  now: number;
  timeZone: string;
  language: UiLanguage;
  onLanguage: (language: UiLanguage) => void;
  onSettings: () => void;
  status: LiveStatus | null;
  transport: LiveTransport;
  demo: boolean;
  /** Telephony sources' health (empty: nothing shown). */
  sources?: readonly SourceHealth[];
}

const ROUTES: readonly Route[] = ['floor', 'wallboard', 'reports', 'qa'];

/** Short language labels for the switcher buttons. */
const SHORT: Record<UiLanguage, string> = { 'zh-TW': '繁', 'zh-CN': '简', en: 'EN' };

/** The top bar. */
export function TopBar(props: TopBarProps) {
  const { t } = useTranslation();
  const { route, navigate, now, timeZone, language, status, transport, demo } = props;
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true" />
        <span className="brand__name">{t('app.name')}</span>
        <span className="brand__tag">{t('app.tagline')}</span>
      </div>
      <nav className="nav">
        {ROUTES.map((r) => (
          <a
            key={r}
            href={r === 'floor' ? '/' : `/${r}`}
            className={r === route ? 'nav__link nav__link--active' : 'nav__link'}
            onClick={(e) => {
              e.preventDefault();
              navigate(r);
            }}
          >
            {t(`nav.${r}`)}
          </a>
        ))}
      </nav>
      <div className="top-bar__right">
        {demo ? (
          <span className="badge badge--demo" title={t('demo.hint')} data-testid="demo-badge">
            {t('demo.badge')}
          </span>
        ) : (
          <SourceStatus sources={props.sources ?? []} now={now} />
        )}
        {status !== null ? (
          <span className={`live-dot live-dot--${status}`} data-testid="live-status">
            {status === 'open'
              ? transport === 'sse'
                ? t('status.sse')
                : t('status.live')
              : t(`status.${status}`)}
          </span>
        ) : null}
        <span className="clock" title={timeZone}>
          {formatClock(now, timeZone, language)}
          <small>{timeZone}</small>
        </span>
        <div className="lang-switch" role="group" aria-label={t('settings.language')}>
          {UI_LANGUAGES.map((l) => (
            <button
              key={l}
              type="button"
              className={
                l === language ? 'lang-switch__btn lang-switch__btn--active' : 'lang-switch__btn'
              }
              title={LANGUAGE_NAMES[l]}
              lang={l}
              onClick={() => props.onLanguage(l)}
            >
              {SHORT[l]}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={props.onSettings}
          data-testid="settings-button"
          aria-label={t('nav.settings')}
          title={t('nav.settings')}
        >
          <span className="btn__icon" aria-hidden="true">
            ⚙
          </span>
          <span className="btn__text">{t('nav.settings')}</span>
        </button>
      </div>
    </header>
  );
}

/** The full-width banner shown while the live channel is down. */
export function ConnectionBanner({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  if (status === 'open') return null;
  return (
    <div className={`banner banner--${status}`} role="status" data-testid="connection-banner">
      {t(`status.${status}`)}
    </div>
  );
}
