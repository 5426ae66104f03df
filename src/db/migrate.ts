/**
 * Runs the migrations (Kysely `Migrator`). The list is static (imported modules) so that the
 * compiled server needs no migration folder scan.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/2026-11-29T16-00-00_initial.js';
import * as people from './migrations/2026-12-04T10-00-00_people.js';
import * as qa from './migrations/2026-12-04T11-00-00_qa.js';
import * as holds from './migrations/2026-12-04T12-30-00_holds.js';

/** Every migration, by name (ISO-date prefix; applied in name order). */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-29T16-00-00_initial': initial,
  '2026-12-04T10-00-00_people': people,
  '2026-12-04T11-00-00_qa': qa,
  '2026-12-04T12-30-00_holds': holds,
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

/**
 * Brings the database to the latest schema.
 * @param schema PostgreSQL schema (`DatabaseHandle.schema`), `null` for SQLite
 * @returns the names of the migrations applied now (empty when already up to date)
 * @throws the migration's error (the failed migration is rolled back)
 */
export async function migrateToLatest<T>(
  db: Kysely<T>,
  schema: string | null = null,
): Promise<string[]> {
  // PostgreSQL: keep Kysely's own migration tables in the schema in use (not `public`).
  const migrator = new Migrator({
    db,
    provider,
    ...(schema !== null ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
