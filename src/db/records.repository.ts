/**
 * Storage of reconstruction records (queue-calls, agent segments, rejected joins, agents seen) and
 * the query that feeds them back to a `RecordSink` (the statistics aggregator) for reports.
 * Kysely only: no business rules here.
 */
import type {
  AgentSegment,
  QueueCallOutcome,
  QueueCallRecord,
  RecordSink,
  RejectedJoin,
  RingAttempt,
} from '../core/stats/records.js';
import type { CallHold } from '../core/stats/holds.js';
import type { Db, QueueCallTable } from './database.js';

/** Rows to write in one transaction. */
export interface RecordBatch {
  readonly queueCalls: readonly QueueCallRecord[];
  readonly segments: readonly AgentSegment[];
  readonly rejected: readonly RejectedJoin[];
  /** Agent name → whether it had a session event. */
  readonly agents: ReadonlyMap<string, boolean>;
  /** Closed holds of calls (live sources only); absent = none. */
  readonly holds?: readonly CallHold[];
}

/** SQLite's limit on bound parameters is 32766; PostgreSQL's 65535. Stay well below both. */
const CHUNK_ROWS = 400;

function chunks<T>(items: readonly T[], size = CHUNK_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function queueCallRow(r: QueueCallRecord): QueueCallTable {
  return {
    call_id: r.callId,
    queue: r.queue,
    attributed_at: r.attributedAt,
    entered_at: r.enteredAt,
    outcome: r.outcome,
    wait: r.wait,
    agent: r.agent,
    connected_at: r.connectedAt,
    ended_at: r.endedAt,
    talk: r.talk,
    wrap_up: r.wrapUp,
    transferred: r.transferred ? 1 : 0,
    exit_key: r.exitKey,
    caller_id: r.callerId,
    first_stint: r.firstStint ? 1 : 0,
    rings: JSON.stringify(r.rings),
  };
}

/** Maps a stored row back to the record. */
export function queueCallRowToRecord(row: QueueCallTable): QueueCallRecord {
  return {
    callId: row.call_id,
    queue: row.queue,
    attributedAt: Number(row.attributed_at),
    enteredAt: nullableNumber(row.entered_at),
    outcome: row.outcome as QueueCallOutcome,
    wait: nullableNumber(row.wait),
    agent: row.agent,
    connectedAt: nullableNumber(row.connected_at),
    endedAt: nullableNumber(row.ended_at),
    talk: nullableNumber(row.talk),
    wrapUp: Number(row.wrap_up),
    transferred: Number(row.transferred) === 1,
    exitKey: row.exit_key,
    callerId: row.caller_id,
    firstStint: Number(row.first_stint) === 1,
    rings: JSON.parse(row.rings) as RingAttempt[],
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * Writes records. Idempotent: a record already stored (same queue-call key, same segment start,
 * same rejected join) is left as is, so re-importing a file doubles nothing.
 * @param db a transaction (callers write a batch atomically)
 */
export async function insertRecords(db: Db, batch: RecordBatch): Promise<void> {
  for (const part of chunks(batch.queueCalls)) {
    await db
      .insertInto('queue_call')
      .values(part.map(queueCallRow))
      .onConflict((oc) => oc.columns(['call_id', 'queue', 'attributed_at']).doNothing())
      .execute();
  }
  for (const part of chunks(batch.segments)) {
    await db
      .insertInto('agent_segment')
      .values(
        part.map((s) => ({
          agent: s.agent,
          kind: s.kind,
          reason: s.reason,
          start_at: s.start,
          end_at: s.end,
        })),
      )
      .onConflict((oc) => oc.columns(['agent', 'kind', 'start_at']).doNothing())
      .execute();
  }
  for (const part of chunks(batch.rejected)) {
    await db
      .insertInto('rejected_join')
      .values(part.map((j) => ({ queue: j.queue, time: j.time, call_id: j.callId ?? '' })))
      .onConflict((oc) => oc.columns(['queue', 'time', 'call_id']).doNothing())
      .execute();
  }
  for (const part of chunks(batch.holds ?? [])) {
    await db
      .insertInto('call_hold')
      .values(
        part.map((h) => ({ call_id: h.callId, start_at: h.start, end_at: h.end, agent: h.agent })),
      )
      .onConflict((oc) => oc.columns(['call_id', 'start_at']).doNothing())
      .execute();
  }
  const agents = [...batch.agents.entries()];
  for (const part of chunks(agents)) {
    await db
      .insertInto('agent_seen')
      .values(part.map(([agent, has]) => ({ agent, has_sessions: has ? 1 : 0 })))
      .onConflict((oc) => oc.column('agent').doNothing())
      .execute();
    const withSessions = part.filter(([, has]) => has).map(([agent]) => agent);
    if (withSessions.length > 0) {
      await db
        .updateTable('agent_seen')
        .set({ has_sessions: 1 })
        .where('agent', 'in', withSessions)
        .execute();
    }
  }
}

/**
 * The holds of a call (from the live connectors' HOLD / UNHOLD), in start order; empty when it
 * had none or no live source was on. For QA: `holdsFromCallStart(holds, callStart)` gives the
 * transcript's `holds`.
 * @param callId the caller's uniqueid (`queue_call.call_id`)
 */
export async function callHolds(db: Db, callId: string): Promise<CallHold[]> {
  const rows = await db
    .selectFrom('call_hold')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('start_at')
    .execute();
  return rows.map((r) => ({
    callId: r.call_id,
    agent: r.agent,
    start: Number(r.start_at),
    end: Number(r.end_at),
  }));
}

/** What a report reads. Epoch seconds; `null` = unbounded. */
export interface RecordQuery {
  readonly from: number | null;
  readonly to: number | null;
  /** Only these queues (queue-calls and rejected joins); `null` = all. */
  readonly queue: string | null;
}

/**
 * Feeds the stored records in a range to a sink (e.g. a `StatsAggregator`), in a stable order:
 * agents seen, segments by start, queue-calls by attribution time, rejected joins by time.
 * Queue-calls are selected by `attributed_at` in [from, to); segments that overlap the range.
 */
export async function feedRecords(db: Db, query: RecordQuery, sink: RecordSink): Promise<void> {
  const agents = db.selectFrom('agent_seen').selectAll().orderBy('agent');
  for (const row of await agents.execute()) {
    sink.agentSeen(row.agent);
    if (Number(row.has_sessions) === 1) sink.agentHasSessions(row.agent);
  }

  let segments = db.selectFrom('agent_segment').selectAll();
  if (query.from !== null) segments = segments.where('end_at', '>', query.from);
  if (query.to !== null) segments = segments.where('start_at', '<', query.to);
  for (const row of await segments.orderBy('start_at').orderBy('agent').execute()) {
    sink.agentSegment({
      agent: row.agent,
      kind: row.kind === 'paused' ? 'paused' : 'loggedIn',
      reason: row.reason,
      start: Number(row.start_at),
      end: Number(row.end_at),
    });
  }

  let calls = db.selectFrom('queue_call').selectAll();
  if (query.from !== null) calls = calls.where('attributed_at', '>=', query.from);
  if (query.to !== null) calls = calls.where('attributed_at', '<', query.to);
  if (query.queue !== null) calls = calls.where('queue', '=', query.queue);
  const rows = await calls.orderBy('attributed_at').orderBy('call_id').orderBy('queue').execute();
  for (const row of rows) sink.queueCall(queueCallRowToRecord(row));

  let rejected = db.selectFrom('rejected_join').selectAll();
  if (query.from !== null) rejected = rejected.where('time', '>=', query.from);
  if (query.to !== null) rejected = rejected.where('time', '<', query.to);
  if (query.queue !== null) rejected = rejected.where('queue', '=', query.queue);
  for (const row of await rejected.orderBy('time').execute()) {
    sink.rejected({
      queue: row.queue,
      time: Number(row.time),
      callId: row.call_id === '' ? null : row.call_id,
    });
  }
}

/** Latest event time stored (epoch s) over records, or `null` when there are none. */
export async function lastRecordTime(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'last_event_time')
    .executeTakeFirst();
  return row === undefined ? null : Number(row.value);
}

/** Raises the stored latest event time (epoch s) to `time` when it is later. */
export async function raiseLastEventTime(db: Db, time: number): Promise<void> {
  const current = await lastRecordTime(db);
  if (current !== null && current >= time) return;
  await db
    .insertInto('meta')
    .values({ key: 'last_event_time', value: String(time) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(time) }))
    .execute();
}

/** A selection of stored queue-calls. Epoch seconds; `null` = unbounded / all. */
export interface QueueCallQuery {
  readonly from: number | null;
  readonly to: number | null;
  readonly queue: string | null;
  /** Only calls answered by this agent id (person id or member name). */
  readonly agent: string | null;
  /** At most this many rows (the earliest ones). */
  readonly limit: number;
}

/**
 * Stored queue-calls attributed in [from, to) (by `attributed_at`), oldest first (then call id,
 * queue), at most `limit`.
 */
export async function selectQueueCalls(db: Db, query: QueueCallQuery): Promise<QueueCallRecord[]> {
  let calls = db.selectFrom('queue_call').selectAll();
  if (query.from !== null) calls = calls.where('attributed_at', '>=', query.from);
  if (query.to !== null) calls = calls.where('attributed_at', '<', query.to);
  if (query.queue !== null) calls = calls.where('queue', '=', query.queue);
  if (query.agent !== null) calls = calls.where('agent', '=', query.agent);
  const rows = await calls
    .orderBy('attributed_at')
    .orderBy('call_id')
    .orderBy('queue')
    .limit(query.limit)
    .execute();
  return rows.map(queueCallRowToRecord);
}
