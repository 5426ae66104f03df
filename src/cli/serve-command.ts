/**
 * `callfloor serve`: the live floor server (floor-api.md "serve"). One process serves the API, the
 * live feeds and the UI. Flags override environment variables, which override the config file.
 */
import { Option, type Command } from 'commander';
import { SERVICE_LEVEL_FORMULAS } from '../core/stats/report.js';
import { ConfigError, loadConfig, type ServerConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { startServer } from '../server/server.js';
import { UsageError, type CliContext } from './context.js';

interface ServeFlags {
  qaConfig?: string;
  host?: string;
  port?: string;
  db?: string;
  queueLog?: string;
  queueLogStart?: string;
  demo?: boolean;
  slThreshold?: string;
  slFormula?: string;
  shortAbandon?: string;
  slTarget?: string;
  tz?: string;
  wrapup?: string;
  agents?: string;
  reorderWindow?: string;
  webRoot?: string;
  logLevel?: string;
  ami?: string;
  freeswitch?: string;
  secureCookies?: string;
  config?: string;
}

const EXAMPLES = `
Examples:
  $ callfloor serve                                   # demo floor on http://127.0.0.1:8080
  $ callfloor serve --queue-log /var/log/asterisk/queue_log --tz Asia/Taipei
  $ callfloor serve --queue-log /var/log/asterisk/queue_log --ami callfloor:SECRET@pbx.local:5038
  $ callfloor serve --freeswitch ClueCon@fs.local:8021
  $ DATABASE_URL=postgres://callfloor@db/callfloor callfloor serve --queue-log /var/log/asterisk/queue_log

Every flag also reads an environment variable (CALLFLOOR_PORT, CALLFLOOR_DB, DATABASE_URL, …) and a
key of the JSON file given with --config (CALLFLOOR_CONFIG). API docs: http://HOST:PORT/api/docs

Sign-in: the first visit creates the admin, or create one with \`callfloor user add\`; the
environment variable CALLFLOOR_ADMIN_TOKEN (16+ characters), if set, is accepted as an admin API
token (Authorization: Bearer …). The demo floor creates demo accounts and lists them on the
sign-in page.`;

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the live floor server: API, live feeds (WebSocket/SSE) and the web UI')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--port <number>', 'port (default 8080)')
    .option(
      '--db <path>',
      'SQLite file (default ./data/callfloor.db); DATABASE_URL selects PostgreSQL',
    )
    .option('--queue-log <path>', 'follow this Asterisk queue_log file (like tail -F)')
    .addOption(
      new Option(
        '--queue-log-start <where>',
        'on the first start (no checkpoint yet), read the queue_log from its beginning or only new lines (default: beginning)',
      ).choices(['beginning', 'end']),
    )
    .option(
      '--ami <user:secret@host[:port]>',
      'connect to Asterisk AMI (port 5038 default): live events (hold, ringing) and supervisor actions; with --queue-log, queue_log stays the call record',
    )
    .option(
      '--freeswitch <password@host[:port]>',
      'connect to the FreeSWITCH event socket (port 8021 default, mod_callcenter)',
    )
    .option('--demo', 'run the simulated demo floor (the default with no telephony source)')
    .option('--sl-threshold <seconds>', 'service-level threshold T (default 20)')
    .addOption(
      new Option('--sl-formula <name>', 'service-level formula (default offered)').choices([
        ...SERVICE_LEVEL_FORMULAS,
      ]),
    )
    .option('--short-abandon <seconds>', 'short-abandon threshold S (default 0 = off)')
    .option('--sl-target <fraction>', 'service-level goal the tiles compare against (default 0.8)')
    .option('--tz <zone>', 'IANA time zone of "today" and intervals (default: the process zone)')
    .option('--wrapup <seconds>', 'fixed wrap-up (ACW) after each answered call (default 0)')
    .option('--agents <file>', 'JSON alias map {"member name": "person"}')
    .option('--qa-config <file>', 'site QA config (JSON): phrase lists, thresholds, weights')
    .option('--reorder-window <seconds>', 'statistics reorder window for live events (default 2)')
    .option('--web-root <path>', 'folder of the built UI (default dist/web)')
    .option('--log-level <level>', 'fatal, error, warn, info (default), debug, trace, silent')
    .addOption(
      new Option(
        '--secure-cookies <mode>',
        'mark session cookies Secure: auto (default: when the request came over HTTPS), true, false',
      ).choices(['auto', 'true', 'false']),
    )
    .option('--config <file>', 'JSON configuration file (keys: host, port, db, queueLog, …)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ServeFlags) => {
      let config: ServerConfig;
      try {
        const { config: file, ...rest } = flags;
        const envFile = process.env.CALLFLOOR_CONFIG;
        config = loadConfig(rest, process.env, file ?? (envFile === '' ? null : (envFile ?? null)));
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'shutting down');
          const force = setTimeout(() => {
            logger.error('shutdown took more than 10 s; exiting');
            ctx.setExitCode(1);
            resolve();
          }, 10_000);
          force.unref();
          server.close().then(
            () => {
              clearTimeout(force);
              logger.info('stopped');
              resolve();
            },
            (error: unknown) => {
              logger.error({ err: error }, 'error during shutdown');
              ctx.setExitCode(1);
              resolve();
            },
          );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      logger.flush();
    });
}
