/**
 * Real databases for tests: a fresh SQLite file in a temp folder, and — when the PostgreSQL server
 * on 127.0.0.1:5432 (database `test`, trust auth) answers — a fresh schema per run, dropped after.
 * Set `TEST_PG_URL` to use another server; `TEST_PG_URL=off` skips PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

/** The PostgreSQL URL tests use. */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the test PostgreSQL server answers (checked once). Under CI a missing server throws. */
export async function postgresAvailable(): Promise<boolean> {
  if (TEST_PG_URL === 'off') return false;
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    console.warn(`SKIPPED: PostgreSQL tests need ${TEST_PG_URL}: ${(error as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A migrated test database and how to dispose of it. */
export interface TestDatabase extends DatabaseHandle {
  /** Closes and deletes it (the SQLite folder, or the PostgreSQL schema). */
  dispose(): Promise<void>;
}

let counter = 0;

/** A fresh, migrated SQLite database in a temp folder. */
export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'callfloor-db-'));
  const handle = await openDatabase({ path: join(dir, 'test.db'), url: null });
  await migrateToLatest(handle.db, handle.schema);
  return {
    ...handle,
    async dispose() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated PostgreSQL schema (unique per run and call). */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  // Vitest's worker threads share the pid (and often the millisecond): a random part keeps two
  // workers from creating, then one dropping, the same schema ("schema … does not exist").
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}_${randomBytes(4).toString('hex')}`;
  const handle = await openDatabase({ path: '', url: TEST_PG_URL, schema });
  // Kysely's migrator introspects the tables of every schema; when another test run drops its
  // schema meanwhile, that query fails with `schema "t_…" does not exist` (naming the other
  // run's schema). Nothing of ours was changed: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(handle.db, handle.schema);
      break;
    } catch (error) {
      const otherSchemaGone = /schema "t_[^"]*" does not exist/.test(String(error));
      if (!otherSchemaGone || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  return {
    ...handle,
    async dispose() {
      await handle.close();
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The dialects to run database tests on: SQLite always, PostgreSQL when it answers. */
export async function testDialects(): Promise<
  { name: 'sqlite' | 'postgres'; open: () => Promise<TestDatabase> }[]
> {
  const dialects: { name: 'sqlite' | 'postgres'; open: () => Promise<TestDatabase> }[] = [
    { name: 'sqlite', open: sqliteTestDatabase },
  ];
  if (await postgresAvailable()) dialects.push({ name: 'postgres', open: postgresTestDatabase });
  return dialects;
}
