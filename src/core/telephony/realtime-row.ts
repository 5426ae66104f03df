/**
 * queue_log rows exported from a database (CSV/TSV) → canonical events.
 *
 * Two layouts (kpi.md "Database exports"):
 * - Asterisk's realtime table: `time, callid, queuename, agent, event` and either `data` (all data
 *   `|`-joined) or `data1..data5` (the last column may hold the `|`-joined rest, as Asterisk's
 *   adaptive realtime splits at most 5 fields). `time` is epoch seconds or a local date-time string.
 * - The PBXware export (`date_time, callid, queue_name, type, event, param1..3, entpos, expos, htime,
 *   ttime`), mapped back to Asterisk's data fields as `../shared/data/pbxware-queue-log/SOURCE.md`
 *   describes.
 */
import {
  parseEpochSeconds,
  parseQueueLogLine,
  type ParseFailure,
  type ParseResult,
} from './queue-log.js';

/** A row converted to the equivalent raw queue_log line. */
export type RowLineResult = { readonly ok: true; readonly line: string } | ParseFailure;

/** The column layout of an export, found from its header. */
export type RowLayout =
  | { readonly kind: 'realtime'; readonly columns: RealtimeColumns }
  | { readonly kind: 'pbxware'; readonly columns: PbxwareColumns };

interface RealtimeColumns {
  time: number;
  callid: number;
  queuename: number;
  agent: number;
  event: number;
  /** Index of `data`, or of `data1..data5` in order. */
  data: number[];
}

interface PbxwareColumns {
  dateTime: number;
  callid: number;
  queueName: number;
  type: number;
  event: number;
  param1: number;
  param2: number;
  param3: number;
  entpos: number;
  expos: number;
  htime: number;
  ttime: number;
}

/**
 * Recognises an export's header row.
 * @param header the header cells
 * @returns the layout, or a message naming the missing columns
 */
export function rowLayout(header: readonly string[]): RowLayout | { error: string } {
  const names = header.map((h) => h.trim().toLowerCase());
  const at = (name: string): number => names.indexOf(name);
  if (at('date_time') >= 0 && at('param1') >= 0) {
    const wanted = [
      'date_time',
      'callid',
      'queue_name',
      'type',
      'event',
      'param1',
      'param2',
      'param3',
      'entpos',
      'expos',
      'htime',
      'ttime',
    ];
    const missing = wanted.filter((n) => at(n) < 0);
    if (missing.length > 0) {
      return { error: `PBXware export lacks column(s) ${missing.join(', ')}` };
    }
    return {
      kind: 'pbxware',
      columns: {
        dateTime: at('date_time'),
        callid: at('callid'),
        queueName: at('queue_name'),
        type: at('type'),
        event: at('event'),
        param1: at('param1'),
        param2: at('param2'),
        param3: at('param3'),
        entpos: at('entpos'),
        expos: at('expos'),
        htime: at('htime'),
        ttime: at('ttime'),
      },
    };
  }
  const time = at('time') >= 0 ? at('time') : at('timestamp');
  const queue = at('queuename') >= 0 ? at('queuename') : at('queue_name');
  const required: [string, number][] = [
    ['time', time],
    ['callid', at('callid')],
    ['queuename', queue],
    ['agent', at('agent')],
    ['event', at('event')],
  ];
  const missing = required.filter(([, i]) => i < 0).map(([n]) => n);
  if (missing.length > 0) {
    return {
      error: `not a queue_log export: header lacks column(s) ${missing.join(', ')} (expected time, callid, queuename, agent, event, data or data1..data5)`,
    };
  }
  const data =
    at('data') >= 0
      ? [at('data')]
      : ['data1', 'data2', 'data3', 'data4', 'data5'].map(at).filter((i) => i >= 0);
  return {
    kind: 'realtime',
    columns: {
      time,
      callid: at('callid'),
      queuename: queue,
      agent: at('agent'),
      event: at('event'),
      data,
    },
  };
}

/**
 * Converts one exported row to the raw queue_log line Asterisk would have written
 * (`epoch|callid|queue|agent|EVENT|data…`), so rows and lines share one parser and one duplicate key.
 * @param row the row's cells
 * @param localTime converts a local date-time string (`YYYY-MM-DD HH:MM:SS`) to epoch seconds in
 *   the report's zone; throws RangeError when it is not one
 * @returns the line, or a failure naming the field
 */
export function rowLine(
  layout: RowLayout,
  row: readonly string[],
  localTime: (text: string) => number,
): RowLineResult {
  const cell = (i: number): string => row[i] ?? '';
  if (layout.kind === 'pbxware') return pbxwareLine(layout.columns, cell);
  const c = layout.columns;
  const timeText = cell(c.time).trim();
  let time = parseEpochSeconds(timeText);
  if (time === null) {
    try {
      time = localTime(timeText);
    } catch {
      return {
        ok: false,
        field: 'time',
        reason: `field time is neither epoch seconds nor a date-time: "${timeText}"`,
      };
    }
  }
  const verb = cell(c.event).trim();
  if (verb === '') return { ok: false, field: 'event', reason: 'field event is empty' };
  const data: string[] = [];
  for (const i of c.data) data.push(...cell(i).split('|'));
  while (data.length > 0 && data[data.length - 1] === '') data.pop();
  return line(time, cell(c.callid), cell(c.queuename), cell(c.agent), verb, data);
}

/** Converts a row to an event (via {@link rowLine}). */
export function rowEvent(
  layout: RowLayout,
  row: readonly string[],
  localTime: (text: string) => number,
): ParseResult {
  const converted = rowLine(layout, row, localTime);
  return converted.ok ? parseQueueLogLine(converted.line) : converted;
}

function line(
  time: number,
  callId: string,
  queue: string,
  agent: string,
  verb: string,
  data: readonly string[],
): RowLineResult {
  const id = (v: string): string => (v.trim() === '' ? 'NONE' : v.trim());
  const fields = [String(time), id(callId), id(queue), id(agent), verb, ...data];
  return { ok: true, line: fields.join('|') };
}

function pbxwareLine(c: PbxwareColumns, cell: (i: number) => string): RowLineResult {
  const time = parseEpochSeconds(cell(c.dateTime).trim());
  if (time === null) {
    return {
      ok: false,
      field: 'date_time',
      reason: `field date_time is not an epoch: "${cell(c.dateTime)}"`,
    };
  }
  const verb = cell(c.event).trim();
  if (verb === '') return { ok: false, field: 'event', reason: 'field event is empty' };
  const [p1, p2, p3] = [cell(c.param1), cell(c.param2), cell(c.param3)];
  const [entpos, expos, htime, ttime] = [
    cell(c.entpos),
    cell(c.expos),
    cell(c.htime),
    cell(c.ttime),
  ];
  let data: string[];
  switch (verb) {
    case 'ENTERQUEUE':
      data = ['', p1, entpos];
      break;
    case 'CONNECT':
      data = [htime, p2, p3];
      break;
    case 'COMPLETEAGENT':
    case 'COMPLETECALLER':
      data = [htime, ttime, entpos];
      break;
    case 'ABANDON':
    case 'EXITWITHTIMEOUT':
    case 'EXITEMPTY':
      data = [expos, entpos, htime];
      break;
    case 'EXITWITHKEY':
      data = [p2, expos, entpos, htime];
      break;
    case 'RINGNOANSWER':
    case 'RINGCANCELED':
      data = [htime];
      break;
    case 'BLINDTRANSFER':
    case 'TRANSFER':
      // The export keeps the extension in param2 but not the context.
      data = [p2, 'from-internal', htime, ttime, entpos];
      break;
    case 'ATTENDEDTRANSFER':
      data = ['BRIDGE', '', htime, ttime, entpos];
      break;
    default:
      data = [p1, p2, p3];
      while (data.length > 0 && data[data.length - 1] === '') data.pop();
  }
  return line(time, cell(c.callid), cell(c.queueName), cell(c.type), verb, data);
}
