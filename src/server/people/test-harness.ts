/**
 * Test harness of the people register: a real database, a live ingest without sources, the hub
 * and the app, all sharing one {@link PeopleDirectory} (as `serve` wires them).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { defaultStatsSettings, type StatsSettings } from '../../core/stats/report.js';
import { tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import type { TestDatabase } from '../../test-support/databases.js';
import { buildApp } from '../app.js';
import { IngestService } from '../ingest/ingest-service.js';
import { LiveHub } from '../live/live-hub.js';
import { PeopleDirectory } from './directory.js';

/** KPI settings of the harness (UTC). */
export const HARNESS_SETTINGS: StatsSettings = {
  ...defaultStatsSettings(),
  timeZone: 'UTC',
  reorderWindow: 2,
};

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
  const logger = pino({ level: 'silent' });
  const people = await PeopleDirectory.load(db.db, fileAliases);
  let hub: LiveHub | null = null;
  const ingest = new IngestService({
    database: db,
    engine: { settings: HARNESS_SETTINGS, aliases: people.aliases(), reorderWindow: 2 },
    sources: [],
    snapshotId: 'live',
    restore: true,
    logger,
    onChanges: (c) => hub?.publish(c),
    now: () => nowMs,
  });
  await ingest.start();
  hub = new LiveHub({
    engine: () => ingest.live,
    mode: 'live',
    serviceLevelTarget: 0.8,
    now: () => nowMs,
    people,
  });
  const app = await buildApp({
    database: db,
    ingest,
    hub,
    people,
    mode: 'live',
    settings: HARNESS_SETTINGS,
    webRoot: '/nonexistent',
    logger: false,
    now: () => nowMs,
  });
  const h = hub;
  const admin = await tokenHeaders(db.db, 'admin');
  const manager = await tokenHeaders(db.db, 'manager');
  return {
    app,
    ingest,
    hub: h,
    people,
    admin,
    manager,
    inject(options) {
      const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
      return app.inject({ ...opts, headers: { ...admin, ...opts.headers } });
    },
    async close() {
      await app.close();
      await ingest.stop();
    },
  };
}
