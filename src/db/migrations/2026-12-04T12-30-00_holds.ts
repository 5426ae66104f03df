/**
 * Hold intervals of calls (`call_hold`), from the HOLD / UNHOLD events of the live connectors
 * (AMI, FreeSWITCH). Frozen in time: `Kysely<any>` (Kysely docs, "Migrations"). Times are
 * `double precision` epoch seconds, like the other record tables.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time (Kysely docs) */

/** Creates `call_hold` and its index by call. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('call_hold')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('start_at', 'double precision', (c) => c.notNull())
    .addColumn('end_at', 'double precision', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addPrimaryKeyConstraint('call_hold_pk', ['call_id', 'start_at'])
    .execute();
  await db.schema.createIndex('call_hold_start_idx').on('call_hold').column('start_at').execute();
}

/** Drops `call_hold`. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('call_hold').ifExists().execute();
}
