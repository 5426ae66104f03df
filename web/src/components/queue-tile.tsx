/** One queue: waiting, longest wait (live), service level today vs target, ASA, abandon rate, staff. */
import { useTranslation } from 'react-i18next';
import { formatDuration, formatPercent, formatSeconds } from '../model/format.js';
import { serviceLevelTone } from '../model/thresholds.js';
import type { FloorQueue } from '../model/types.js';

/** Props of {@link QueueTile}. `longestWait` is the live value in seconds. */
export interface QueueTileProps {
  queue: FloorQueue;
  longestWait: number;
  variant?: 'console' | 'wallboard';
}

/** A queue tile; the service level is green at or above target, amber within 10 points, else red. */
export function QueueTile({ queue, longestWait, variant = 'console' }: QueueTileProps) {
  const { t } = useTranslation();
  const sl = queue.today.serviceLevel;
  const slTone = serviceLevelTone(sl, queue.serviceLevelTarget);
  const waitingTone = queue.waiting === 0 ? 'calm' : queue.agents.available === 0 ? 'hot' : 'busy';
  return (
    <section className={`queue-tile queue-tile--${variant}`} data-queue={queue.queue}>
      <header className="queue-tile__head">
        <h3 className="queue-tile__name">{queue.queue}</h3>
        <span className="queue-tile__today">
          {t('queue.offered')} {queue.today.offered} · {t('queue.answered')} {queue.today.answered}
        </span>
      </header>
      <div className="queue-tile__main">
        <div className={`kpi kpi--big waiting-${waitingTone}`}>
          <span className="kpi__label">{t('queue.waiting')}</span>
          <span className="kpi__value" data-testid="waiting">
            {queue.waiting}
          </span>
        </div>
        <div className={`kpi kpi--big ${longestWait >= 60 ? 'waiting-hot' : ''}`}>
          <span className="kpi__label">{t('queue.longestWait')}</span>
          <span className="kpi__value" data-testid="longest-wait">
            {formatDuration(longestWait)}
          </span>
        </div>
        <div className={`kpi kpi--big sl-${slTone}`}>
          <span className="kpi__label">{t('queue.serviceLevel')}</span>
          <span className="kpi__value" data-testid="service-level">
            {formatPercent(sl)}
          </span>
          <span className="kpi__sub">
            {t('queue.target', { value: formatPercent(queue.serviceLevelTarget) })}
          </span>
        </div>
      </div>
      <div className="queue-tile__row">
        <div className="kpi">
          <span className="kpi__label">{t('queue.asa')}</span>
          <span className="kpi__value">{formatSeconds(queue.today.asa)}</span>
        </div>
        <div className="kpi">
          <span className="kpi__label">{t('queue.abandonRate')}</span>
          <span className="kpi__value">{formatPercent(queue.today.abandonRate, 1)}</span>
        </div>
      </div>
      <div className="queue-tile__staff">
        <span className="pill tone-available" data-testid="q-available">
          {t('queue.available')} <b>{queue.agents.available}</b>
        </span>
        <span className="pill tone-on-call" data-testid="q-on-call">
          {t('queue.onCall')} <b>{queue.agents.onCall + queue.agents.ringing}</b>
        </span>
        <span className="pill tone-paused" data-testid="q-paused">
          {t('queue.paused')} <b>{queue.agents.paused}</b>
        </span>
      </div>
    </section>
  );
}
