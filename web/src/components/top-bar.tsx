/**
 * The console's top bar: navigation (only the pages the role may open), telephony sources'
 * health, clock in the chosen zone, live status, language switch, and the signed-in person with
 * their role and sign-out.
 */
import { useTranslation } from 'react-i18next';
import type { LiveStatus, LiveTransport } from '../live/live-client.js';
import { navRoutes, type Me } from '../model/auth.js';
import { formatClock } from '../model/format.js';
import { UI_LANGUAGES, type UiLanguage } from '../model/language.js';
import type { SourceHealth } from '../model/types.js';
import { pathOf, type Route } from '../router.js';
import { LANGUAGE_NAMES } from './settings-panel.js';
import { SourceStatus } from './source-status.js';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  me: Me;
  route: Route;
  navigate: (route: Route) => void;
  now: number;
  timeZone: string;
  language: UiLanguage;
  onLanguage: (language: UiLanguage) => void;
  onSettings: () => void;
  onSignOut: () => void;
  status: LiveStatus | null;
  transport: LiveTransport;
  demo: boolean;
  /** Telephony sources' health (empty: nothing shown). */
  sources?: readonly SourceHealth[];
}

/** Short language labels for the switcher buttons. */
const SHORT: Record<UiLanguage, string> = { 'zh-TW': '繁', 'zh-CN': '简', en: 'EN' };

/** The top bar. */
export function TopBar(props: TopBarProps) {
  const { t } = useTranslation();
  const { me, route, navigate, now, timeZone, language, status, transport, demo } = props;
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true" />
        <span className="brand__name">{t('app.name')}</span>
        <span className="brand__tag">{t('app.tagline')}</span>
      </div>
      <nav className="nav">
        {navRoutes(me).map((r) => (
          <a
            key={r}
            href={pathOf(r)}
            data-nav={r}
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
        <a
          className="user-chip"
          href={pathOf('account')}
          onClick={(e) => {
            e.preventDefault();
            if (me.kind === 'session' && me.user !== null) navigate('account');
          }}
          title={t('nav.account')}
          data-testid="user-chip"
        >
          <span className="user-chip__name">{me.name}</span>
          <span className="user-chip__role">
            {t(`roles.${me.role}`, { defaultValue: me.role })}
          </span>
        </a>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={props.onSignOut}
          data-testid="sign-out"
          title={t('auth.signOut')}
          aria-label={t('auth.signOut')}
        >
          <svg className="btn__svg" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path
              d="M6 2H3v12h3M10.5 4.5 14 8l-3.5 3.5M14 8H6"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <span className="btn__text">{t('auth.signOut')}</span>
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
