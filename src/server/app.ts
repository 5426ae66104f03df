/**
 * The Fastify application: `buildApp(deps)` registers plugins, the error handler and the routes;
 * tests drive it with `app.inject()`, `serve` listens on it. Load order: external plugins (swagger,
 * websocket), then the error handlers, then the routes, then the UI (static files).
 */
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyError } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { can } from '../core/people/access.js';
import { compileQaConfig, type CompiledQaConfig } from '../core/qa/index.js';
import type { StatsSettings } from '../core/stats/report.js';
import { queueLogEvent } from '../core/telephony/queue-log.js';
import type { TelephonyEvent } from '../core/telephony/events.js';
import type { DatabaseHandle } from '../db/database.js';
import { ping } from '../db/ingest.repository.js';
import { installAuth, isCsrfError } from './auth/auth-plugin.js';
import { registerAuthRoutes, type DemoUser } from './auth/auth-routes.js';
import { agentFilter, type TeamOf } from './access/principal-view.js';
import { registerAuditRoutes } from './audit/audit-routes.js';
import { auditStream } from './audit/stream-audit.js';
import { registerCallsRoutes } from './calls/calls-routes.js';
import { seedDemoTranscripts } from './qa/demo-qa.js';
import { AppError, errorBody } from './errors.js';
import { ConnectorRegistry } from './ingest/connectors.js';
import { IngestUnavailableError, type IngestService } from './ingest/ingest-service.js';
import { liveViewOf, type LiveHub } from './live/live-hub.js';
import { loadStoredQaConfig } from '../db/qa.repository.js';
import { qaRoutes } from './qa/qa-routes.js';
import { QaService } from './qa/qa-service.js';
import { registerSupervisorRoutes } from './supervisor/supervisor-routes.js';
import { SupervisorService } from './supervisor/supervisor-service.js';
import { PeopleDirectory } from './people/directory.js';
import { registerPeopleRoutes } from './people/people-routes.js';
import { PeopleService } from './people/people-service.js';
import {
  agentNamesOf,
  computeReport,
  reportSettings,
  withAgentNames,
} from './reports/report-service.js';
import { toCsv, toXlsx } from './reports/report-format.js';
import { registerTokenRoutes } from './tokens/token-routes.js';
import {
  ErrorResponse,
  EventsBody,
  EventsResponse,
  HealthResponse,
  LangQuery,
  ReportParams,
  ReportQuery,
} from './schemas.js';

/** What the app needs. */
export interface AppDeps {
  readonly database: DatabaseHandle;
  /** The ingest service (null: reports only, no live floor). */
  readonly ingest: IngestService | null;
  readonly hub: LiveHub;
  /**
   * The people directory (shared with the live engine's aliases and the hub); loaded from the
   * database when not given.
   */
  readonly people?: PeopleDirectory;
  readonly mode: 'live' | 'demo';
  /** KPI settings of reports (the server's `--sl-threshold`, …). */
  readonly settings: StatsSettings;
  /** Folder of the built UI (`dist/web`). */
  readonly webRoot: string;
  readonly logger: Logger | false;
  readonly now?: () => number;
  /** Call QA: the site QA config and the people look-ups (defaults: built-in config, no teams). */
  readonly qa?: {
    readonly config?: CompiledQaConfig;
    /** The `--qa-config` file's JSON (shown in the QA settings editor until one is saved there). */
    readonly fileConfig?: unknown;
    /** Team id of an agent (people directory), or null. */
    readonly teamOf?: (agentId: string) => string | null;
    /** Person id of a telephony member name (aliases), or the name. */
    readonly agentIdOf?: (memberName: string) => string;
  };
  /** `CALLFLOOR_ADMIN_TOKEN`: accepted as an admin bearer token (first start); null = none. */
  readonly adminToken?: string | null;
  /** Demo accounts listed on the login page (demo mode), or null. */
  readonly demoUsers?: readonly DemoUser[] | null;
  /**
   * Store the demo floor's QA transcripts (once per database), linked to stored demo calls and
   * scored like uploads (`seedDemoTranscripts`); default false.
   */
  readonly demoTranscripts?: boolean;
  /** `Secure` cookies: `auto` (default) = when the request came over HTTPS. */
  readonly secureCookies?: boolean | 'auto';
  /** API requests per minute and address (default 1200) and sign-ins (default 20). */
  readonly rateLimit?: { readonly perMinute?: number; readonly loginPerMinute?: number };
  /**
   * The team id of an agent id, for team leads' scope; default: the people directory's
   * `agent(id)?.teamId`.
   */
  readonly teamOf?: TeamOf;
  /** The running AMI / FreeSWITCH connectors (supervisor actions); none when absent. */
  readonly connectors?: ConnectorRegistry;
}

/** SPA routes served with the UI's index.html. */
const SPA_ROUTES = [
  '/wallboard',
  '/reports',
  '/floor',
  '/agents',
  '/qa',
  '/settings',
  '/admin',
  '/audit',
  '/account',
];

/** The requester's language: `?lang=`, else the first Accept-Language tag, else English. */
function localeOf(lang: string | undefined, acceptLanguage: string | undefined): string | null {
  if (lang !== undefined) return lang;
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  return first === undefined || first === '' ? null : first;
}

/** A URL with the values of secret-bearing query parameters (`token`) replaced by `***`. */
export function redactSecrets(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1***');
}

function fieldOf(instancePath: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (parts.length === 0) return 'body';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Builds the app (not listening).
 * @throws when a plugin fails to register
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  // The people directory is loaded below (after the routes that read it at request time).
  let directory: PeopleDirectory | null = null;
  const teamOf: TeamOf = deps.teamOf ?? ((agentId) => directory?.agent(agentId)?.teamId ?? null);
  const bodyLimit = 16 * 1024 * 1024;
  // Request logging is ours (below): Fastify's own would log `?token=` secrets in URLs.
  const base: FastifyInstance =
    deps.logger === false
      ? Fastify({ logger: false, bodyLimit })
      : (Fastify({
          loggerInstance: deps.logger,
          bodyLimit,
          logController: new LogController({ disableRequestLogging: true }),
        }) as unknown as FastifyInstance);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'callfloor API',
        description: 'Live call-centre floor, telephony event ingest and KPI reports.',
        version: '1',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(fastifyWebsocket);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React style attributes and ECharts; no inline scripts anywhere.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        upgradeInsecureRequests: null,
      },
    },
    // Served over plain HTTP on a LAN as often as behind TLS: HSTS is the proxy's business.
    strictTransportSecurity: false,
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: deps.rateLimit?.perMinute ?? 1200,
    timeWindow: '1 minute',
  });
  await installAuth(app, {
    database: deps.database,
    adminToken: deps.adminToken ?? null,
    secureCookies: deps.secureCookies ?? 'auto',
    now,
  });

  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const entry = {
      method: request.method,
      url: redactSecrets(request.url),
      status,
      ms: Math.round(reply.elapsedTime),
      ip: request.ip,
    };
    if (status >= 500) request.log.error(entry, 'request failed');
    else if (status >= 400) request.log.info(entry, 'request refused');
    else request.log.debug(entry, 'request');
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const context = error.validationContext ?? 'request';
      const field = first === undefined ? context : fieldOf(first.instancePath);
      const where = context === 'body' ? field : field === 'body' ? context : field;
      return reply
        .code(400)
        .send(errorBody('invalid_request', `${where}: ${first?.message ?? 'invalid'}`, where));
    }
    if (error instanceof AppError) {
      return reply.code(error.status).send(errorBody(error.code, error.message, error.field));
    }
    if (isCsrfError(error)) {
      return reply
        .code(403)
        .send(
          errorBody('csrf', 'missing or invalid x-csrf-token header (GET /api/auth/me gives it)'),
        );
    }
    if (error.statusCode === 429) {
      return reply.code(429).send(errorBody('rate_limited', 'too many requests; retry later'));
    }
    if (error instanceof IngestUnavailableError) {
      request.log.error({ err: error }, 'events not stored');
      return reply.code(503).send(errorBody('unavailable', 'the database is unavailable; retry'));
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong content type).
      return reply.code(400).send(errorBody('invalid_request', error.message, 'body'));
    }
    request.log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'Internal Server Error'));
  });

  const webRoot = resolve(deps.webRoot);
  const hasWeb = existsSync(resolve(webRoot, 'index.html'));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (
      hasWeb &&
      request.method === 'GET' &&
      SPA_ROUTES.some((r) => path === r || path.startsWith(`${r}/`))
    ) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
  });

  await registerAuthRoutes(app, {
    database: deps.database,
    adminToken: deps.adminToken ?? null,
    secureCookies: deps.secureCookies ?? 'auto',
    demoUsers: deps.demoUsers ?? null,
    sendIndex: hasWeb ? (reply) => reply.type('text/html').sendFile('index.html') : null,
    loginRateLimit: deps.rateLimit?.loginPerMinute ?? 20,
    now,
  });

  registerSupervisorRoutes(app, {
    database: deps.database,
    service: new SupervisorService(deps.connectors ?? new ConnectorRegistry(), () => {
      try {
        return deps.ingest?.live.floorState ?? null;
      } catch {
        return null; // not started
      }
    }),
  });

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Health: the database answers and the sources are read',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const dbOk = await ping(deps.database.db);
      const sources = deps.ingest?.health() ?? [];
      return reply.code(dbOk ? 200 : 503).send({
        status: dbOk ? 'ok' : 'unavailable',
        mode: deps.mode,
        sources: sources.map((s) => ({ ...s, kind: deps.mode === 'demo' ? 'demo' : s.kind })),
      });
    },
  );

  app.get(
    '/api/floor',
    {
      config: { access: ['floor.view', 'wallboard.view'] },
      schema: {
        summary: 'The live floor: agents, queues (with today’s KPIs) and open alerts',
        querystring: LangQuery,
      },
    },
    (request) => {
      const view = liveViewOf(request.principal!, request.query.view);
      // Waiting callers' numbers unmasked are customer data (X05).
      if (!view.maskCallers) request.audit('read.customer_data', { target: 'floor' });
      return deps.hub.floor(localeOf(request.query.lang, request.headers['accept-language']), view);
    },
  );

  app.get(
    '/api/live',
    {
      websocket: true,
      config: { access: ['floor.view', 'wallboard.view'] },
      schema: { summary: 'Live floor changes (WebSocket)', querystring: LangQuery },
    },
    (socket, request) => {
      const view = liveViewOf(request.principal!, request.query.view);
      if (!view.maskCallers) {
        void auditStream(
          deps.database.db,
          request,
          'read.customer_data',
          { target: 'live', detail: { transport: 'websocket' } },
          101,
          now(),
        );
      }
      const unsubscribe = deps.hub.subscribe(
        (message) => {
          if (socket.readyState === socket.OPEN) socket.send(message);
        },
        localeOf(request.query.lang, request.headers['accept-language']),
        view,
      );
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );

  // Server-sent event streams are hijacked replies: end them when the app closes (graceful stop).
  const sseStreams = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const stream of sseStreams) stream.end();
    sseStreams.clear();
    done();
  });

  app.get(
    '/api/live/sse',
    {
      config: { access: ['floor.view', 'wallboard.view'] },
      schema: {
        summary: 'Live floor changes (server-sent events twin of /api/live)',
        querystring: LangQuery,
      },
    },
    (request, reply) => {
      const view = liveViewOf(request.principal!, request.query.view);
      if (!view.maskCallers) {
        void auditStream(
          deps.database.db,
          request,
          'read.customer_data',
          { target: 'live', detail: { transport: 'sse' } },
          200,
          now(),
        );
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const unsubscribe = deps.hub.subscribe(
        (message) => {
          raw.write(`data: ${message}\n\n`);
        },
        localeOf(request.query.lang, request.headers['accept-language']),
        view,
      );
      sseStreams.add(raw);
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        sseStreams.delete(raw);
      });
    },
  );

  app.post(
    '/api/events',
    {
      config: { access: 'events.ingest' },
      schema: {
        summary: 'Ingest canonical telephony events (queue_log lines as JSON), at most 10,000',
        body: EventsBody,
        response: { 200: EventsResponse, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      if (deps.ingest === null) {
        throw new AppError('unavailable', 'this server runs without live ingest');
      }
      const events: TelephonyEvent[] = [];
      const rejected: { index: number; field: string; reason: string }[] = [];
      request.body.forEach((input, index) => {
        const parsed = queueLogEvent(
          input.time,
          input.callId ?? 'NONE',
          input.queue ?? 'NONE',
          input.agent ?? 'NONE',
          input.event,
          input.data,
        );
        if (parsed.ok) events.push(parsed.event);
        else rejected.push({ index, field: parsed.field, reason: parsed.reason });
      });
      const result = await deps.ingest.submit(events);
      return { accepted: result.accepted, duplicates: result.duplicates, rejected };
    },
  );

  app.get(
    '/api/reports/:kind',
    {
      config: { access: 'reports.view' },
      schema: {
        summary: 'Queue, agent or interval report from the stored data (JSON, CSV or XLSX)',
        params: ReportParams,
        querystring: ReportQuery,
      },
    },
    async (request, reply) => {
      const { kind } = request.params;
      const query = request.query;
      const principal = request.principal!;
      if (query.format !== 'json' && !can(principal, 'reports.export')) {
        throw new AppError('forbidden', 'your role may not export', 'format');
      }
      const settings = reportSettings(deps.settings, {
        ...query,
        interval: query.interval ?? (kind === 'intervals' ? '15m' : undefined),
      });
      const report = await computeReport(
        deps.database.db,
        settings,
        query.queue ?? null,
        deps.ingest,
        now(),
      );
      let rows: readonly object[];
      if (kind === 'queues') rows = report.queues;
      else if (kind === 'agents') rows = report.agents;
      else rows = report.intervals ?? [];
      if (query.agent !== undefined) {
        rows = rows.filter((r) => !('agent' in r) || r.agent === query.agent);
      }
      const shows = agentFilter(principal, teamOf);
      rows = rows.filter((r) => !('agent' in r) || shows(r.agent as string));
      if (query.format !== 'json') {
        request.audit('export.reports', {
          target: kind,
          detail: {
            format: query.format,
            from: settings.from,
            to: settings.to,
            queue: query.queue ?? null,
            agent: query.agent ?? null,
            rows: rows.length,
          },
        });
      }
      // Agents by the person's name (the floor's people directory), the id kept next to it.
      const emptyColumns = kind === 'agents' ? ['name', 'agent'] : ['queue'];
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="callfloor-${kind}.csv"`)
          .send(toCsv(withAgentNames(rows, directory), emptyColumns));
      }
      if (query.format === 'xlsx') {
        const bytes = await toXlsx(withAgentNames(rows, directory), kind, emptyColumns);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="callfloor-${kind}.xlsx"`)
          .send(bytes);
      }
      const body: Record<string, unknown> = { schema: report.schema, settings: report.settings };
      body[kind] = rows;
      if (kind === 'queues') body.totals = report.totals;
      if (kind === 'agents') body.names = agentNamesOf(rows, directory);
      return body;
    },
  );

  registerCallsRoutes(app, {
    db: deps.database.db,
    settings: deps.settings,
    teamOf,
    live: deps.ingest,
  });
  registerAuditRoutes(app, { db: deps.database.db, settings: deps.settings });
  registerTokenRoutes(app, { db: deps.database.db, now });

  const people = deps.people ?? (await PeopleDirectory.load(deps.database.db));
  directory = people;
  await registerPeopleRoutes(app, new PeopleService(deps.database.db, people, now));

  // A config saved in the UI wins over the --qa-config file (docs/qa.md "Site configuration").
  const storedQa = await loadStoredQaConfig(deps.database.db);
  const qa = new QaService({
    db: deps.database.db,
    config: storedQa !== null ? compileQaConfig(storedQa) : (deps.qa?.config ?? compileQaConfig()),
    rawConfig: storedQa ?? deps.qa?.fileConfig ?? {},
    configSource:
      storedQa !== null ? 'ui' : deps.qa?.fileConfig !== undefined ? 'file' : 'defaults',
    teamOf: deps.qa?.teamOf ?? ((agentId) => people.agent(agentId)?.teamId ?? null),
    agentIdOf:
      deps.qa?.agentIdOf ?? ((memberName) => people.aliases().get(memberName) ?? memberName),
    alerts: deps.hub,
    timeZone: deps.settings.timeZone,
    now,
  });
  await app.register(qaRoutes({ qa, settings: deps.settings, people }));
  // Critical QA failures of the last 24 h without a violation record are open floor alerts again.
  await qa.restoreAlerts(now() - 86_400_000);
  if (deps.demoTranscripts === true) await seedDemoTranscripts(qa, deps.database.db);

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () =>
    app.swagger(),
  );

  if (hasWeb) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true });
  } else {
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><title>callfloor</title>' +
            '<p>The callfloor UI is not built. Run <code>npm run build</code> (or <code>npm start</code>), ' +
            'then reload. The API is up: <a href="/api/docs">/api/docs</a>, ' +
            '<a href="/api/floor">/api/floor</a>.</p>',
        ),
    );
  }

  return app;
}
