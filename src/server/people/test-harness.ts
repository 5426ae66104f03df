/**
 * Test harness of the people register: a real database, a live ingest without sources, the hub
 * and the app, all sharing one {@link PeopleDirectory} (as `serve` wires them).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { StatsSettings } from '../../core/stats/report.js';
import { tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import type { TestDatabase } from '../../test-support/databases.js';
import { startTestApp, TEST_SETTINGS } from '../../test-support/app.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { LiveHub } from '../live/live-hub.js';
import { PeopleDirectory } from './directory.js';

/** KPI settings of the harness (UTC). */
export const HARNESS_SETTINGS: StatsSettings = TEST_SETTINGS;

/** A running harness. */
export interface PeopleHarness {
  readonly app: FastifyInstance;
  readonly ingest: IngestService;
  readonly hub: LiveHub;
  readonly people: PeopleDirectory;
  /** Bearer headers of an API token with the admin role (no person, no CSRF). */
  readonly admin: AuthHeaders;
  /** Bearer headers of an API token with the manager role (reads floor and reports). */
  readonly manager: AuthHeaders;
  /** `app.inject` as the admin token unless other headers are given. */
  inject(options: string | InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Starts the harness on a migrated database (the register may already hold people).
 * @param fileAliases the `--agents` map
 * @param nowMs the clock, epoch ms
 */
export async function peopleHarness(
  db: TestDatabase,
  fileAliases: ReadonlyMap<string, string> = new Map(),
  nowMs = Date.UTC(2030, 0, 1),
): Promise<PeopleHarness> {
  const people = await PeopleDirectory.load(db.db, fileAliases);
  const started = await startTestApp({
    db,
    settings: HARNESS_SETTINGS,
    now: () => nowMs,
    people,
  });
  const { app, ingest, hub } = started;
  const admin = await tokenHeaders(db.db, 'admin');
  const manager = await tokenHeaders(db.db, 'manager');
  return {
    app,
    ingest,
    hub,
    people,
    admin,
    manager,
    inject(options) {
      const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
      return app.inject({ ...opts, headers: { ...admin, ...opts.headers } });
    },
    close: () => started.close(),
  };
}
