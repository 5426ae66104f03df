/**
 * Keeps the stored 15-minute rollups in step with the stored queue-calls: every interval a write
 * touches is recomputed from the queue-calls stored in it (inside the same transaction), so
 * rollups are idempotent (re-importing a file changes nothing) and always match the records.
 */
import type { QueueCallRecord } from '../../core/stats/records.js';
import { intervalStart } from '../../core/stats/time-zone.js';
import type { Db } from '../../db/database.js';
import { deleteRollup, replaceRollups } from '../../db/ingest.repository.js';
import { queueCallRowToRecord } from '../../db/records.repository.js';
import { ROLLUP_MINUTES, rollupDeltas, type RollupSettings } from './rollup.js';

export type { RollupSettings } from './rollup.js';

/**
 * Recomputes the rollups of the intervals holding `written` queue-calls.
 * @param db the transaction the queue-calls were written in
 */
export async function refreshRollups(
  db: Db,
  written: readonly QueueCallRecord[],
  settings: RollupSettings,
): Promise<void> {
  const touched = new Map<string, { queue: string; start: number }>();
  for (const r of written) {
    const start = intervalStart(r.attributedAt, ROLLUP_MINUTES, settings.timeZone);
    touched.set(`${r.queue}\u0000${start}`, { queue: r.queue, start });
  }
  for (const { queue, start } of touched.values()) {
    const rows = await db
      .selectFrom('queue_call')
      .selectAll()
      .where('queue', '=', queue)
      .where('attributed_at', '>=', start)
      .where('attributed_at', '<', start + ROLLUP_MINUTES * 60)
      .execute();
    const deltas = rollupDeltas(rows.map(queueCallRowToRecord), settings);
    if (deltas.length === 0) await deleteRollup(db, queue, start);
    else await replaceRollups(db, deltas);
  }
}
