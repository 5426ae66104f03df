/**
 * Human-readable renderings of a stats report: a terminal table and CSV for spreadsheets.
 * Both round for display; the JSON contract never rounds.
 */
import Table from 'cli-table3';
import { formatLocalIso } from '../core/stats/time-zone.js';
import { stringify } from 'csv-stringify/sync';
import {
  QUEUE_KPI_FIELDS,
  type AgentReport,
  type QueueKpis,
  type StatsReport,
} from '../core/stats/report.js';

/** `0.8123` → `81.2%`; null → `–`. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Seconds → `12.3s` below a minute, else `h:mm:ss` / `m:ss`; null → `–`. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 && !Number.isInteger(seconds) ? 1 : 0)}s`;
  }
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

const TABLE_STYLE = { head: [], border: [] };
/** Box drawing without a rule between rows: dense, like a wallboard. */
const TABLE_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function queueRow(name: string, q: QueueKpis): string[] {
  return [
    name,
    String(q.offered),
    String(q.answered),
    q.shortAbandoned > 0 ? `${q.abandoned} (${q.shortAbandoned} short)` : String(q.abandoned),
    String(q.timedOut + q.exitedWithKey + q.exitedEmpty),
    String(q.lost + q.stillWaiting),
    percent(q.serviceLevel),
    percent(q.abandonRate),
    duration(q.asa),
    duration(q.aht),
    duration(q.maxWait),
  ];
}

function agentRow(a: AgentReport): string[] {
  const reasons = Object.entries(a.pausedByReason)
    .map(([reason, s]) => `${reason === '' ? '(none)' : reason} ${duration(s)}`)
    .join(', ');
  return [
    a.agent,
    String(a.answered),
    duration(a.talk),
    duration(a.busy),
    a.loggedIn === null ? 'unknown' : duration(a.loggedIn),
    duration(a.paused) + (reasons === '' ? '' : ` (${reasons})`),
    percent(a.occupancy),
    a.unreachable > 0
      ? `${a.ringNoAnswer} (+${a.unreachable} unreachable)`
      : String(a.ringNoAnswer),
  ];
}

/** `1 line`, `2 lines`: a count with its noun in the singular or plural. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The terminal report: settings, queues with a totals row, then agents. */
export function formatTable(report: StatsReport): string {
  const s = report.settings;
  const lines: string[] = [];
  const at = (t: number | null): string => (t === null ? '…' : formatLocalIso(t, s.timeZone));
  const range = s.from === null && s.to === null ? 'whole input' : `${at(s.from)} – ${at(s.to)}`;
  lines.push(
    `Settings: service level = answered within ${s.serviceLevelThreshold}s, formula "${s.serviceLevelFormula}"` +
      `; short abandon ${s.shortAbandon > 0 ? `< ${s.shortAbandon}s` : 'off'}; wrap-up ${s.wrapup}s` +
      `; time zone ${s.timeZone}; range ${range}` +
      (s.agents === null ? '' : `; agent aliases ${s.agents}`),
  );
  const i = report.input;
  lines.push(
    `Input: ${i.files.join(', ')} — ${count(i.lines, 'line')}, ${count(i.events, 'event')}, ` +
      `${i.malformed} malformed, ${count(i.duplicates, 'duplicate')}, ${i.late} late, ` +
      `${count(i.unknownEvents, 'unknown event')}; ${count(report.totals.uniqueCalls, 'unique call')}`,
  );
  const queues = new Table({
    head: [
      'Queue',
      'Offered',
      'Answered',
      'Abandoned',
      'Exited',
      'Lost/waiting',
      'Service level',
      'Abandon rate',
      'ASA',
      'AHT',
      'Max wait',
    ],
    style: TABLE_STYLE,
    chars: TABLE_CHARS,
    colAligns: ['left', ...Array<'right'>(10).fill('right')],
  });
  for (const q of report.queues) queues.push(queueRow(q.queue, q));
  if (report.queues.length > 1) queues.push(queueRow('Total', report.totals));
  lines.push('', 'Queues', queues.toString());
  if (report.agents.length > 0) {
    const agents = new Table({
      head: [
        'Agent',
        'Answered',
        'Talk',
        'Busy',
        'Logged in',
        'Paused',
        'Occupancy',
        'Ring no answer',
      ],
      style: TABLE_STYLE,
      chars: TABLE_CHARS,
      colAligns: ['left', ...Array<'right'>(7).fill('right')],
    });
    for (const a of report.agents) agents.push(agentRow(a));
    lines.push('', 'Agents', agents.toString());
  }
  if (report.intervals !== undefined && report.intervals.length > 0) {
    const intervals = new Table({
      head: [
        'Interval',
        'Queue',
        'Offered',
        'Answered',
        'Abandoned',
        'Exited',
        'Lost/waiting',
        'Service level',
        'Abandon rate',
        'ASA',
        'AHT',
        'Max wait',
      ],
      style: TABLE_STYLE,
      colAligns: ['left', 'left', ...Array<'right'>(10).fill('right')],
      chars: TABLE_CHARS,
    });
    for (const row of report.intervals) intervals.push([row.start, ...queueRow(row.queue, row)]);
    lines.push('', `Intervals (${s.interval} min)`, intervals.toString());
  }
  return `${lines.join('\n')}\n`;
}

const QUEUE_FIELDS = QUEUE_KPI_FIELDS;

function csvNumber(value: number | null): string {
  return value === null ? '' : String(Math.round(value * 10_000) / 10_000);
}

/**
 * CSV for spreadsheets: a queues table (with a `Total` row), a blank line, an agents table, and
 * with intervals a third table. Numbers are rounded to 4 decimals; ratios stay fractions.
 */
export function formatCsv(report: StatsReport): string {
  const queues = stringify([
    ['queue', ...QUEUE_FIELDS],
    ...report.queues.map((q) => [q.queue, ...QUEUE_FIELDS.map((f) => csvNumber(q[f]))]),
    ['Total', ...QUEUE_FIELDS.map((f) => csvNumber(report.totals[f]))],
  ]);
  const agents = stringify([
    [
      'agent',
      'answered',
      'talk',
      'busy',
      'overlap',
      'ringNoAnswer',
      'unreachable',
      'loggedIn',
      'paused',
      'occupancy',
      'pausedByReason',
    ],
    ...report.agents.map((a) => [
      a.agent,
      csvNumber(a.answered),
      csvNumber(a.talk),
      csvNumber(a.busy),
      csvNumber(a.overlap),
      csvNumber(a.ringNoAnswer),
      csvNumber(a.unreachable),
      csvNumber(a.loggedIn),
      csvNumber(a.paused),
      csvNumber(a.occupancy),
      Object.entries(a.pausedByReason)
        .map(([reason, s]) => `${reason}=${s}`)
        .join('; '),
    ]),
  ]);
  const parts = [queues, agents];
  if (report.intervals !== undefined) {
    parts.push(
      stringify([
        ['start', 'queue', ...QUEUE_FIELDS],
        ...report.intervals.map((r) => [
          r.start,
          r.queue,
          ...QUEUE_FIELDS.map((f) => csvNumber(r[f])),
        ]),
      ]),
    );
  }
  return parts.join('\n');
}
