/**
 * Supervisor action buttons on an agent tile (shown only to roles with `agents.control`): pause
 * with a reason / resume, log off, and listen / whisper / barge on the supervisor's own phone.
 * Each click sends one request; the result (sent, or the server's error) shows under the buttons.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { actionRequest, type Access, type SupervisorAction } from '../model/supervisor.js';
import type { FloorAgent } from '../model/types.js';

/** Props of {@link AgentActions}. */
export interface AgentActionsProps {
  agent: FloorAgent;
  access: Access;
}

type Outcome =
  { kind: 'idle' } | { kind: 'busy' } | { kind: 'sent' } | { kind: 'failed'; message: string };

/** The buttons. */
export function AgentActions({ agent, access }: AgentActionsProps) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [reason, setReason] = useState<string | null>(null);

  const send = async (action: SupervisorAction): Promise<void> => {
    setOutcome({ kind: 'busy' });
    const { url, body } = actionRequest(agent.agent, action);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(access.csrfToken === null ? {} : { 'x-csrf-token': access.csrfToken }),
        },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        setOutcome({ kind: 'sent' });
        return;
      }
      const error = (
        (await res.json().catch(() => null)) as { error?: { message?: string } } | null
      )?.error;
      setOutcome({ kind: 'failed', message: error?.message ?? String(res.status) });
    } catch (e) {
      setOutcome({ kind: 'failed', message: (e as Error).message });
    }
  };

  const busy = outcome.kind === 'busy';
  const paused = agent.state === 'paused';
  return (
    <div className="agent-actions" data-testid="agent-actions">
      {reason !== null ? (
        <form
          className="agent-actions__row"
          onSubmit={(e) => {
            e.preventDefault();
            void send({ kind: 'pause', reason });
            setReason(null);
          }}
        >
          <input
            className="agent-actions__reason"
            value={reason}
            maxLength={80}
            placeholder={t('actions.reason')}
            aria-label={t('actions.reason')}
            onChange={(e) => setReason(e.target.value)}
            autoFocus
          />
          <button type="submit" className="agent-actions__btn" disabled={busy}>
            {t('actions.confirm')}
          </button>
          <button type="button" className="agent-actions__btn" onClick={() => setReason(null)}>
            {t('actions.cancel')}
          </button>
        </form>
      ) : (
        <div className="agent-actions__row" role="group" aria-label={t('actions.label')}>
          <button
            type="button"
            className="agent-actions__btn"
            disabled={busy}
            data-action={paused ? 'unpause' : 'pause'}
            onClick={() => (paused ? void send({ kind: 'unpause' }) : setReason(''))}
          >
            {paused ? t('actions.resume') : t('actions.pause')}
          </button>
          <button
            type="button"
            className="agent-actions__btn"
            disabled={busy}
            data-action="logoff"
            onClick={() => void send({ kind: 'logoff' })}
          >
            {t('actions.logoff')}
          </button>
          {(['listen', 'whisper', 'barge'] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              className="agent-actions__btn"
              disabled={busy || agent.state !== 'on_call'}
              data-action={mode}
              title={t(`actions.${mode}Hint`)}
              onClick={() => void send({ kind: 'spy', mode })}
            >
              {t(`actions.${mode}`)}
            </button>
          ))}
        </div>
      )}
      {outcome.kind === 'sent' ? (
        <span className="agent-actions__status" role="status">
          {t('actions.sent')}
        </span>
      ) : outcome.kind === 'failed' ? (
        <span className="agent-actions__status agent-actions__status--error" role="alert">
          {t('actions.failed', { message: outcome.message })}
        </span>
      ) : null}
    </div>
  );
}
