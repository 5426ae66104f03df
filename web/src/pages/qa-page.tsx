/**
 * Call QA: the list of evaluations and the review view (transcript with the evidence highlighted,
 * each check's result, overrides with a comment, the manual scorecard, acknowledgement and appeal).
 * What a person may do follows the permissions of `GET /api/auth/me`; the server enforces them.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../model/format.js';
import {
  CHECK_IDS,
  MANUAL_ITEMS,
  evaluationIdOf,
  fetchEvaluation,
  fetchEvaluations,
  postAction,
  scorePercent,
  type CheckId,
  type EvaluationDetail,
  type EvaluationSummary,
  type ManualItem,
  type Outcome,
} from '../model/qa.js';
import { QaConfigPanel } from '../components/qa-config-panel.js';
import type { Me } from '../model/auth.js';
import type { ConsoleSettings } from '../model/settings.js';
import './qa.css';

/** Props of {@link QaPage}. */
export interface QaPageProps {
  /** The signed-in principal (permissions decide the forms shown; the server enforces them). */
  me: Me;
  settings: ConsoleSettings;
}

function when(epochSeconds: number, settings: ConsoleSettings): string {
  const ms = epochSeconds * 1000;
  return formatDateTime(ms, settings.timeZone, settings.language, false);
}

function OutcomeBadge({ result }: { result: Outcome }) {
  const { t } = useTranslation();
  return <span className={`qa-outcome qa-outcome--${result}`}>{t(`qa.outcome.${result}`)}</span>;
}

/** The QA page: `/qa` (list) and `/qa/<id>` (list and review). */
export function QaPage({ me, settings }: QaPageProps) {
  const { t } = useTranslation();
  const [list, setList] = useState<EvaluationSummary[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(() =>
    evaluationIdOf(window.location.pathname),
  );
  const [detail, setDetail] = useState<EvaluationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checkFilter, setCheckFilter] = useState<string>('');

  const reload = useCallback(async () => {
    try {
      setList(await fetchEvaluations(checkFilter ? { check: checkFilter } : {}));
      setListError(null);
    } catch (e) {
      setListError((e as Error).message);
    }
  }, [checkFilter]);

  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => {
    const onPop = () => setSelected(evaluationIdOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    if (selected === null) {
      setDetail(null);
      return;
    }
    let live = true;
    fetchEvaluation(selected).then(
      (d) => {
        if (live) {
          setDetail(d);
          setError(null);
        }
      },
      (e: unknown) => {
        if (live) setError((e as Error).message);
      },
    );
    return () => {
      live = false;
    };
  }, [selected]);

  const open = (id: number) => {
    window.history.pushState(null, '', `/qa/${id}`);
    setSelected(id);
  };

  const act = async (
    action: Parameters<typeof postAction>[1],
    body: unknown = {},
  ): Promise<boolean> => {
    if (detail === null) return false;
    try {
      setDetail(await postAction(detail.id, action, body));
      setError(null);
      void reload();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };

  const canReview = me.permissions.has('qa.review');
  const canEditConfig = me.permissions.has('settings.edit');

  return (
    <main className="qa" data-testid="qa-page">
      <section className="panel qa__list">
        <h2 className="panel__title">
          {t('qa.evaluations')}
          <span className="panel__count">{list.length}</span>
        </h2>
        <label className="qa__filter">
          {t('qa.filterCheck')}
          <select value={checkFilter} onChange={(e) => setCheckFilter(e.target.value)}>
            <option value="">{t('qa.allChecks')}</option>
            {CHECK_IDS.map((c) => (
              <option key={c} value={c}>
                {c} {t(`qa.check.${c}`)}
              </option>
            ))}
          </select>
        </label>
        {listError !== null ? <p className="qa__error">{listError}</p> : null}
        {list.length === 0 && listError === null ? <p className="empty">{t('qa.none')}</p> : null}
        <ul className="qa-items">
          {list.map((e) => (
            <li key={e.id}>
              <button
                type="button"
                className={e.id === selected ? 'qa-item qa-item--active' : 'qa-item'}
                onClick={() => open(e.id)}
              >
                <span className="qa-item__head">
                  <span className="qa-item__call">{e.callId ?? e.externalId}</span>
                  <span
                    className={e.critical ? 'qa-score qa-score--critical' : 'qa-score'}
                    title={t('qa.score')}
                  >
                    {scorePercent(e.score)}
                  </span>
                </span>
                <span className="qa-item__meta">
                  {e.agentName ?? e.agent ?? t('qa.noAgent')} · {when(e.startedAt, settings)}
                </span>
                {e.failed.length > 0 ? (
                  <span className="qa-item__failed">
                    {e.failed.map((c) => (
                      <span key={c} className="qa-chip qa-chip--fail">
                        {c}
                      </span>
                    ))}
                  </span>
                ) : null}
                {e.appealStatus !== null ? (
                  <span className="qa-chip">{t(`qa.appealStatus.${e.appealStatus}`)}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
        {canReview || canEditConfig ? <QaConfigPanel canEdit={canEditConfig} /> : null}
      </section>
      <section className="qa__review">
        {error !== null ? <p className="qa__error">{error}</p> : null}
        {detail === null ? (
          <p className="empty panel">{t('qa.pick')}</p>
        ) : (
          <Review
            key={detail.id}
            detail={detail}
            me={me}
            canReview={canReview}
            settings={settings}
            act={act}
          />
        )}
      </section>
    </main>
  );
}

interface ReviewProps {
  detail: EvaluationDetail;
  me: Me;
  canReview: boolean;
  settings: ConsoleSettings;
  act: (action: Parameters<typeof postAction>[1], body?: unknown) => Promise<boolean>;
}

function Review({ detail, me, canReview, settings, act }: ReviewProps) {
  const { t } = useTranslation();
  const [focus, setFocus] = useState<CheckId | null>(null);
  const failing = new Set(detail.checks.filter((c) => c.result === 'fail').map((c) => c.id));
  const isAgent = me.user !== null && me.user.id === detail.agent;
  const criticalFail = detail.checks.find((c) => c.critical && c.result === 'fail');

  return (
    <div className="qa-review" data-testid="qa-review">
      <div className="panel qa-summary">
        <div className="qa-summary__main">
          <h2 className="qa-summary__title">{detail.callId ?? detail.externalId}</h2>
          <dl className="qa-facts">
            <div>
              <dt>{t('qa.agent')}</dt>
              <dd data-testid="qa-agent">
                {detail.agentName ?? detail.agent ?? t('qa.noAgent')}
                {detail.agent !== null && detail.agentName !== detail.agent ? (
                  <span className="muted"> {detail.agent}</span>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>{t('qa.queue')}</dt>
              <dd>{detail.queue ?? '–'}</dd>
            </div>
            <div>
              <dt>{t('qa.started')}</dt>
              <dd>{when(detail.startedAt, settings)}</dd>
            </div>
            <div>
              <dt>{t('qa.language')}</dt>
              <dd>{t(`qa.languageNames.${detail.language}`, { defaultValue: detail.language })}</dd>
            </div>
          </dl>
        </div>
        <div className="qa-scores">
          <div className={detail.critical ? 'qa-big qa-big--critical' : 'qa-big'}>
            <span className="qa-big__value">{scorePercent(detail.score)}</span>
            <span className="qa-big__label">{t('qa.score')}</span>
          </div>
          <div className="qa-big qa-big--minor">
            <span className="qa-big__value">{scorePercent(detail.automaticScore)}</span>
            <span className="qa-big__label">{t('qa.automaticScore')}</span>
          </div>
          <div className="qa-big qa-big--minor">
            <span className="qa-big__value">{scorePercent(detail.manualScore)}</span>
            <span className="qa-big__label">{t('qa.manualScore')}</span>
          </div>
        </div>
        {detail.critical ? (
          <p className="qa-critical" role="alert">
            {t('qa.criticalFail', { check: criticalFail?.id ?? '' })}
          </p>
        ) : null}
      </div>

      <div className="qa-columns">
        <div className="panel qa-transcript">
          <h3 className="panel__title">{t('qa.transcript')}</h3>
          <ol className="qa-turns">
            {detail.turns.map((turn) => {
              const fails = turn.evidenceOf.filter((c) => failing.has(c as CheckId));
              const focused = focus !== null && turn.evidenceOf.includes(focus);
              const cls = [
                'qa-turn',
                `qa-turn--${turn.speaker}`,
                fails.length > 0
                  ? 'qa-turn--fail'
                  : turn.evidenceOf.length > 0
                    ? 'qa-turn--pass'
                    : '',
                focused ? 'qa-turn--focus' : '',
              ]
                .filter(Boolean)
                .join(' ');
              return (
                <li key={turn.index} className={cls} data-turn={turn.index}>
                  <span className="qa-turn__who">
                    <span>
                      <span className="qa-turn__no">#{turn.index + 1}</span>{' '}
                      {t(`qa.speaker.${turn.speaker}`, { defaultValue: turn.speaker })}
                    </span>
                    {turn.start !== null ? (
                      <span className="qa-turn__time">{turn.start.toFixed(1)}s</span>
                    ) : null}
                  </span>
                  <span className="qa-turn__text">{turn.text}</span>
                  {turn.evidenceOf.length > 0 ? (
                    <span className="qa-turn__checks">
                      {turn.evidenceOf.map((c) => (
                        <span
                          key={c}
                          className={
                            failing.has(c as CheckId)
                              ? 'qa-chip qa-chip--fail'
                              : 'qa-chip qa-chip--pass'
                          }
                        >
                          {c}
                        </span>
                      ))}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </div>

        <div className="qa-side">
          <div className="panel">
            <h3 className="panel__title">{t('qa.checks')}</h3>
            <table className="table qa-checks">
              <thead>
                <tr>
                  <th>{t('qa.checkCol')}</th>
                  <th>{t('qa.result')}</th>
                  <th>{t('qa.evidence')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.checks.map((c) => (
                  <tr
                    key={c.id}
                    className={focus === c.id ? 'qa-checks__row--focus' : undefined}
                    onMouseEnter={() => setFocus(c.id)}
                    onMouseLeave={() => setFocus(null)}
                  >
                    <td>
                      <span className="qa-checks__id">{c.id}</span> {t(`qa.check.${c.id}`)}
                      {c.critical ? (
                        <span className="qa-chip qa-chip--critical">{t('qa.critical')}</span>
                      ) : null}
                    </td>
                    <td>
                      <OutcomeBadge result={c.result} />
                      {c.overridden ? (
                        <span className="qa-overridden" title={t('qa.automatic')}>
                          {t('qa.wasAutomatic', { result: t(`qa.outcome.${c.automatic}`) })}
                        </span>
                      ) : null}
                    </td>
                    <td className="qa-checks__turns">
                      {c.evidence.map((e) => `#${e.turn + 1}`).join(' ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {canReview ? <OverrideForm act={act} /> : null}
          <Scorecard detail={detail} canReview={canReview} act={act} />
          <AckPanel detail={detail} isAgent={isAgent} canReview={canReview} act={act} />

          {canReview && criticalFail !== undefined ? (
            <div className="panel">
              <h3 className="panel__title">{t('qa.violation')}</h3>
              {detail.violations.length > 0 ? (
                <p>{t('qa.violationRecorded', { norm: detail.violations[0]?.norm ?? '' })}</p>
              ) : (
                <button
                  type="button"
                  className="btn"
                  onClick={() => void act('violation', { check: criticalFail.id })}
                >
                  {t('qa.recordViolation')}
                </button>
              )}
            </div>
          ) : null}

          {detail.overrides.length > 0 ? (
            <div className="panel">
              <h3 className="panel__title">{t('qa.history')}</h3>
              <ul className="qa-history">
                {detail.overrides.map((o) => (
                  <li key={o.id}>
                    <strong>{o.check}</strong> → {t(`qa.outcome.${o.result}`)} · {o.by ?? ''}:{' '}
                    {o.comment}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function OverrideForm({ act }: { act: ReviewProps['act'] }) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<CheckId>('E01');
  const [result, setResult] = useState<Outcome>('pass');
  const [comment, setComment] = useState('');
  return (
    <form
      className="panel qa-form"
      onSubmit={(e) => {
        e.preventDefault();
        void act('override', { check, result, comment }).then((ok) => {
          if (ok) setComment('');
        });
      }}
    >
      <h3 className="panel__title">{t('qa.override')}</h3>
      <div className="qa-form__row">
        <select
          value={check}
          onChange={(e) => setCheck(e.target.value as CheckId)}
          aria-label={t('qa.checkCol')}
        >
          {CHECK_IDS.map((c) => (
            <option key={c} value={c}>
              {c} {t(`qa.check.${c}`)}
            </option>
          ))}
        </select>
        <select
          value={result}
          onChange={(e) => setResult(e.target.value as Outcome)}
          aria-label={t('qa.result')}
        >
          {(['pass', 'fail', 'na'] as const).map((r) => (
            <option key={r} value={r}>
              {t(`qa.outcome.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <textarea
        required
        value={comment}
        placeholder={t('qa.comment')}
        aria-label={t('qa.comment')}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" className="btn btn--primary" disabled={comment.trim() === ''}>
        {t('qa.save')}
      </button>
    </form>
  );
}

const SCORE_CHOICES: readonly { value: string; score: number | null }[] = [
  { value: '1', score: 1 },
  { value: '0.5', score: 0.5 },
  { value: '0', score: 0 },
  { value: 'na', score: null },
];

function Scorecard({
  detail,
  canReview,
  act,
}: {
  detail: EvaluationDetail;
  canReview: boolean;
  act: ReviewProps['act'];
}) {
  const { t } = useTranslation();
  const stored = new Map(detail.scorecard.map((s) => [s.item, s]));
  const [values, setValues] = useState<Record<ManualItem, { score: string; comment: string }>>(
    () =>
      Object.fromEntries(
        MANUAL_ITEMS.map((i) => {
          const s = stored.get(i);
          return [
            i,
            {
              score: s === undefined ? '' : s.score === null ? 'na' : String(s.score),
              comment: s?.comment ?? '',
            },
          ];
        }),
      ) as Record<ManualItem, { score: string; comment: string }>,
  );
  // People who cannot review see the scorecard only once a reviewer has filled it in.
  if (!canReview && detail.scorecard.length === 0) return null;
  return (
    <form
      className="panel qa-form"
      onSubmit={(e) => {
        e.preventDefault();
        const items = MANUAL_ITEMS.filter((i) => values[i].score !== '').map((i) => ({
          item: i,
          score: SCORE_CHOICES.find((c) => c.value === values[i].score)?.score ?? null,
          comment: values[i].comment,
        }));
        if (items.length > 0) void act('scorecard', { items });
      }}
    >
      <h3 className="panel__title">{t('qa.scorecard')}</h3>
      <div className="qa-scorecard">
        {MANUAL_ITEMS.map((item) => (
          <div key={item} className="qa-scorecard__item" data-item={item}>
            <span className="qa-scorecard__name">
              <span className="qa-checks__id">{item}</span> {t(`qa.item.${item}`)}
            </span>
            <select
              disabled={!canReview}
              value={values[item].score}
              aria-label={t(`qa.item.${item}`)}
              onChange={(e) =>
                setValues({ ...values, [item]: { ...values[item], score: e.target.value } })
              }
            >
              <option value="">–</option>
              {SCORE_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {t(`qa.scoreChoice.${c.value === '0.5' ? 'half' : c.value}`)}
                </option>
              ))}
            </select>
            <input
              className="qa-scorecard__comment"
              disabled={!canReview}
              value={values[item].comment}
              placeholder={t('qa.comment')}
              aria-label={t('qa.comment')}
              onChange={(e) =>
                setValues({ ...values, [item]: { ...values[item], comment: e.target.value } })
              }
            />
          </div>
        ))}
      </div>
      {canReview ? (
        <button type="submit" className="btn btn--primary">
          {t('qa.save')}
        </button>
      ) : null}
    </form>
  );
}

function AckPanel({
  detail,
  isAgent,
  canReview,
  act,
}: {
  detail: EvaluationDetail;
  isAgent: boolean;
  canReview: boolean;
  act: ReviewProps['act'];
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [decisionComment, setDecisionComment] = useState('');
  const appeal = detail.appeal;
  return (
    <div className="panel qa-form">
      <h3 className="panel__title">{t('qa.acknowledgement')}</h3>
      <p>{detail.acknowledgedAt !== null ? t('qa.acknowledged') : t('qa.notAcknowledged')}</p>
      {isAgent && detail.acknowledgedAt === null ? (
        <button type="button" className="btn btn--primary" onClick={() => void act('ack')}>
          {t('qa.acknowledge')}
        </button>
      ) : null}
      {appeal !== null ? (
        <div className="qa-appeal">
          <p>
            <strong>{t('qa.appeal')}</strong> ({t(`qa.appealStatus.${appeal.status ?? 'open'}`)}):{' '}
            {appeal.text}
          </p>
          {appeal.comment ? <p className="qa-appeal__decision">{appeal.comment}</p> : null}
        </div>
      ) : null}
      {isAgent && (appeal === null || appeal.status === 'open') ? (
        <>
          <textarea
            value={text}
            placeholder={t('qa.appealText')}
            aria-label={t('qa.appealText')}
            onChange={(e) => setText(e.target.value)}
          />
          <button
            type="button"
            className="btn"
            disabled={text.trim() === ''}
            onClick={() => void act('appeal', { text }).then((ok) => ok && setText(''))}
          >
            {t('qa.sendAppeal')}
          </button>
        </>
      ) : null}
      {canReview && appeal?.status === 'open' ? (
        <>
          <textarea
            value={decisionComment}
            placeholder={t('qa.comment')}
            aria-label={t('qa.comment')}
            onChange={(e) => setDecisionComment(e.target.value)}
          />
          <div className="qa-form__row">
            <button
              type="button"
              className="btn"
              onClick={() =>
                void act('appeal/decision', { decision: 'accepted', comment: decisionComment })
              }
            >
              {t('qa.accept')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() =>
                void act('appeal/decision', { decision: 'rejected', comment: decisionComment })
              }
            >
              {t('qa.reject')}
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}
