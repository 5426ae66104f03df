/**
 * The database: Kysely over embedded SQLite (better-sqlite3, WAL) by default, or PostgreSQL when a
 * `postgres://` URL is given. Both run the same migrations (`migrate.ts`).
 *
 * Portability decisions (docs/notes/server.md): instants are stored as epoch numbers in `double
 * precision` columns (seconds for telephony times, milliseconds for bookkeeping times, as each
 * column says) because `pg` returns `int8` as a string; booleans are integers 0/1; JSON is text.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Generated, type Transaction } from 'kysely';
import pg from 'pg';

/** One accepted telephony event (the canonical event as queue_log fields), in arrival order. */
export interface EventTable {
  id: GeneratedId;
  /** Source name (`queue_log:/var/log/asterisk/queue_log`, `api`, `demo`, `import:FILE`). */
  source: string;
  /** Epoch seconds (may be fractional). */
  time: number;
  call_id: string | null;
  queue: string | null;
  agent: string | null;
  verb: string;
  /** The event as JSON (the canonical event object). */
  data: string;
  /** Epoch ms when the server received it. */
  received_ms: number;
}

/** A closed queue-call (`QueueCallRecord`). Times in epoch seconds, durations in seconds. */
export interface QueueCallTable {
  call_id: string;
  queue: string;
  attributed_at: number;
  entered_at: number | null;
  outcome: string;
  wait: number | null;
  agent: string | null;
  connected_at: number | null;
  ended_at: number | null;
  talk: number | null;
  wrap_up: number;
  /** 0/1 */
  transferred: number;
  exit_key: string | null;
  caller_id: string | null;
  /** 0/1 */
  first_stint: number;
  /** JSON array of `RingAttempt`. */
  rings: string;
}

/** A closed agent state interval (`AgentSegment`): logged in or paused (with a reason). Epoch s. */
export interface AgentSegmentTable {
  agent: string;
  kind: string;
  reason: string | null;
  start_at: number;
  end_at: number;
}

/** A caller turned away (JOINEMPTY / JOINUNAVAIL). Epoch s. */
export interface RejectedJoinTable {
  queue: string;
  time: number;
  call_id: string | null;
}

/** A hold of a call (migration 2026-12-04T12-30-00_holds). Epoch s. */
export interface CallHoldTable {
  call_id: string;
  start_at: number;
  end_at: number;
  agent: string | null;
}

/** Every agent name seen, and whether it had a session event (so logged-in time is known). */
export interface AgentSeenTable {
  agent: string;
  /** 0/1 */
  has_sessions: number;
}

/** 15-minute rollup of a queue's closed queue-calls (with the server's KPI settings). */
export interface IntervalRollupTable {
  queue: string;
  /** Interval start, epoch s (a multiple of 900). */
  start_at: number;
  offered: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  timed_out: number;
  exited_with_key: number;
  exited_empty: number;
  lost: number;
  still_waiting: number;
  transferred: number;
  answered_within_threshold: number;
  abandoned_within_threshold: number;
  /** Sum of waits of answered calls, seconds. */
  wait_answered_sum: number;
  /** Sum of talk seconds of answered calls with a known end; count in `talk_count`. */
  talk_sum: number;
  talk_count: number;
  /** Sum of abandoned waits, seconds. */
  abandon_wait_sum: number;
  max_wait: number | null;
  /** The service-level threshold (s) `answered_within_threshold` was counted with. */
  sl_threshold: number;
  /** The short-abandon threshold (s) `short_abandoned` was counted with. */
  short_abandon: number;
}

/** Resume position of a live source (file inode + offset), written with the batch it ends. */
export interface SourceCheckpointTable {
  source: string;
  checkpoint: string;
  /** Epoch ms. */
  updated_ms: number;
}

/** JSON snapshot of the live engine (reconstruction + floor state), written with each commit. */
export interface EngineSnapshotTable {
  id: string;
  data: string;
  /** Epoch ms. */
  updated_ms: number;
}

/** Small key/value facts (e.g. `last_event_time`). */
export interface MetaTable {
  key: string;
  value: string;
}

/** An auto-increment id: optional on insert. */
export type GeneratedId = Generated<number>;

/** The tables. */
export interface Database {
  event: EventTable;
  queue_call: QueueCallTable;
  agent_segment: AgentSegmentTable;
  rejected_join: RejectedJoinTable;
  agent_seen: AgentSeenTable;
  call_hold: CallHoldTable;
  interval_rollup: IntervalRollupTable;
  source_checkpoint: SourceCheckpointTable;
  engine_snapshot: EngineSnapshotTable;
  meta: MetaTable;
}

/** A connection or an open transaction: what repositories take. */
export type Db = Kysely<Database> | Transaction<Database>;

/** The open database and its dialect. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Human-readable location (file path, or the URL without its password). */
  readonly location: string;
  /** PostgreSQL schema in use; `null` for SQLite. */
  readonly schema: string | null;
  close(): Promise<void>;
}

/** Where to store: a SQLite file path, or a PostgreSQL URL (and optional schema for tests). */
export interface DatabaseConfig {
  /** SQLite file path (created with its folder when missing). Used when `url` is null. */
  readonly path: string;
  /** `postgres://…` or `postgresql://…`; `null` = SQLite. */
  readonly url: string | null;
  /** PostgreSQL schema to use (`search_path`); created when missing. Default `public`. */
  readonly schema?: string;
}

/** Whether a `DATABASE_URL` value selects PostgreSQL. */
export function isPostgresUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && /^postgres(ql)?:\/\//i.test(url);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * Opens the database (without migrating: see `migrateToLatest`).
 * SQLite runs in WAL mode with `synchronous = NORMAL` (durable at each checkpoint of the WAL,
 * crash-safe for the application) and a 5 s busy timeout.
 * @throws when the SQLite file cannot be created/opened or the PostgreSQL schema cannot be created
 */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (isPostgresUrl(config.url)) {
    const schema = config.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
    const setup = new pg.Client({ connectionString: config.url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await setup.end();
    }
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      options: `-c search_path=${schema}`,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      location: `${redactUrl(config.url)} (schema ${schema})`,
      schema,
      close: () => db.destroy(),
    };
  }
  if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
  const sqlite = new SQLite(config.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    location: config.path,
    schema: null,
    close: () => db.destroy(),
  };
}
