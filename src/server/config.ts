/**
 * Server configuration: flags > environment > config file > defaults, validated with one zod
 * schema. Every problem is reported at once (ConfigError lists them all).
 *
 * | flag | environment | config-file key | default |
 * |---|---|---|---|
 * | --host | CALLFLOOR_HOST | host | 127.0.0.1 |
 * | --port | CALLFLOOR_PORT | port | 8080 |
 * | --db | CALLFLOOR_DB | db | ./data/callfloor.db |
 * | (none) | DATABASE_URL | databaseUrl | (SQLite) |
 * | --queue-log | CALLFLOOR_QUEUE_LOG | queueLog | (none: demo) |
 * | --queue-log-start | CALLFLOOR_QUEUE_LOG_START | queueLogStart | beginning |
 * | --demo | CALLFLOOR_DEMO | demo | false |
 * | --sl-threshold | CALLFLOOR_SL_THRESHOLD | slThreshold | 20 |
 * | --sl-formula | CALLFLOOR_SL_FORMULA | slFormula | offered |
 * | --short-abandon | CALLFLOOR_SHORT_ABANDON | shortAbandon | 0 |
 * | --sl-target | CALLFLOOR_SL_TARGET | slTarget | 0.8 |
 * | --tz | CALLFLOOR_TZ (or TZ) | tz | the process's zone |
 * | --wrapup | CALLFLOOR_WRAPUP | wrapup | 0 |
 * | --agents | CALLFLOOR_AGENTS | agents | (none) |
 * | --qa-config | CALLFLOOR_QA_CONFIG | qaConfig | (none: built-in QA phrases and weights) |
 * | --reorder-window | CALLFLOOR_REORDER_WINDOW | reorderWindow | 2 |
 * | --web-root | CALLFLOOR_WEB_ROOT | webRoot | dist/web |
 * | --log-level | CALLFLOOR_LOG_LEVEL | logLevel | info |
 * | --ami | CALLFLOOR_AMI | ami | (none) |
 * | --freeswitch | CALLFLOOR_FREESWITCH | freeswitch | (none) |
 * | — | — | openingHours | (always open) |
 * | (none: a secret) | CALLFLOOR_ADMIN_TOKEN | adminToken | (none) |
 * | --secure-cookies | CALLFLOOR_SECURE_COOKIES | secureCookies | auto |
 * | --config | CALLFLOOR_CONFIG | — | (none) |
 * | — | — | alerts | `{ absenceThresholdSeconds: 600, absenceByReason: {}, longestWaitSeconds: 60, serviceLevelMinOffered: 0, sourceSilentSeconds: 300 }` |
 *
 * `ami` (`USER:SECRET@HOST[:PORT]`) and `freeswitch` (`PASSWORD@HOST[:PORT]`) carry secrets: they
 * are checked with `parseAmiUrl` / `parseEslUrl`, whose messages never echo the secret, and a
 * problem with them never quotes the value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { compileQaConfig, QaConfigError, type CompiledQaConfig } from '../core/qa/index.js';
import { ConnectorConfigError, parseAmiUrl, parseEslUrl } from '../core/connectors/config.js';
import { SERVICE_LEVEL_FORMULAS } from '../core/stats/report.js';
import { assertTimeZone } from '../core/stats/time-zone.js';

/** Raised for invalid configuration; `problems` lists every one (`key: message`). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const booleanish = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => ['true', '1', 'yes'].includes(v)),
]);
const numberish = z.union([z.number(), z.string().trim().min(1).transform(Number)]);

const timeZone = z.string().refine(
  (tz) => {
    try {
      assertTimeZone(tz);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone' },
);

/** A connector URL checked by its parser; the issue message never contains the value. */
function connectorUrl(parse: (text: string) => unknown) {
  return z
    .string()
    .superRefine((text, ctx) => {
      try {
        parse(text);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message:
            error instanceof ConnectorConfigError ? error.message : 'invalid connection setting',
        });
      }
    })
    .nullable()
    .default(null);
}

/** `HH:MM` (00:00–24:00). */
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM (00:00 to 24:00)');

/** The schema (raw values may be strings from flags/env or JSON values from the config file). */
const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: numberish.pipe(z.number().int().min(0).max(65535)).default(8080),
  db: z.string().min(1).default('./data/callfloor.db'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL')
    .nullable()
    .default(null),
  queueLog: z.string().min(1).nullable().default(null),
  queueLogStart: z.enum(['beginning', 'end']).default('beginning'),
  demo: booleanish.default(false),
  slThreshold: numberish.pipe(z.number().min(0)).default(20),
  slFormula: z.enum(SERVICE_LEVEL_FORMULAS).default('offered'),
  shortAbandon: numberish.pipe(z.number().min(0)).default(0),
  slTarget: numberish.pipe(z.number().min(0).max(1)).default(0.8),
  tz: timeZone.default(Intl.DateTimeFormat().resolvedOptions().timeZone),
  wrapup: numberish.pipe(z.number().min(0)).default(0),
  agents: z.string().min(1).nullable().default(null),
  /** Site QA config file (docs/qa.md "Configuration"): phrases, thresholds, weights, critical checks. */
  qaConfig: z.string().min(1).nullable().default(null),
  reorderWindow: numberish.pipe(z.number().min(0).max(3600)).default(2),
  webRoot: z.string().min(1).default('dist/web'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Asterisk AMI connection `USER:SECRET@HOST[:PORT]` (secret: never logged). */
  ami: connectorUrl(parseAmiUrl),
  /** FreeSWITCH event socket `PASSWORD@HOST[:PORT]` (secret: never logged). */
  freeswitch: connectorUrl(parseEslUrl),
  /**
   * Opening hours in `tz` (config file only), e.g. `{ "start": "08:00", "end": "22:00" }`; `end`
   * before `start` spans midnight. `null`: always open. Used by the `source.silent` alert.
   */
  openingHours: z.object({ start: clockTime, end: clockTime }).strict().nullable().default(null),
  /** First-start admin API token (environment or config file; never a flag: argv is visible). */
  adminToken: z.string().min(16, 'must be at least 16 characters').nullable().default(null),
  /** `Secure` session cookies: auto = when the request came over HTTPS (or X-Forwarded-Proto). */
  secureCookies: z.union([z.literal('auto'), booleanish]).default('auto'),
  /** Alert thresholds (config file only): R12 absence and S2 queue rules. */
  alerts: z
    .object({
      absenceThresholdSeconds: z.number().positive().optional(),
      absenceByReason: z.record(z.string(), z.number().positive()).optional(),
      longestWaitSeconds: z.number().positive().optional(),
      serviceLevelMinOffered: z.number().min(0).optional(),
      /** S2 `source.silent`: seconds without an event from a live source (default 300). */
      sourceSilentSeconds: z.number().positive().optional(),
    })
    .strict()
    .default({}),
});

/** The validated configuration. */
export type ServerConfig = Readonly<z.output<typeof ConfigSchema>>;

/** Keys set by the config file only. */
const FILE_ONLY_KEYS = ['alerts', 'openingHours'] as const;

/** Keys set by flag, environment or config file (`alerts`, `openingHours` are config-file only). */
type EnvKey = Exclude<keyof ServerConfig, (typeof FILE_ONLY_KEYS)[number]>;

/** Environment variable of each key. */
export const ENV_NAMES: Readonly<Record<EnvKey, string>> = {
  host: 'CALLFLOOR_HOST',
  port: 'CALLFLOOR_PORT',
  db: 'CALLFLOOR_DB',
  databaseUrl: 'DATABASE_URL',
  queueLog: 'CALLFLOOR_QUEUE_LOG',
  queueLogStart: 'CALLFLOOR_QUEUE_LOG_START',
  demo: 'CALLFLOOR_DEMO',
  slThreshold: 'CALLFLOOR_SL_THRESHOLD',
  slFormula: 'CALLFLOOR_SL_FORMULA',
  shortAbandon: 'CALLFLOOR_SHORT_ABANDON',
  slTarget: 'CALLFLOOR_SL_TARGET',
  tz: 'CALLFLOOR_TZ',
  wrapup: 'CALLFLOOR_WRAPUP',
  agents: 'CALLFLOOR_AGENTS',
  qaConfig: 'CALLFLOOR_QA_CONFIG',
  reorderWindow: 'CALLFLOOR_REORDER_WINDOW',
  webRoot: 'CALLFLOOR_WEB_ROOT',
  logLevel: 'CALLFLOOR_LOG_LEVEL',
  ami: 'CALLFLOOR_AMI',
  freeswitch: 'CALLFLOOR_FREESWITCH',
  adminToken: 'CALLFLOOR_ADMIN_TOKEN',
  secureCookies: 'CALLFLOOR_SECURE_COOKIES',
};

/**
 * Builds the configuration.
 * @param flags values given on the command line (undefined = not given)
 * @param env the environment (`process.env`)
 * @param configFile path of a JSON config file (`--config` / `CALLFLOOR_CONFIG`), or null
 * @throws ConfigError listing every invalid value (and an unreadable config file)
 */
export function loadConfig(
  flags: Partial<Record<EnvKey, unknown>>,
  env: NodeJS.ProcessEnv,
  configFile: string | null = env.CALLFLOOR_CONFIG === '' ? null : (env.CALLFLOOR_CONFIG ?? null),
): ServerConfig {
  let fromFile: Record<string, unknown> = {};
  if (configFile !== null) {
    try {
      const parsed = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('not a JSON object');
      }
      fromFile = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError([`config file ${configFile}: ${(error as Error).message}`]);
    }
    const unknownKeys = Object.keys(fromFile).filter(
      (k) => !(k in ENV_NAMES) && !(FILE_ONLY_KEYS as readonly string[]).includes(k),
    );
    if (unknownKeys.length > 0) {
      throw new ConfigError(unknownKeys.map((k) => `config file ${configFile}: unknown key ${k}`));
    }
  }
  const raw: Record<string, unknown> = {};
  for (const key of FILE_ONLY_KEYS) if (fromFile[key] !== undefined) raw[key] = fromFile[key];
  for (const key of Object.keys(ENV_NAMES) as EnvKey[]) {
    const envValue = env[ENV_NAMES[key]] ?? (key === 'tz' ? env.TZ : undefined);
    const value = flags[key] ?? (envValue === '' ? undefined : envValue) ?? fromFile[key];
    if (value !== undefined) raw[key] = value;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.map(String).join('.');
        const env = ENV_NAMES[String(issue.path[0] ?? '') as EnvKey] as string | undefined;
        return `${key}${env !== undefined ? ` (${env})` : ''}: ${issue.message}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

/**
 * Reads an alias map file (`--agents`): JSON `{ "member name": "person" }`.
 * @throws ConfigError when unreadable or not an object of strings
 */
export function loadAliases(path: string | null): Map<string, string> {
  if (path === null) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`agents (${path}): ${(error as Error).message}`]);
  }
  const result = z.record(z.string(), z.string()).safeParse(parsed);
  if (!result.success) {
    throw new ConfigError([`agents (${path}): expected a JSON object of "member name": "person"`]);
  }
  return new Map(Object.entries(result.data));
}

/**
 * Reads and compiles the site QA config (`--qa-config`); the built-in defaults without a file.
 * @returns the file's JSON (`{}` without a file) and its compiled form
 * @throws ConfigError naming the file and the key at fault (or the read/JSON error)
 */
export function loadSiteQaConfig(path: string | null): {
  raw: unknown;
  compiled: CompiledQaConfig;
} {
  if (path === null) return { raw: {}, compiled: compileQaConfig() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`qaConfig (${path}): ${(error as Error).message}`]);
  }
  try {
    return { raw: parsed, compiled: compileQaConfig(parsed) };
  } catch (error) {
    if (error instanceof QaConfigError) {
      throw new ConfigError([`qaConfig (${path}): ${error.message}`]);
    }
    throw error;
  }
}
