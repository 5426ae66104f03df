/** Reports: date range, interval, queue; the interval chart; queue and agent tables; exports. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { IntervalChart } from '../components/interval-chart.js';
import { formatPercent, formatSeconds, localDate } from '../model/format.js';
import {
  aggregateIntervals,
  fillIntervals,
  INTERVAL_MINUTES,
  reportRows,
  reportUrl,
  withAgentNames,
  type AgentRow,
  type IntervalRow,
  type NamedAgentRow,
  type QueueRow,
  type ReportKind,
  type ReportQuery,
  type SlFormula,
} from '../model/reports.js';
import type { ConsoleSettings } from '../model/settings.js';
import { useErrorText } from './auth-pages.js';

/** Props of {@link ReportsPage}. `queueNames` come from the live floor. */
export interface ReportsPageProps {
  settings: ConsoleSettings;
  queueNames: readonly string[];
  now: number;
  /** The role may export (`reports.export`): the CSV/XLSX links show only then. */
  canExport: boolean;
}

interface Loaded {
  queues: QueueRow[];
  agents: NamedAgentRow[];
  intervals: IntervalRow[];
  formula: SlFormula;
  /** The interval length the rows were computed for. */
  intervalMinutes: number;
}

function formulaOf(body: unknown): SlFormula {
  if (typeof body === 'object' && body !== null && 'settings' in body) {
    const f = (body as { settings?: { serviceLevelFormula?: unknown } }).settings
      ?.serviceLevelFormula;
    if (
      f === 'answered' ||
      f === 'asteriskSL2' ||
      f === 'lateAbandons' ||
      f === 'answeredAbandoned'
    ) {
      return f;
    }
  }
  return 'offered';
}

/** The reports page. */
export function ReportsPage({ settings, queueNames, now, canExport }: ReportsPageProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const today = localDate(now, settings.timeZone);
  const [query, setQuery] = useState<ReportQuery>({
    fromDate: today,
    toDate: today,
    timeZone: settings.timeZone,
    intervalMinutes: 30,
    queue: null,
  });
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const effective = useMemo(
    () => ({ ...query, timeZone: settings.timeZone }),
    [query, settings.timeZone],
  );

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    const kinds: ReportKind[] = ['queues', 'agents', 'intervals'];
    Promise.all(kinds.map((k) => api(reportUrl(k, effective, 'json'))))
      .then(([q, a, i]) => {
        if (cancelled) return;
        setData({
          queues: reportRows<QueueRow>(q, 'queues'),
          agents: withAgentNames(reportRows<AgentRow>(a, 'agents'), a),
          intervals: reportRows<IntervalRow>(i, 'intervals'),
          formula: formulaOf(i),
          intervalMinutes: effective.intervalMinutes,
        });
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorText(e));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [effective, reload]);

  const points = useMemo(
    () =>
      data
        ? fillIntervals(aggregateIntervals(data.intervals, data.formula), data.intervalMinutes)
        : [],
    [data],
  );
  const multiDay = effective.fromDate !== effective.toDate;

  return (
    <main className="reports">
      <form className="toolbar" onSubmit={(e) => e.preventDefault()}>
        <label className="select">
          <span>{t('reports.from')}</span>
          <input
            type="date"
            value={query.fromDate}
            max={query.toDate}
            onChange={(e) => e.target.value && setQuery({ ...query, fromDate: e.target.value })}
          />
        </label>
        <label className="select">
          <span>{t('reports.to')}</span>
          <input
            type="date"
            value={query.toDate}
            min={query.fromDate}
            onChange={(e) => e.target.value && setQuery({ ...query, toDate: e.target.value })}
          />
        </label>
        <label className="select">
          <span>{t('reports.interval')}</span>
          <select
            value={query.intervalMinutes}
            onChange={(e) =>
              setQuery({
                ...query,
                intervalMinutes: Number(e.target.value) as ReportQuery['intervalMinutes'],
              })
            }
          >
            {INTERVAL_MINUTES.map((m) => (
              <option key={m} value={m}>
                {t('reports.minutes', { count: m })}
              </option>
            ))}
          </select>
        </label>
        <label className="select">
          <span>{t('reports.queue')}</span>
          <select
            value={query.queue ?? ''}
            onChange={(e) => setQuery({ ...query, queue: e.target.value || null })}
          >
            <option value="">{t('reports.allQueues')}</option>
            {queueNames.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => setReload(reload + 1)}>
          {t('reports.refresh')}
        </button>
        <span className="toolbar__note">{t('reports.rangeNote', { tz: settings.timeZone })}</span>
      </form>

      {error !== null ? (
        <p className="form-error" data-testid="reports-error">
          {t('reports.failed', { message: error })}
        </p>
      ) : null}
      {loading && data === null ? <p className="empty">{t('reports.loading')}</p> : null}

      <section className="panel">
        <h2 className="panel__title">
          {t('reports.chart')}
          {canExport ? <ExportLinks kind="intervals" query={effective} /> : null}
        </h2>
        {data && points.length === 0 ? <p className="empty">{t('reports.empty')}</p> : null}
        <IntervalChart points={points} withDate={multiDay} timeZone={settings.timeZone} />
      </section>

      <section className="panel">
        <h2 className="panel__title">
          {t('reports.queuesTable')}
          {canExport ? <ExportLinks kind="queues" query={effective} /> : null}
        </h2>
        <div className="table-wrap">
          <table className="table" data-testid="queues-table">
            <thead>
              <tr>
                <th>{t('col.queue')}</th>
                <th>{t('col.offered')}</th>
                <th>{t('col.answered')}</th>
                <th>{t('col.abandoned')}</th>
                <th>{t('col.serviceLevel')}</th>
                <th>{t('col.asa')}</th>
                <th>{t('col.aht')}</th>
                <th>{t('col.abandonRate')}</th>
                <th>{t('col.maxWait')}</th>
              </tr>
            </thead>
            <tbody>
              {(data?.queues ?? []).map((q) => (
                <tr key={q.queue}>
                  <td>{q.queue}</td>
                  <td>{q.offered}</td>
                  <td>{q.answered}</td>
                  <td>{q.abandoned}</td>
                  <td>{formatPercent(q.serviceLevel, 1)}</td>
                  <td>{formatSeconds(q.asa)}</td>
                  <td>{formatSeconds(q.aht)}</td>
                  <td>{formatPercent(q.abandonRate, 1)}</td>
                  <td>{formatSeconds(q.maxWait)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel">
        <h2 className="panel__title">
          {t('reports.agentsTable')}
          {canExport ? <ExportLinks kind="agents" query={effective} /> : null}
        </h2>
        <div className="table-wrap">
          <table className="table" data-testid="agents-table">
            <thead>
              <tr>
                <th>{t('col.agent')}</th>
                <th>{t('col.answered')}</th>
                <th>{t('col.talk')}</th>
                <th>{t('col.loggedIn')}</th>
                <th>{t('col.paused')}</th>
                <th>{t('col.occupancy')}</th>
                <th>{t('col.ringNoAnswer')}</th>
              </tr>
            </thead>
            <tbody>
              {(data?.agents ?? []).map((a) => (
                <tr key={a.agent} data-agent={a.agent}>
                  <td className="agent-cell">
                    <span className="agent-cell__name">{a.name}</span>
                    {a.name !== a.agent ? (
                      <small className="agent-cell__id muted">{a.agent}</small>
                    ) : null}
                  </td>
                  <td>{a.answered}</td>
                  <td>{formatSeconds(a.talk)}</td>
                  <td>{formatSeconds(a.loggedIn)}</td>
                  <td>{formatSeconds(a.paused)}</td>
                  <td>{formatPercent(a.occupancy, 1)}</td>
                  <td>{a.ringNoAnswer}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}

/** CSV and XLSX download links for one report. */
function ExportLinks({ kind, query }: { kind: ReportKind; query: ReportQuery }) {
  const { t } = useTranslation();
  return (
    <span className="exports">
      <span className="exports__label">{t('reports.export')}</span>
      <a
        className="btn btn--small"
        href={reportUrl(kind, query, 'csv')}
        download
        data-testid={`export-${kind}-csv`}
      >
        {t('reports.csv')}
      </a>
      <a
        className="btn btn--small"
        href={reportUrl(kind, query, 'xlsx')}
        download
        data-testid={`export-${kind}-xlsx`}
      >
        {t('reports.xlsx')}
      </a>
    </span>
  );
}
