/**
 * The closed queue-calls as a list (`GET /api/calls`, issue #4): one row per queue-call with its
 * caller number, limited to the principal's agent scope, the caller number masked unless the
 * principal has `customer.numbers` (X05). Exports (CSV, XLSX) use the report formatters.
 *
 * With a live engine the list is the stored calls plus the calls closed since the last commit,
 * read with no commit in between (`IngestService.readConsistent`, as the reports do): a call that
 * just ended is listed at once, and exactly once.
 */
import { agentScope, type Principal } from '../../core/people/access.js';
import type { QueueCallRecord, RecordSink } from '../../core/stats/records.js';
import type { StatsSettings } from '../../core/stats/report.js';
import type { Db } from '../../db/database.js';
import { selectQueueCalls, type QueueCallQuery } from '../../db/records.repository.js';
import {
  agentFilter,
  numberFor,
  seesCustomerNumbers,
  type TeamOf,
} from '../access/principal-view.js';
import { toCsv, toXlsx } from '../reports/report-format.js';
import { reportSettings, type LiveRecordSource } from '../reports/report-service.js';

/** Most rows one request returns (the earliest ones; `truncated` says when more exist). */
export const CALLS_MAX_ROWS = 100_000;

/** A request (query strings as given): ISO `from`/`to` read in `tz`, a queue, an agent id. */
export interface CallsRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly tz?: string | undefined;
  readonly queue?: string | undefined;
  readonly agent?: string | undefined;
}

/**
 * One queue-call as listed (the stored `QueueCallRecord` fields). Times epoch seconds, durations
 * seconds; `callerId` masked for principals without `customer.numbers`.
 */
export interface CallRow {
  readonly callId: string;
  readonly queue: string;
  readonly attributedAt: number;
  readonly enteredAt: number | null;
  readonly outcome: string;
  readonly wait: number | null;
  readonly agent: string | null;
  readonly connectedAt: number | null;
  readonly endedAt: number | null;
  readonly talk: number | null;
  readonly wrapUp: number;
  readonly transferred: boolean;
  readonly exitKey: string | null;
  readonly callerId: string | null;
}

/** The list and what the caller must audit. */
export interface CallList {
  readonly calls: CallRow[];
  /** More calls matched than `CALLS_MAX_ROWS`. */
  readonly truncated: boolean;
  /**
   * Whether unmasked customer numbers were shown (at least one row with a caller number to a
   * principal with `customer.numbers`): the route audits it as `read.customer_data`.
   */
  readonly customerData: boolean;
  /** The resolved range, epoch seconds (null: unbounded). */
  readonly from: number | null;
  readonly to: number | null;
}

/** Column order of exports (also when there are no rows). */
export const CALL_COLUMNS: readonly (keyof CallRow)[] = [
  'callId',
  'queue',
  'attributedAt',
  'enteredAt',
  'outcome',
  'wait',
  'agent',
  'connectedAt',
  'endedAt',
  'talk',
  'wrapUp',
  'transferred',
  'exitKey',
  'callerId',
];

/**
 * Lists closed queue-calls for a principal: calls attributed in [from, to), of `queue` and
 * answered by `agent` when given; only calls whose agent is in the principal's scope (unanswered
 * calls only for `all` scopes); caller numbers masked without `customer.numbers`. Ordered by
 * attribution time, call id, queue.
 * @param live the ingest service: calls closed but not yet committed are listed too (null: the
 *   stored calls only)
 * @throws AppError `invalid_request` naming `tz`, `from` or `to` (as the reports do)
 */
export async function listCalls(
  db: Db,
  principal: Principal,
  request: CallsRequest,
  base: StatsSettings,
  teamOf: TeamOf,
  live: LiveRecordSource | null,
  maxRows = CALLS_MAX_ROWS,
): Promise<CallList> {
  const settings = reportSettings(base, { from: request.from, to: request.to, tz: request.tz });
  const shows = agentFilter(principal, teamOf);
  const number = numberFor(principal);
  // An agent's own calls are selected in the database (the row limit then counts only theirs).
  const scope = agentScope(principal);
  let agent = request.agent ?? null;
  if (scope.kind === 'self') {
    if (agent !== null && agent !== scope.userId) {
      return {
        calls: [],
        truncated: false,
        customerData: false,
        from: settings.from,
        to: settings.to,
      };
    }
    agent = scope.userId;
  }
  const query: QueueCallQuery = {
    from: settings.from,
    to: settings.to,
    queue: request.queue ?? null,
    agent,
    limit: maxRows + 1,
  };
  const records =
    live === null
      ? await selectQueueCalls(db, query)
      : await live.readConsistent(async (engine) => {
          const stored = await selectQueueCalls(db, query);
          const pending: QueueCallRecord[] = [];
          engine.pendingRecords(matchingCalls(query, pending));
          return mergeCalls(stored, pending, query.limit);
        });
  const truncated = records.length > maxRows;
  const calls: CallRow[] = [];
  let numbers = false;
  for (const r of records.slice(0, maxRows)) {
    if (!shows(r.agent)) continue;
    if (r.callerId !== null) numbers = true;
    calls.push({
      callId: r.callId,
      queue: r.queue,
      attributedAt: r.attributedAt,
      enteredAt: r.enteredAt,
      outcome: r.outcome,
      wait: r.wait,
      agent: r.agent,
      connectedAt: r.connectedAt,
      endedAt: r.endedAt,
      talk: r.talk,
      wrapUp: r.wrapUp,
      transferred: r.transferred,
      exitKey: r.exitKey,
      callerId: number(r.callerId),
    });
  }
  return {
    calls,
    truncated,
    customerData: numbers && seesCustomerNumbers(principal),
    from: settings.from,
    to: settings.to,
  };
}

/** A sink keeping the queue-calls that `query` selects (its `limit` aside). */
function matchingCalls(query: QueueCallQuery, into: QueueCallRecord[]): RecordSink {
  const ignore = (): void => undefined;
  return {
    queueCall: (r) => {
      if (query.from !== null && r.attributedAt < query.from) return;
      if (query.to !== null && r.attributedAt >= query.to) return;
      if (query.queue !== null && r.queue !== query.queue) return;
      if (query.agent !== null && r.agent !== query.agent) return;
      into.push(r);
    },
    agentSegment: ignore,
    rejected: ignore,
    agentSeen: ignore,
    agentHasSessions: ignore,
  };
}

/** Stored and pending calls in list order (attribution time, call id, queue), the first `limit`. */
function mergeCalls(
  stored: readonly QueueCallRecord[],
  pending: readonly QueueCallRecord[],
  limit: number,
): QueueCallRecord[] {
  if (pending.length === 0) return [...stored];
  const key = (a: QueueCallRecord, b: QueueCallRecord): number =>
    a.attributedAt - b.attributedAt ||
    (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0) ||
    (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0);
  return [...stored, ...pending].sort(key).slice(0, limit);
}

/** The rows as CSV (columns `CALL_COLUMNS`; booleans 1/0). */
export function callsCsv(calls: readonly CallRow[]): string {
  return toCsv(calls, CALL_COLUMNS);
}

/** The rows as an XLSX workbook (one sheet `calls`). */
export function callsXlsx(calls: readonly CallRow[]): Promise<Buffer> {
  return toXlsx(calls, 'calls', CALL_COLUMNS);
}
