/**
 * Starts the whole server process from a configuration: database (migrated), live ingest (a
 * followed queue_log, or the demo floor), the live hub and the HTTP app; and stops it gracefully.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { defaultStatsSettings, type StatsSettings } from '../core/stats/report.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { lastRecordTime } from '../db/records.repository.js';
import { QueueLogFollower } from '../io/queue-log-follower.js';
import { buildApp } from './app.js';
import { loadAliases, type ServerConfig } from './config.js';
import { DemoSource } from './ingest/demo-source.js';
import { IngestService, type SourceSpec } from './ingest/ingest-service.js';
import { LiveHub } from './live/live-hub.js';

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly ingest: IngestService;
  readonly database: DatabaseHandle;
  /** `http://host:port` actually bound. */
  readonly url: string;
  /** Stops accepting requests, stops the sources, commits what is buffered, closes the database. */
  close(): Promise<void>;
}

/** The KPI settings of a configuration. */
export function settingsOf(config: ServerConfig): StatsSettings {
  return {
    ...defaultStatsSettings(),
    serviceLevelThreshold: config.slThreshold,
    shortAbandon: config.shortAbandon,
    serviceLevelFormula: config.slFormula,
    timeZone: config.tz,
    wrapup: config.wrapup,
    reorderWindow: config.reorderWindow,
    agents: config.agents,
  };
}

/**
 * Starts the server.
 * @throws ConfigError (bad alias file), database errors, or a listen error (port in use)
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const aliases = loadAliases(config.agents);
  const database = await openDatabase({ path: config.db, url: config.databaseUrl });
  const applied = await migrateToLatest(database.db, database.schema);
  logger.info({ database: database.location, migrations: applied }, 'database ready');

  const demo = config.demo || config.queueLog === null;
  const mode = demo ? 'demo' : 'live';
  const settings = settingsOf(config);
  const sources: SourceSpec[] = [];
  if (config.queueLog !== null && !config.demo) {
    const path = config.queueLog;
    const log = logger.child({ module: 'ingest.queue_log' });
    sources.push({
      name: `queue_log:${path}`,
      create: (checkpoint) =>
        new QueueLogFollower({
          path,
          checkpoint,
          startAt: config.queueLogStart,
          pollMs: 100,
          onMalformed: (line) =>
            log.warn(
              { file: line.file, offset: line.offset, field: line.field },
              `malformed line skipped: ${line.reason}`,
            ),
          onError: (error) => log.error({ err: error }, 'queue_log read error'),
        }),
    });
  } else {
    // A restarted demo resumes after what it stored before (as after a PBX restart), rather than
    // simulating its warm-up hour again on top of the stored one.
    const resumeAfter = await lastRecordTime(database.db);
    sources.push({ name: 'demo', create: () => new DemoSource({ seed: 1, resumeAfter }) });
    logger.info('no telephony source configured: running the simulated demo floor');
  }

  let hub: LiveHub | null = null;
  const ingest = new IngestService({
    database,
    engine: { settings, aliases, reorderWindow: config.reorderWindow },
    sources,
    snapshotId: demo ? 'demo' : 'live',
    restore: true,
    logger: logger.child({ module: 'ingest' }),
    onChanges: (changes) => hub?.publish(changes),
    onTick: (changes) => hub?.tick(changes),
  });
  hub = new LiveHub({
    engine: () => {
      try {
        return ingest.live;
      } catch {
        return null;
      }
    },
    mode,
    serviceLevelTarget: config.slTarget,
    alerts: config.alerts,
  });
  await ingest.start();

  const app = await buildApp({
    database,
    ingest,
    hub,
    mode,
    settings,
    webRoot: config.webRoot,
    logger,
    adminToken: config.adminToken,
    secureCookies: config.secureCookies,
    demoUsers: null,
  });
  const url = await app.listen({ host: config.host, port: config.port });
  logger.info({ url, docs: `${url}/api/docs`, mode }, 'callfloor serving');

  let closing: Promise<void> | null = null;
  return {
    app,
    ingest,
    database,
    url,
    close() {
      closing ??= (async () => {
        await app.close();
        await ingest.stop();
        await database.close();
      })();
      return closing;
    },
  };
}
