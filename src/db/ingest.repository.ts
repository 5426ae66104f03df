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

/**
 * Deletes an engine snapshot (the engine then starts fresh from the stored records). Used when the
 * demo gets its people: the old floor rows are under member names the register now maps.
 */
export async function deleteSnapshot(db: Db, id: string): Promise<void> {
  await db.deleteFrom('engine_snapshot').where('id', '=', id).execute();
}

/** Stores the engine snapshot (call inside the transaction that writes the batch it follows). */
export async function putSnapshot(db: Db, id: string, data: string, nowMs: number): Promise<void> {
  await db
    .insertInto('engine_snapshot')
    .values({ id, data, updated_ms: nowMs })
    .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_ms: nowMs }))
    .execute();
}

/** A rollup row's key and counters. */
export type RollupDelta = IntervalRollupTable;

/** Replaces the rollup rows given (one per queue and interval start). */
export async function replaceRollups(db: Db, rows: readonly IntervalRollupTable[]): Promise<void> {
  for (const row of rows) {
    await db
      .insertInto('interval_rollup')
      .values(row)
      .onConflict((oc) => oc.columns(['queue', 'start_at']).doUpdateSet(row))
      .execute();
  }
}

/** Deletes the rollup row of a queue and interval (when no queue-call is left in it). */
export async function deleteRollup(db: Db, queue: string, startAt: number): Promise<void> {
  await db
    .deleteFrom('interval_rollup')
    .where('queue', '=', queue)
    .where('start_at', '=', startAt)
    .execute();
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
