/**
 * People, structure, sign-in and audit (issue #4): sites, teams, users (people), the member names
 * a person appears under in telephony, seats (X03), sessions, API tokens, the confidentiality text
 * and its acceptances (X05), and the append-only audit log. Frozen in time (Kysely docs,
 * "Migrations"). Instants are epoch milliseconds in `double precision`.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time (Kysely docs) */

/** Creates the tables and the audit log's append-only triggers. */
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = await detectPostgres(db);
  const serial = (c: ColumnDefinitionBuilder) =>
    isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement();
  const idType = isPostgres ? 'bigserial' : 'integer';

  await db.schema
    .createTable('site')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text')
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('site_id', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('language', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'double precision')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'double precision', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('team')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('lead_id', 'text')
    .execute();

  await db.schema
    .createTable('member_name')
    .addColumn('member_name', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_name_user_idx').on('member_name').column('user_id').execute();

  await db.schema
    .createTable('seat')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text')
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('ip_address', 'text')
    .addColumn('equipment', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('user_id', 'text')
    .addColumn('notes', 'text')
    .execute();

  await db.schema
    .createTable('auth_session')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text')
    .addColumn('token_id', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('last_seen_at', 'double precision', (c) => c.notNull())
    .addColumn('expires_at', 'double precision', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('last_used_at', 'double precision')
    .addColumn('expires_at', 'double precision')
    .addColumn('revoked_at', 'double precision')
    .execute();

  await db.schema
    .createTable('confidentiality_text')
    .addColumn('version', idType, serial)
    .addColumn('text_en', 'text', (c) => c.notNull())
    .addColumn('text_zh_tw', 'text', (c) => c.notNull())
    .addColumn('text_zh_cn', 'text', (c) => c.notNull())
    .addColumn('created_at', 'double precision', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();

  await db.schema
    .createTable('confidentiality_acceptance')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', 'double precision', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addPrimaryKeyConstraint('confidentiality_acceptance_pk', ['user_id', 'version'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', idType, serial)
    .addColumn('at', 'double precision', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('role', 'text')
    .addColumn('ip', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('path', 'text')
    .addColumn('target', 'text')
    .addColumn('status', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema
    .createIndex('audit_log_actor_idx')
    .on('audit_log')
    .columns(['actor_id', 'at'])
    .execute();

  // Append-only: the database itself refuses to change or delete audit entries.
  if (isPostgres) {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
  }
}

/** Drops the tables. */
export async function down(db: Kysely<any>): Promise<void> {
  const isPostgres = await detectPostgres(db);
  for (const table of [
    'audit_log',
    'confidentiality_acceptance',
    'confidentiality_text',
    'api_token',
    'auth_session',
    'seat',
    'member_name',
    'team',
    'app_user',
    'site',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  if (isPostgres) await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
}

async function detectPostgres(db: Kysely<any>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
