/**
 * Writes an engine commit in ONE transaction: accepted events, closed records, rollups, the sources'
 * checkpoints and the engine snapshot. Either all of it is stored or none of it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { insertEvents, putCheckpoint, putSnapshot } from '../../db/ingest.repository.js';
import { insertRecords, raiseLastEventTime } from '../../db/records.repository.js';
import type { EngineCommit } from './live-engine.js';
import { refreshRollups, type RollupSettings } from './rollup-store.js';

/**
 * Stores a commit atomically.
 * @param snapshotId the engine snapshot's row id (`live` or `demo`)
 * @param nowMs epoch ms written as the bookkeeping time
 * @throws the database error (nothing of the commit is stored then)
 */
export async function writeCommit(
  db: Kysely<Database>,
  commit: EngineCommit,
  snapshotId: string,
  rollup: RollupSettings,
  nowMs: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertEvents(trx, commit.events);
    await insertRecords(trx, commit.records);
    await refreshRollups(trx, commit.records.queueCalls, rollup);
    for (const [source, checkpoint] of commit.checkpoints) {
      await putCheckpoint(trx, source, checkpoint, nowMs);
    }
    await putSnapshot(trx, snapshotId, commit.snapshot, nowMs);
    if (commit.maxEventTime !== null) await raiseLastEventTime(trx, commit.maxEventTime);
  });
}
