/**
 * QA data of the demo floor: a handful of scripted transcripts (`src/core/simulation/
 * demo-transcripts.ts`) linked to calls the demo stored, scored like an upload through the same
 * {@link QaService.ingest} as `POST /api/transcripts`, so that the QA page has something to show.
 * They are stored once per database, under the source file name {@link DEMO_TRANSCRIPT_FILE} and
 * ids `demo-qa-<n>`.
 */
import { demoTranscripts } from '../../core/simulation/demo-transcripts.js';
import type { Db } from '../../db/database.js';
import type { QaService } from './qa-service.js';

/** The `source` (file name) of the demo transcripts. */
export const DEMO_TRANSCRIPT_FILE = 'demo-transcripts.json';

/**
 * Stores and scores the demo transcripts, linked to answered calls already stored (drawn with
 * `seed`), unless this database already has them.
 * @returns the number of evaluations stored (0 when they existed or no call was long enough)
 */
export async function seedDemoTranscripts(qa: QaService, db: Db, seed = 1): Promise<number> {
  const existing = await db
    .selectFrom('transcript')
    .select('id')
    .where('source', '=', DEMO_TRANSCRIPT_FILE)
    .limit(1)
    .execute();
  if (existing.length > 0) return 0;
  const calls = await db
    .selectFrom('queue_call')
    .select(['call_id', 'talk'])
    .where('outcome', '=', 'answered')
    .where('agent', 'is not', null)
    .where('talk', 'is not', null)
    .orderBy('attributed_at')
    .orderBy('call_id')
    .execute();
  const transcripts = demoTranscripts(
    calls.map((c) => ({ callId: c.call_id, talk: Number(c.talk) })),
    seed,
  );
  if (transcripts.length === 0) return 0;
  const result = await qa.ingest(
    {
      text: JSON.stringify(transcripts),
      format: 'json',
      fileName: DEMO_TRANSCRIPT_FILE,
      meta: {},
      perCall: transcripts.map((t) => ({ callId: t.callId })),
    },
    null,
  );
  return result.evaluations.length;
}
