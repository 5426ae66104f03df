/**
 * One agent on the floor grid: name, state, reason, live time-in-state, queues, and the
 * supervisor's action buttons when the role may use them.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { agentTitle } from '../model/floor-state.js';
import { elapsedSeconds, formatDuration } from '../model/format.js';
import {
  agentTone,
  stateClass,
  thresholdFor,
  type ThresholdSettings,
} from '../model/thresholds.js';
import type { FloorAgent } from '../model/types.js';

/** Props of {@link AgentTile}. `serverNow` is epoch ms on the server's clock. */
export interface AgentTileProps {
  agent: FloorAgent;
  serverNow: number;
  thresholds: ThresholdSettings;
  /** Supervisor action buttons (only for roles with `agents.control`). */
  actions?: ReactNode;
}

/** An agent tile coloured by state; a pause past its R12 allowance turns red. */
export function AgentTile({ agent, serverNow, thresholds, actions }: AgentTileProps) {
  const { t } = useTranslation();
  const tone = agentTone(agent, serverNow, thresholds);
  const elapsed = elapsedSeconds(agent.since, serverNow);
  const reason =
    agent.state === 'paused'
      ? agent.reason && agent.reason !== ''
        ? agent.reason
        : t('floor.noReason')
      : null;
  return (
    <article
      className={`agent-tile ${stateClass(tone)}`}
      data-agent={agent.agent}
      data-state={agent.state}
      data-tone={tone}
      title={agentTitle(agent)}
    >
      <header className="agent-tile__head">
        <span className="agent-tile__name" data-testid="agent-name">
          {agent.name}
        </span>
        {agent.state === 'on_call' && agent.onHold === true ? (
          <span className="agent-tile__hold">{t('floor.onHold')}</span>
        ) : null}
        {agent.team ? <span className="agent-tile__team">{agent.team}</span> : null}
      </header>
      <div className="agent-tile__state">
        <span className="agent-tile__label">
          {t(`state.${tone === 'over' ? 'over' : agent.state}`)}
        </span>
        <span className="agent-tile__time" data-testid="time-in-state">
          {formatDuration(elapsed)}
        </span>
      </div>
      <div className="agent-tile__meta">
        {reason !== null ? (
          <span className="agent-tile__reason">
            {reason}
            {tone === 'over' || tone === 'paused' ? (
              <span className="agent-tile__limit">
                {' · '}
                {t('floor.limit', {
                  minutes: Math.round(thresholdFor(agent.reason, thresholds) / 60),
                })}
              </span>
            ) : null}
          </span>
        ) : agent.pausedQueues && agent.pausedQueues.length > 0 ? (
          <span className="agent-tile__reason">
            {t('floor.pausedIn', { queues: agent.pausedQueues.join(', ') })}
          </span>
        ) : (
          <span className="agent-tile__queues">{agent.queues.join(' · ')}</span>
        )}
      </div>
      {actions}
    </article>
  );
}
