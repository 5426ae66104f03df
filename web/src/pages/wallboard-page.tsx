/** The wallboard: full screen, large type, no interaction; scales with the viewport. */
import { useMemo, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { AlertList } from '../components/alert-list.js';
import { QueueTile } from '../components/queue-tile.js';
import type { LiveStatus } from '../live/live-client.js';
import { formatClock } from '../model/format.js';
import { liveLongestWait, type FloorState } from '../model/floor-state.js';
import type { ConsoleSettings } from '../model/settings.js';
import { countTones, stateClass, type AgentTone } from '../model/thresholds.js';

/** Props of {@link WallboardPage}. */
export interface WallboardPageProps {
  floor: FloorState;
  serverNow: number;
  settings: ConsoleSettings;
  status: LiveStatus;
}

/**
 * Queue tile columns on the wallboard: every queue in one row up to 4, then two rows (at most 6
 * columns), so the board fits one screen without scrolling.
 */
export function wallboardColumns(queues: number): number {
  if (queues <= 4) return Math.max(1, queues);
  return Math.min(6, Math.ceil(queues / 2));
}

const TONES: readonly AgentTone[] = [
  'available',
  'on_call',
  'wrap_up',
  'paused',
  'over',
  'logged_out',
];

/** The wallboard page. Ringing agents count with "on call" to keep the board short. */
export function WallboardPage({ floor, serverNow, settings, status }: WallboardPageProps) {
  const { t } = useTranslation();
  const counts = countTones(floor.agents, serverNow, settings);
  counts.on_call += counts.ringing;
  const names = useMemo(() => new Map(floor.agents.map((a) => [a.agent, a.name])), [floor.agents]);
  return (
    <main className="wallboard" data-testid="wallboard">
      <header className="wallboard__head">
        <span className="wallboard__title">{t('wallboard.title')}</span>
        {floor.demo ? <span className="badge badge--demo">{t('demo.badge')}</span> : null}
        {status !== 'open' ? (
          <span className="badge badge--down" data-testid="connection-banner">
            {t(`status.${status}`)}
          </span>
        ) : null}
        <span className="wallboard__clock">
          {formatClock(serverNow, settings.timeZone, settings.language, false)}
        </span>
      </header>
      <section
        className="wallboard__queues"
        style={{ '--cols': wallboardColumns(floor.queues.length) } as CSSProperties}
      >
        {floor.queues.map((q) => (
          <QueueTile
            key={q.queue}
            queue={q}
            variant="wallboard"
            longestWait={liveLongestWait(q, serverNow, floor.queueAt[q.queue] ?? floor.at)}
          />
        ))}
      </section>
      <section className="wallboard__bottom">
        <div className="wallboard__states">
          {TONES.map((tone) => (
            <div key={tone} className={`wb-state ${stateClass(tone)}`} data-count={tone}>
              <span className="wb-state__value">{counts[tone]}</span>
              <span className="wb-state__label">{t(`state.${tone}`)}</span>
            </div>
          ))}
        </div>
        <div className="wallboard__alerts">
          <h2>{t('wallboard.alerts')}</h2>
          <AlertList
            alerts={floor.alerts}
            agentNames={names}
            timeZone={settings.timeZone}
            language={settings.language}
            limit={4}
          />
        </div>
      </section>
    </main>
  );
}
