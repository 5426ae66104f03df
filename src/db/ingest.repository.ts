/**
 * Storage of the ingest pipeline's own data: accepted events, source checkpoints, the engine
 * snapshot and the 15-minute rollups. Kysely only.
 */
import type { Db, IntervalRollupTable } from './database.js';

/** An event row to insert (the `event` table without its id). */
export interface EventRow {
  readonly source: string;
  readonly time: number;
  readonly callId: string | null;
  readonly queue: string | null;
  readonly agent: string | null;
  readonly verb: string;
  /** The canonical event as JSON. */
  readonly data: string;
  /** Epoch ms. */
  readonly receivedMs: number;
}

/** Appends events (in order). */
export async function insertEvents(db: Db, events: readonly EventRow[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await db
      .insertInto('event')
      .values(
        events.slice(i, i + 500).map((e) => ({
          source: e.source,
          time: e.time,
          call_id: e.callId,
          queue: e.queue,
          agent: e.agent,
          verb: e.verb,
          data: e.data,
          received_ms: e.receivedMs,
        })),
      )
      .execute();
  }
}

/** Number of stored events (optionally of one source). */
export async function countEvents(db: Db, source?: string): Promise<number> {
  let query = db.selectFrom('event').select((eb) => eb.fn.countAll().as('n'));
  if (source !== undefined) query = query.where('source', '=', source);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The stored checkpoint of a source, or `null`. */
export async function getCheckpoint(db: Db, source: string): Promise<string | null> {
  const row = await db
    .selectFrom('source_checkpoint')
    .select('checkpoint')
    .where('source', '=', source)
    .executeTakeFirst();
  return row?.checkpoint ?? null;
}

/** Stores a source's checkpoint (call inside the transaction that writes the batch it ends). */
export async function putCheckpoint(
  db: Db,
  source: string,
  checkpoint: string,
  nowMs: number,
): Promise<void> {
  await db
    .insertInto('source_checkpoint')
    .values({ source, checkpoint, updated_ms: nowMs })
    .onConflict((oc) => oc.column('source').doUpdateSet({ checkpoint, updated_ms: nowMs }))
    .execute();
}

/** The stored engine snapshot (JSON text), or `null`. */
export async function getSnapshot(db: Db, id: string): Promise<string | null> {
  const row = await db
    .selectFrom('engine_snapshot')
    .select('data')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.data ?? null;
}

/** Stores the engine snapshot (call inside the transaction that writes the batch it follows). */
export async function putSnapshot(db: Db, id: string, data: string, nowMs: number): Promise<void> {
  await db
    .insertInto('engine_snapshot')
    .values({ id, data, updated_ms: nowMs })
    .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_ms: nowMs }))
    .execute();
}

/** A rollup row's key and counters (what a batch adds). */
export type RollupDelta = IntervalRollupTable;

/**
 * Adds deltas to the 15-minute rollups (read-modify-write inside the caller's transaction).
 * Counters and sums add up; `max_wait` takes the larger.
 */
export async function addRollups(db: Db, deltas: readonly RollupDelta[]): Promise<void> {
  for (const delta of deltas) {
    const existing = await db
      .selectFrom('interval_rollup')
      .selectAll()
      .where('queue', '=', delta.queue)
      .where('start_at', '=', delta.start_at)
      .executeTakeFirst();
    const merged = existing === undefined ? delta : mergeRollup(existing, delta);
    await db
      .insertInto('interval_rollup')
      .values(merged)
      .onConflict((oc) => oc.columns(['queue', 'start_at']).doUpdateSet(merged))
      .execute();
  }
}

function mergeRollup(a: IntervalRollupTable, b: IntervalRollupTable): IntervalRollupTable {
  const maxA = a.max_wait === null ? null : Number(a.max_wait);
  return {
    queue: a.queue,
    start_at: Number(a.start_at),
    offered: Number(a.offered) + b.offered,
    answered: Number(a.answered) + b.answered,
    abandoned: Number(a.abandoned) + b.abandoned,
    short_abandoned: Number(a.short_abandoned) + b.short_abandoned,
    timed_out: Number(a.timed_out) + b.timed_out,
    exited_with_key: Number(a.exited_with_key) + b.exited_with_key,
    exited_empty: Number(a.exited_empty) + b.exited_empty,
    lost: Number(a.lost) + b.lost,
    still_waiting: Number(a.still_waiting) + b.still_waiting,
    transferred: Number(a.transferred) + b.transferred,
    answered_within_threshold: Number(a.answered_within_threshold) + b.answered_within_threshold,
    abandoned_within_threshold: Number(a.abandoned_within_threshold) + b.abandoned_within_threshold,
    wait_answered_sum: Number(a.wait_answered_sum) + b.wait_answered_sum,
    talk_sum: Number(a.talk_sum) + b.talk_sum,
    talk_count: Number(a.talk_count) + b.talk_count,
    abandon_wait_sum: Number(a.abandon_wait_sum) + b.abandon_wait_sum,
    max_wait:
      maxA === null ? b.max_wait : b.max_wait === null ? maxA : Math.max(maxA, b.max_wait),
    sl_threshold: b.sl_threshold,
    short_abandon: b.short_abandon,
  };
}

/** Rollup rows of a range (epoch s, [from, to)), by start then queue. */
export async function selectRollups(
  db: Db,
  from: number | null,
  to: number | null,
): Promise<IntervalRollupTable[]> {
  let query = db.selectFrom('interval_rollup').selectAll();
  if (from !== null) query = query.where('start_at', '>=', from);
  if (to !== null) query = query.where('start_at', '<', to);
  return query.orderBy('start_at').orderBy('queue').execute();
}

/** Whether the database answers (for `/healthz`). */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.selectFrom('meta').select('key').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
