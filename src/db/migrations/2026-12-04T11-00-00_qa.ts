/**
 * Call QA in the server (issue #5, part 4): stored transcripts, their automatic evaluation (the
 * `callfloor.qa/v1` call result), reviewers' overrides and manual scorecard items, the agent's
 * acknowledgement and appeal, and violation records (a minimal table a later violations workflow
 * extends). Frozen in time (Kysely docs, "Migrations"). Bookkeeping instants are epoch
 * milliseconds, call times epoch seconds, in `double precision`; JSON is text.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time (Kysely docs) */

/** Creates the QA tables. */
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = await detectPostgres(db);
  const serial = (c: ColumnDefinitionBuilder) =>
    isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement();
  const idType = isPostgres ? 'bigserial' : 'integer';

  await db.schema
    .createTable('transcript')
    .addColumn('id', idType, serial)
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text')
    .addColumn('agent', 'text')
    .addColumn('queue', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('started_at', 'double precision', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transcript_call_idx').on('transcript').column('call_id').execute();

  await db.schema
    .createTable('qa_evaluation')
    .addColumn('id', idType, serial)
    .addColumn('transcript_id', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('queue', 'text')
    .addColumn('started_at', 'double precision', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('critical', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('qa_evaluation_agent_idx')
    .on('qa_evaluation')
    .columns(['agent', 'started_at'])
    .execute();
  await db.schema
    .createIndex('qa_evaluation_started_idx')
    .on('qa_evaluation')
    .column('started_at')
    .execute();

  await db.schema
    .createTable('qa_override')
    .addColumn('id', idType, serial)
    .addColumn('evaluation_id', 'integer', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('qa_override_eval_idx')
    .on('qa_override')
    .column('evaluation_id')
    .execute();

  await db.schema
    .createTable('qa_scorecard')
    .addColumn('evaluation_id', 'integer', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('qa_scorecard_pk', ['evaluation_id', 'item'])
    .execute();

  await db.schema
    .createTable('qa_ack')
    .addColumn('evaluation_id', 'integer', (c) => c.primaryKey())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', 'double precision')
    .addColumn('appeal_text', 'text')
    .addColumn('appeal_at', 'double precision')
    .addColumn('appeal_status', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'double precision')
    .addColumn('decision_comment', 'text')
    .execute();

  await db.schema
    .createTable('violation')
    .addColumn('id', idType, serial)
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('norm', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('evaluation_id', 'integer')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('violation_agent_idx')
    .on('violation')
    .columns(['agent', 'created_at'])
    .execute();
}

/** Drops the QA tables. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'violation',
    'qa_ack',
    'qa_scorecard',
    'qa_override',
    'qa_evaluation',
    'transcript',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

async function detectPostgres(db: Kysely<any>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
