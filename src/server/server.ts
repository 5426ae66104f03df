/**
 * Starts the whole server process from a configuration: database (migrated), live ingest (a
 * followed queue_log, Asterisk AMI and/or FreeSWITCH connectors, or the demo floor), the live hub
 * and the HTTP app; and stops it gracefully.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { defaultStatsSettings, type StatsSettings } from '../core/stats/report.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { lastRecordTime } from '../db/records.repository.js';
import { QueueLogFollower } from '../io/queue-log-follower.js';
import { buildApp } from './app.js';
import type { BackoffOptions } from '../io/connectors/backoff.js';
import { loadAliases, loadSiteQaConfig, type ServerConfig } from './config.js';
import { ConnectorRegistry, connectorSpecs } from './ingest/connectors.js';
import { DemoSource } from './ingest/demo-source.js';
import { IngestService, type SourceSpec } from './ingest/ingest-service.js';
import { LiveHub } from './live/live-hub.js';
import { demoUsers, seedDemoPeople } from './people/demo-people.js';
import { PeopleDirectory } from './people/directory.js';

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly ingest: IngestService;
  readonly database: DatabaseHandle;
  readonly hub: LiveHub;
  /** The running AMI / FreeSWITCH connectors (null fields when not configured). */
  readonly connectors: ConnectorRegistry;
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

/** Test hooks of {@link startServer} (production uses the defaults). */
export interface StartOptions {
  /** Clock, epoch ms (ingest, hub, app). */
  readonly now?: () => number;
  /** Reconnect backoff of the connectors. */
  readonly connectorBackoff?: BackoffOptions;
}

/**
 * Starts the server.
 * @throws ConfigError (bad alias file), database errors, or a listen error (port in use)
 */
export async function startServer(
  config: ServerConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const fileAliases = loadAliases(config.agents);
  const qaConfig = loadSiteQaConfig(config.qaConfig);
  const database = await openDatabase({ path: config.db, url: config.databaseUrl });
  const applied = await migrateToLatest(database.db, database.schema);
  logger.info({ database: database.location, migrations: applied }, 'database ready');

  const hasLiveSource =
    config.queueLog !== null || config.ami !== null || config.freeswitch !== null;
  const demo = config.demo || !hasLiveSource;
  const mode = demo ? 'demo' : 'live';
  if (demo) {
    const seeded = await seedDemoPeople(database.db, Date.now());
    if (seeded > 0) logger.info({ people: seeded }, 'demo people created (password: demo)');
  }
  // The register merged with --agents (register wins); the engine reads this one live map, which
  // the directory updates in place when the register changes (docs/people.md).
  const people = await PeopleDirectory.load(database.db, fileAliases);
  const aliases = people.aliases();
  const settings = settingsOf(config);
  const sources: SourceSpec[] = [];
  const connectors = new ConnectorRegistry();
  if (config.queueLog !== null && !demo) {
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
  }
  if (!demo) {
    sources.push(
      ...connectorSpecs(
        {
          ami: config.ami,
          freeswitch: config.freeswitch,
          liveOnly: config.queueLog !== null,
          logger,
          ...(options.connectorBackoff === undefined ? {} : { backoff: options.connectorBackoff }),
        },
        connectors,
      ),
    );
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
    ...(options.now === undefined ? {} : { now: options.now }),
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
    sources: () => ingest.health(),
    openingHours: config.openingHours,
    timeZone: config.tz,
    ...(options.now === undefined ? {} : { now: options.now }),
    people,
  });
  await ingest.start();
  // The demo's warm-up hour is stored now, so that its QA transcripts find their calls.
  if (demo) await ingest.flush();

  const app = await buildApp({
    database,
    ingest,
    hub,
    people,
    mode,
    settings,
    webRoot: config.webRoot,
    logger,
    ...(options.now === undefined ? {} : { now: options.now }),
    adminToken: config.adminToken,
    connectors,
    secureCookies: config.secureCookies,
    demoUsers: demo ? demoUsers() : null,
    demoTranscripts: demo,
    qa: {
      config: qaConfig.compiled,
      ...(config.qaConfig !== null ? { fileConfig: qaConfig.raw } : {}),
    },
  });
  const url = await app.listen({ host: config.host, port: config.port });
  logger.info({ url, docs: `${url}/api/docs`, mode }, 'callfloor serving');

  let closing: Promise<void> | null = null;
  return {
    app,
    ingest,
    database,
    hub,
    connectors,
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
