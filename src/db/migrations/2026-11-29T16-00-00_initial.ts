/**
 * Initial schema. Frozen in time: uses `Kysely<any>` and never the app's types (Kysely docs,
 * "Migrations"). Times are `double precision` epoch numbers (pg returns int8 as strings).
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time (Kysely docs) */

/** Creates the tables. */
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = await detectPostgres(db);
  await db.schema
    .createTable('event')
    .addColumn('id', isPostgres ? 'bigserial' : 'integer', (c) =>
      isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('time', 'double precision', (c) => c.notNull())
    .addColumn('call_id', 'text')
    .addColumn('queue', 'text')
    .addColumn('agent', 'text')
    .addColumn('verb', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('received_ms', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_time_idx').on('event').column('time').execute();

  await db.schema
    .createTable('queue_call')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('attributed_at', 'double precision', (c) => c.notNull())
    .addColumn('entered_at', 'double precision')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('wait', 'double precision')
    .addColumn('agent', 'text')
    .addColumn('connected_at', 'double precision')
    .addColumn('ended_at', 'double precision')
    .addColumn('talk', 'double precision')
    .addColumn('wrap_up', 'double precision', (c) => c.notNull())
    .addColumn('transferred', 'integer', (c) => c.notNull())
    .addColumn('exit_key', 'text')
    .addColumn('caller_id', 'text')
    .addColumn('first_stint', 'integer', (c) => c.notNull())
    .addColumn('rings', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('queue_call_pk', ['call_id', 'queue', 'attributed_at'])
    .execute();
  await db.schema
    .createIndex('queue_call_attributed_idx')
    .on('queue_call')
    .columns(['attributed_at', 'queue'])
    .execute();

  await db.schema
    .createTable('agent_segment')
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('start_at', 'double precision', (c) => c.notNull())
    .addColumn('end_at', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_segment_pk', ['agent', 'kind', 'start_at'])
    .execute();
  await db.schema
    .createIndex('agent_segment_range_idx')
    .on('agent_segment')
    .columns(['start_at', 'end_at'])
    .execute();

  await db.schema
    .createTable('rejected_join')
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('time', 'double precision', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rejected_join_pk', ['queue', 'time', 'call_id'])
    .execute();

  await db.schema
    .createTable('agent_seen')
    .addColumn('agent', 'text', (c) => c.primaryKey())
    .addColumn('has_sessions', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('interval_rollup')
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('start_at', 'double precision', (c) => c.notNull())
    .addColumn('offered', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('abandoned', 'integer', (c) => c.notNull())
    .addColumn('short_abandoned', 'integer', (c) => c.notNull())
    .addColumn('timed_out', 'integer', (c) => c.notNull())
    .addColumn('exited_with_key', 'integer', (c) => c.notNull())
    .addColumn('exited_empty', 'integer', (c) => c.notNull())
    .addColumn('lost', 'integer', (c) => c.notNull())
    .addColumn('still_waiting', 'integer', (c) => c.notNull())
    .addColumn('transferred', 'integer', (c) => c.notNull())
    .addColumn('answered_within_threshold', 'integer', (c) => c.notNull())
    .addColumn('abandoned_within_threshold', 'integer', (c) => c.notNull())
    .addColumn('wait_answered_sum', 'double precision', (c) => c.notNull())
    .addColumn('talk_sum', 'double precision', (c) => c.notNull())
    .addColumn('talk_count', 'integer', (c) => c.notNull())
    .addColumn('abandon_wait_sum', 'double precision', (c) => c.notNull())
    .addColumn('max_wait', 'double precision')
    .addColumn('sl_threshold', 'double precision', (c) => c.notNull())
    .addColumn('short_abandon', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('interval_rollup_pk', ['queue', 'start_at'])
    .execute();

  await db.schema
    .createTable('source_checkpoint')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('updated_ms', 'double precision', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('engine_snapshot')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_ms', 'double precision', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/** Drops the tables. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'meta',
    'engine_snapshot',
    'source_checkpoint',
    'interval_rollup',
    'agent_seen',
    'rejected_join',
    'agent_segment',
    'queue_call',
    'event',
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
