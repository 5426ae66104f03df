/** Open alerts, newest first, each with its norm ID badge (norms.md). */
import { useTranslation } from 'react-i18next';
import { formatClock } from '../model/format.js';
import type { FloorAlert } from '../model/types.js';

/** Props of {@link AlertList}. */
export interface AlertListProps {
  alerts: readonly FloorAlert[];
  agentNames: ReadonlyMap<string, string>;
  timeZone: string;
  language: string;
  limit?: number;
}

/** The alert list; the server already wrote `message` in the requester's language. */
export function AlertList({ alerts, agentNames, timeZone, language, limit }: AlertListProps) {
  const { t } = useTranslation();
  const shown = limit === undefined ? alerts : alerts.slice(0, limit);
  if (shown.length === 0) return <p className="empty">{t('floor.noAlerts')}</p>;
  return (
    <ul className="alert-list">
      {shown.map((a) => (
        <li
          key={a.id}
          className={`alert alert--${a.severity}`}
          data-alert={a.id}
          data-norm={a.norm}
        >
          <span className="alert__norm">{a.norm}</span>
          <div className="alert__body">
            <div className="alert__message">{a.message}</div>
            <div className="alert__meta">
              <span className="alert__severity">{t(`alert.severity.${a.severity}`)}</span>
              {a.agent ? <span>{agentNames.get(a.agent) ?? a.agent}</span> : null}
              {a.queue ? <span>{a.queue}</span> : null}
              <span>
                {t('alert.since', { time: formatClock(a.since, timeZone, language, false) })}
              </span>
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
