/**
 * Compact health of the telephony sources for the top bar: one chip per source with a status dot
 * (connected, quiet, down), its kind, and the time since its last event; the tooltip adds the
 * source's name, lag and last error. Hidden for the demo floor (the demo badge says it).
 */
import { useTranslation } from 'react-i18next';
import { elapsedSeconds, formatDuration } from '../model/format.js';
import { sourceStatus } from '../model/sources.js';
import type { SourceHealth } from '../model/types.js';

/** Props of {@link SourceStatus}. */
export interface SourceStatusProps {
  sources: readonly SourceHealth[];
  /** Server time now, epoch ms. */
  now: number;
}

/** The chips (nothing when there is no live source). */
export function SourceStatus({ sources, now }: SourceStatusProps) {
  const { t } = useTranslation();
  const live = sources.filter((s) => s.kind !== 'demo');
  if (live.length === 0) return null;
  return (
    <div className="sources" role="group" aria-label={t('sources.label')} data-testid="sources">
      {live.map((s) => {
        const status = sourceStatus(s, now);
        const kind = t(`sources.kind.${s.kind}`, { defaultValue: s.kind });
        const ago =
          s.lastEventAt === null
            ? t('sources.never')
            : t('sources.ago', { time: formatDuration(elapsedSeconds(s.lastEventAt, now)) });
        const details = [
          `${kind} ${s.name}`,
          t(`sources.status.${status}`),
          s.lastEventAt === null ? t('sources.never') : t('sources.lastEvent', { ago }),
          s.lagSeconds === null ? null : t('sources.lag', { seconds: Math.round(s.lagSeconds) }),
          s.error === null ? null : t('sources.error', { error: s.error }),
        ].filter((x) => x !== null);
        return (
          <span
            key={`${s.kind}:${s.name}`}
            className={`source-chip source-chip--${status}`}
            title={details.join('\n')}
            data-testid={`source-${s.kind}`}
            data-status={status}
          >
            <span className="source-chip__kind">{kind}</span>
            <span className="source-chip__ago">{status === 'down' ? t('sources.down') : ago}</span>
          </span>
        );
      })}
    </div>
  );
}
