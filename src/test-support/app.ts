/**
 * The server as `serve` wires it, for tests: a real test database (SQLite unless one is given), a
 * live {@link IngestService} without sources, the {@link LiveHub} fed by its changes, and the app
 * from {@link buildApp}. Sign-in helpers are in `./auth.ts`.
 *
 * Every floor or app started here is registered; call {@link closeTestApps} from `afterEach` (or
 * `afterAll`) to close them all.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { defaultStatsSettings, type StatsSettings } from '../core/stats/report.js';
import { buildApp, type AppDeps } from '../server/app.js';
import { IngestService, type IngestServiceOptions } from '../server/ingest/ingest-service.js';
import { LiveHub } from '../server/live/live-hub.js';
import type { PeopleDirectory } from '../server/people/directory.js';
import { sqliteTestDatabase, type TestDatabase } from './databases.js';

/** KPI settings of test servers unless told otherwise: defaults, UTC, a 2 s reorder window. */
export const TEST_SETTINGS: StatsSettings = {
  ...defaultStatsSettings(),
  timeZone: 'UTC',
  reorderWindow: 2,
};

/** How to start a test floor (ingest + hub). Every field is optional. */
export interface TestFloorOptions {
  /** The database (migrated); default a fresh SQLite test database. */
  readonly db?: TestDatabase;
  /**
   * Dispose of the database on close; default true when the database was created here, false
   * when given.
   */
  readonly disposeDb?: boolean;
  /** KPI settings of the engine and the app; default {@link TEST_SETTINGS}. */
  readonly settings?: StatsSettings;
  /** Telephony member name → agent id; default the people directory's aliases, or none. */
  readonly aliases?: ReadonlyMap<string, string>;
  /** Seconds the engine waits for late events (default 2). */
  readonly reorderWindow?: number;
  /** Restore the live snapshot at start (default true). */
  readonly restore?: boolean;
  /** The clock, epoch ms, of ingest, hub and app (default the real clock). */
  readonly now?: () => number;
  /** Team id of an agent id (the hub's and the app's team-lead scope). */
  readonly teamOf?: (agentId: string) => string | null;
  /** The people directory shared by hub and app (as `serve` wires it). */
  readonly people?: PeopleDirectory;
  /** Further ingest options (timed commits, ticks, …). */
  readonly ingest?: Partial<IngestServiceOptions>;
}

/** A running floor: database, ingest and hub. */
export interface TestFloor {
  readonly db: TestDatabase;
  readonly ingest: IngestService;
  readonly hub: LiveHub;
  /** Stops what was started here (and disposes of the database if it was created here). */
  close(): Promise<void>;
}

/** How to start a test app: a floor plus overrides of the app's dependencies. */
export interface TestAppOptions extends TestFloorOptions {
  /** Overrides of {@link AppDeps} (`adminToken`, `rateLimit`, `webRoot`, `qa`, …). */
  readonly app?: Partial<AppDeps>;
}

/** A running app on a test floor. */
export interface TestApp extends TestFloor {
  readonly app: FastifyInstance;
}

const running: TestFloor[] = [];

/** Closes every floor and app started since the last call (in start order). */
export async function closeTestApps(): Promise<void> {
  for (const started of running.splice(0)) await started.close();
}

async function openFloor(options: TestFloorOptions): Promise<TestFloor> {
  const db = options.db ?? (await sqliteTestDatabase());
  const disposeDb = options.disposeDb ?? options.db === undefined;
  const settings = options.settings ?? TEST_SETTINGS;
  const now = options.now;
  let hub: LiveHub | null = null;
  const ingest = new IngestService({
    database: db,
    engine: {
      settings,
      aliases: options.aliases ?? options.people?.aliases() ?? new Map(),
      reorderWindow: options.reorderWindow ?? 2,
    },
    sources: [],
    snapshotId: 'live',
    restore: options.restore ?? true,
    logger: pino({ level: 'silent' }),
    onChanges: (c) => hub?.publish(c),
    ...(now ? { now } : {}),
    ...options.ingest,
  });
  await ingest.start();
  hub = new LiveHub({
    engine: () => ingest.live,
    mode: 'live',
    serviceLevelTarget: 0.8,
    ...(now ? { now } : {}),
    ...(options.teamOf ? { teamOf: options.teamOf } : {}),
    ...(options.people ? { people: options.people } : {}),
  });
  return {
    db,
    ingest,
    hub,
    async close() {
      await ingest.stop();
      if (disposeDb) await db.dispose();
    },
  };
}

/**
 * Starts a live ingest without sources and its hub (no app), registered for
 * {@link closeTestApps}.
 */
export async function startTestFloor(options: TestFloorOptions = {}): Promise<TestFloor> {
  const floor = await openFloor(options);
  running.push(floor);
  return floor;
}

/**
 * Starts the app on a test floor (mode `live`, no web root, no logger), registered for
 * {@link closeTestApps}. `close()` closes the app, stops the ingest and disposes of the database
 * when it was created here.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const floor = await openFloor(options);
  const { db, ingest, hub } = floor;
  const app = await buildApp({
    database: db,
    ingest,
    hub,
    mode: 'live',
    settings: options.settings ?? TEST_SETTINGS,
    webRoot: '/nonexistent',
    logger: false,
    ...(options.now ? { now: options.now } : {}),
    ...(options.teamOf ? { teamOf: options.teamOf } : {}),
    ...(options.people ? { people: options.people } : {}),
    ...options.app,
  });
  const started: TestApp = {
    db,
    ingest,
    hub,
    app,
    async close() {
      await app.close();
      await floor.close();
    },
  };
  running.push(started);
  return started;
}
