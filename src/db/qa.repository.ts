/**
 * Storage of call QA (issue #5, part 4): transcripts, automatic evaluations, overrides, manual
 * scorecard items, acknowledgements and appeals, and violation records. Kysely only: no business
 * rules here. Ids are returned as numbers (PostgreSQL's `bigserial` comes back as a string).
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  Db,
  QaAckTable,
  QaEvaluationTable,
  QaOverrideTable,
  QaScorecardTable,
  QueueCallTable,
  TranscriptTable,
  ViolationTable,
} from './database.js';

/** SQLite's bound-parameter limit is 32766, PostgreSQL's 65535: stay well below both. */
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A stored transcript (ids as numbers). */
export type TranscriptRow = Omit<Selectable<TranscriptTable>, 'id'> & { id: number };
/** A stored evaluation (ids as numbers). */
export type EvaluationRow = Omit<Selectable<QaEvaluationTable>, 'id'> & { id: number };
/** A stored override (ids as numbers). */
export type OverrideRow = Omit<Selectable<QaOverrideTable>, 'id'> & { id: number };
/** A stored scorecard item. */
export type ScorecardRow = Selectable<QaScorecardTable>;
/** A stored acknowledgement/appeal. */
export type AckRow = Selectable<QaAckTable>;
/** A stored violation record (ids as numbers). */
export type ViolationRow = Omit<Selectable<ViolationTable>, 'id'> & { id: number };

const withId = <T extends { id: unknown }>(row: T): Omit<T, 'id'> & { id: number } => ({
  ...row,
  id: Number(row.id),
});

/**
 * The queue-call stints of a call id, earliest first (a transferred call has several).
 * Times in epoch seconds.
 */
export async function callStints(db: Db, callId: string): Promise<Selectable<QueueCallTable>[]> {
  return db
    .selectFrom('queue_call')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('attributed_at')
    .execute();
}

/**
 * Stores a transcript and its evaluation (call it inside a transaction to keep them together).
 * @returns the new ids
 */
export async function insertTranscriptAndEvaluation(
  db: Db,
  transcript: Insertable<TranscriptTable>,
  evaluation: Omit<Insertable<QaEvaluationTable>, 'transcript_id'>,
): Promise<{ transcriptId: number; evaluationId: number }> {
  const t = await db
    .insertInto('transcript')
    .values(transcript)
    .returning('id')
    .executeTakeFirstOrThrow();
  const transcriptId = Number(t.id);
  const e = await db
    .insertInto('qa_evaluation')
    .values({ ...evaluation, transcript_id: transcriptId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { transcriptId, evaluationId: Number(e.id) };
}

/** One evaluation, or undefined. */
export async function getEvaluation(db: Db, id: number): Promise<EvaluationRow | undefined> {
  const row = await db
    .selectFrom('qa_evaluation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : withId(row);
}

/** One transcript, or undefined. */
export async function getTranscript(db: Db, id: number): Promise<TranscriptRow | undefined> {
  const row = await db.selectFrom('transcript').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : withId(row);
}

/** The call id and own id of transcripts (without their text), by transcript id. */
export async function transcriptRefs(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, { call_id: string | null; external_id: string }>> {
  const out = new Map<number, { call_id: string | null; external_id: string }>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db
      .selectFrom('transcript')
      .select(['id', 'call_id', 'external_id'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) out.set(Number(r.id), { call_id: r.call_id, external_id: r.external_id });
  }
  return out;
}

/** Filter of `listEvaluations`: times in epoch seconds (`from` inclusive, `to` exclusive). */
export interface EvaluationFilter {
  /** Only these agents (null: any). An empty list matches nothing. */
  readonly agents?: readonly string[] | null;
  readonly from?: number | null;
  readonly to?: number | null;
  /** Only evaluations with (1) or without (0) an automatic critical fail. */
  readonly critical?: 0 | 1 | null;
  /** At most this many, newest first (default: all). */
  readonly limit?: number | null;
}

/** Evaluations matching the filter, newest call first (ties: highest id first). */
export async function listEvaluations(db: Db, filter: EvaluationFilter): Promise<EvaluationRow[]> {
  if (filter.agents !== undefined && filter.agents !== null && filter.agents.length === 0) {
    return [];
  }
  let q = db.selectFrom('qa_evaluation').selectAll();
  if (filter.from !== undefined && filter.from !== null) {
    q = q.where('started_at', '>=', filter.from);
  }
  if (filter.to !== undefined && filter.to !== null) q = q.where('started_at', '<', filter.to);
  if (filter.critical !== undefined && filter.critical !== null) {
    q = q.where('critical', '=', filter.critical);
  }
  q = q.orderBy('started_at', 'desc').orderBy('id', 'desc');
  const agents = filter.agents ?? null;
  if (agents === null) {
    if (filter.limit !== undefined && filter.limit !== null) q = q.limit(filter.limit);
    return (await q.execute()).map(withId);
  }
  const out: EvaluationRow[] = [];
  for (const part of chunks(agents)) {
    out.push(...(await q.where('agent', 'in', part).execute()).map(withId));
  }
  out.sort((a, b) => b.started_at - a.started_at || b.id - a.id);
  return filter.limit !== undefined && filter.limit !== null ? out.slice(0, filter.limit) : out;
}

/** Overrides of the evaluations, in creation order (oldest first). */
export async function listOverrides(
  db: Db,
  evaluationIds: readonly number[],
): Promise<OverrideRow[]> {
  const out: OverrideRow[] = [];
  for (const part of chunks(evaluationIds)) {
    const rows = await db
      .selectFrom('qa_override')
      .selectAll()
      .where('evaluation_id', 'in', part)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    out.push(...rows.map(withId));
  }
  return out.sort((a, b) => a.created_at - b.created_at || a.id - b.id);
}

/** Adds an override. */
export async function insertOverride(
  db: Db,
  row: Omit<Insertable<QaOverrideTable>, 'id'>,
): Promise<number> {
  const r = await db
    .insertInto('qa_override')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Scorecard items of the evaluations. */
export async function listScorecards(
  db: Db,
  evaluationIds: readonly number[],
): Promise<ScorecardRow[]> {
  const out: ScorecardRow[] = [];
  for (const part of chunks(evaluationIds)) {
    out.push(
      ...(await db
        .selectFrom('qa_scorecard')
        .selectAll()
        .where('evaluation_id', 'in', part)
        .orderBy('item')
        .execute()),
    );
  }
  return out;
}

/** Writes scorecard items of one evaluation (an item given again replaces the stored one). */
export async function putScorecardItems(db: Db, rows: readonly ScorecardRow[]): Promise<void> {
  for (const row of rows) {
    await db
      .deleteFrom('qa_scorecard')
      .where('evaluation_id', '=', row.evaluation_id)
      .where('item', '=', row.item)
      .execute();
    await db.insertInto('qa_scorecard').values(row).execute();
  }
}

/** The acknowledgement/appeal row of evaluations. */
export async function listAcks(db: Db, evaluationIds: readonly number[]): Promise<AckRow[]> {
  const out: AckRow[] = [];
  for (const part of chunks(evaluationIds)) {
    out.push(
      ...(await db.selectFrom('qa_ack').selectAll().where('evaluation_id', 'in', part).execute()),
    );
  }
  return out;
}

/** Creates or updates the acknowledgement/appeal row of an evaluation with the given fields. */
export async function putAck(
  db: Db,
  evaluationId: number,
  fields: Partial<Omit<AckRow, 'evaluation_id'>>,
): Promise<void> {
  const existing = await db
    .selectFrom('qa_ack')
    .select('evaluation_id')
    .where('evaluation_id', '=', evaluationId)
    .executeTakeFirst();
  if (existing === undefined) {
    await db
      .insertInto('qa_ack')
      .values({ evaluation_id: evaluationId, ...fields })
      .execute();
  } else {
    await db.updateTable('qa_ack').set(fields).where('evaluation_id', '=', evaluationId).execute();
  }
}

/** Adds a violation record. */
export async function insertViolation(
  db: Db,
  row: Omit<Insertable<ViolationTable>, 'id'>,
): Promise<number> {
  const r = await db.insertInto('violation').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Violation records of an evaluation, oldest first. */
export async function listViolationsOf(db: Db, evaluationId: number): Promise<ViolationRow[]> {
  const rows = await db
    .selectFrom('violation')
    .selectAll()
    .where('evaluation_id', '=', evaluationId)
    .orderBy('id')
    .execute();
  return rows.map(withId);
}

/** Key of the site QA config edited in the UI (`meta`). */
const QA_CONFIG_KEY = 'qa_config';

/** The site QA config saved from the UI (raw JSON object), or null when never saved. */
export async function loadStoredQaConfig(db: Db): Promise<unknown> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', QA_CONFIG_KEY)
    .executeTakeFirst();
  return row === undefined ? null : (JSON.parse(row.value) as unknown);
}

/** Saves the site QA config (a validated raw JSON object). */
export async function saveQaConfig(db: Db, config: unknown): Promise<void> {
  const value = JSON.stringify(config);
  await db
    .insertInto('meta')
    .values({ key: QA_CONFIG_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
