/** The supervisor floor console: queue tiles, the agent grid with filters, the alert list. */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AgentActions } from '../components/agent-actions.js';
import { AgentTile } from '../components/agent-tile.js';
import { AlertList } from '../components/alert-list.js';
import { QueueTile } from '../components/queue-tile.js';
import {
  filterAgents,
  liveLongestWait,
  teamsOf,
  type FloorFilter,
  type FloorState,
} from '../model/floor-state.js';
import type { ConsoleSettings } from '../model/settings.js';
import { canControlAgents, NO_ACCESS, type Access } from '../model/supervisor.js';
import { countTones, stateClass, type AgentTone } from '../model/thresholds.js';

/** Props of {@link FloorPage}. `serverNow` is epoch ms on the server's clock. */
export interface FloorPageProps {
  floor: FloorState;
  serverNow: number;
  settings: ConsoleSettings;
  /** The signed-in principal's permissions (action buttons need `agents.control`). */
  access?: Access;
}

const TONES: readonly AgentTone[] = [
  'available',
  'ringing',
  'on_call',
  'wrap_up',
  'paused',
  'over',
  'logged_out',
];

/** The floor page. */
export function FloorPage({ floor, serverNow, settings, access = NO_ACCESS }: FloorPageProps) {
  const { t } = useTranslation();
  const control = canControlAgents(access, floor.sources);
  const [filter, setFilter] = useState<FloorFilter>({ queue: null, team: null });
  const teams = useMemo(() => teamsOf(floor.agents), [floor.agents]);
  const agents = filterAgents(floor.agents, filter);
  const queues =
    filter.queue === null ? floor.queues : floor.queues.filter((q) => q.queue === filter.queue);
  const counts = countTones(agents, serverNow, settings);
  const names = useMemo(() => new Map(floor.agents.map((a) => [a.agent, a.name])), [floor.agents]);
  const alerts = floor.alerts.filter(
    (a) =>
      (filter.queue === null || a.queue === null || a.queue === filter.queue) &&
      (a.agent === null || filter.team === null || agents.some((x) => x.agent === a.agent)),
  );

  return (
    <main className="floor">
      <div className="toolbar">
        <label className="select">
          <span>{t('floor.queue')}</span>
          <select
            value={filter.queue ?? ''}
            onChange={(e) => setFilter({ ...filter, queue: e.target.value || null })}
            data-testid="queue-filter"
          >
            <option value="">{t('floor.allQueues')}</option>
            {floor.queues.map((q) => (
              <option key={q.queue} value={q.queue}>
                {q.queue}
              </option>
            ))}
          </select>
        </label>
        <label className="select">
          <span>{t('floor.team')}</span>
          <select
            value={filter.team ?? ''}
            onChange={(e) => setFilter({ ...filter, team: e.target.value || null })}
            data-testid="team-filter"
          >
            <option value="">{t('floor.allTeams')}</option>
            {teams.map((team) => (
              <option key={team} value={team}>
                {team}
              </option>
            ))}
          </select>
        </label>
        <div className="legend" data-testid="state-counts">
          {TONES.map((tone) => (
            <span key={tone} className={`legend__item ${stateClass(tone)}`} data-count={tone}>
              <i className="legend__swatch" />
              {t(`state.${tone}`)} <b>{counts[tone]}</b>
            </span>
          ))}
        </div>
      </div>

      <section className="floor__queues" aria-label={t('floor.queues')}>
        {queues.length === 0 ? <p className="empty">{t('floor.noQueues')}</p> : null}
        {queues.map((q) => (
          <QueueTile
            key={q.queue}
            queue={q}
            longestWait={liveLongestWait(q, serverNow, floor.queueAt[q.queue] ?? floor.at)}
          />
        ))}
      </section>

      <div className="floor__body">
        <section className="panel floor__agents" aria-label={t('floor.agents')}>
          <h2 className="panel__title">
            {t('floor.agents')}
            <span className="panel__count">
              {t('floor.shown', { shown: agents.length, total: floor.agents.length })}
            </span>
          </h2>
          {agents.length === 0 ? <p className="empty">{t('floor.noAgents')}</p> : null}
          <div className="agent-grid">
            {agents.map((a) => (
              <AgentTile
                key={a.agent}
                agent={a}
                serverNow={serverNow}
                thresholds={settings}
                actions={control ? <AgentActions agent={a} access={access} /> : null}
              />
            ))}
          </div>
        </section>
        <aside className="panel floor__alerts" aria-label={t('floor.alerts')}>
          <h2 className="panel__title">
            {t('floor.alerts')}
            <span className="panel__count">{alerts.length}</span>
          </h2>
          <AlertList
            alerts={alerts}
            agentNames={names}
            timeZone={settings.timeZone}
            language={settings.language}
          />
        </aside>
      </div>
    </main>
  );
}
