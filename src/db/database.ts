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

/** A site (a call centre's location). */
export interface SiteTable {
  id: string;
  name: string;
  /** IANA zone of the site, or null (the server's `--tz`). */
  time_zone: string | null;
}

/**
 * A person who signs in (issue #4). `id` is the person id: the agent id on the floor and in
 * reports when member names map to it. Instants in epoch ms.
 */
export interface AppUserTable {
  id: string;
  name: string;
  /** `HumanRole` (src/core/people/access.ts). */
  role: string;
  /** The agent's team (its lead is the direct supervisor of R12), or null. */
  team_id: string | null;
  site_id: string | null;
  email: string | null;
  /** The person's own phone channel or extension (supervisor listen/whisper/barge). */
  phone: string | null;
  /** Preferred UI language (`en`, `zh-TW`, `zh-CN`) or null. */
  language: string | null;
  /** argon2id hash (PHC string); null: cannot sign in with a password yet. */
  password_hash: string | null;
  /** 0/1 */
  must_change_password: number;
  /** 0/1: inactive people cannot sign in (their records stay). */
  active: number;
  /** Consecutive failed sign-ins (reset on success). */
  failed_attempts: number;
  /** Epoch ms until which sign-in is refused after repeated failures, or null. */
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

/** A team: agents with one direct team lead (`lead_id`, a user id). */
export interface TeamTable {
  id: string;
  name: string;
  site_id: string | null;
  lead_id: string | null;
}

/** A telephony member name (`PJSIP/1001`, `Agent/1127`, `Local/1127@…`) and the person it is. */
export interface MemberNameTable {
  member_name: string;
  user_id: string;
}

/** A seat (X03): where it is, its PC's IP address, its equipment, who sits there. */
export interface SeatTable {
  id: string;
  site_id: string | null;
  label: string;
  ip_address: string | null;
  /** JSON array of strings (`["PC 12", "headset H-340"]`). */
  equipment: string;
  user_id: string | null;
  notes: string | null;
}

/**
 * A sign-in session: the SHA-256 of the cookie value (the value itself is never stored).
 * `user_id` for a person; `token_id` for a wallboard token exchanged for a session. Epoch ms.
 */
export interface AuthSessionTable {
  id_hash: string;
  user_id: string | null;
  token_id: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** An API or wallboard token: SHA-256 of the secret, and the role it acts with. Epoch ms. */
export interface ApiTokenTable {
  id: string;
  name: string;
  /** `Role` (human or machine). */
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** A version of the site's confidentiality text (X05), in the three UI languages. */
export interface ConfidentialityTextTable {
  version: GeneratedId;
  text_en: string;
  text_zh_tw: string;
  text_zh_cn: string;
  created_at: number;
  created_by: string | null;
}

/** A person's acceptance of a confidentiality text version. */
export interface ConfidentialityAcceptanceTable {
  user_id: string;
  version: number;
  accepted_at: number;
  /** The language the text was read in. */
  language: string;
  ip: string | null;
}

/**
 * One audit entry (X05): who, when, what, from where. Append-only (database triggers refuse
 * UPDATE and DELETE). `at` epoch ms.
 */
export interface AuditLogTable {
  id: GeneratedId;
  at: number;
  /** `session`, `token`, `admin_token`, `anonymous`, `system`. */
  actor_kind: string;
  /** User id, or token id for tokens. */
  actor_id: string | null;
  actor_name: string | null;
  role: string | null;
  ip: string | null;
  /** Stable action key (`auth.login`, `people.create`, `export.reports`, `read.customer_data`…). */
  action: string;
  method: string | null;
  path: string | null;
  /** What it concerned (a user id, a report kind, …). */
  target: string | null;
  /** HTTP status of the request, when it was one. */
  status: number | null;
  /** JSON object with details (never secrets). */
  detail: string | null;
}

/**
 * A stored transcript (issue #5): the call it belongs to (when `call_id` matched a queue-call),
 * the agent (person id when a member name maps to one, else the member name), and the normalised
 * transcript (`Transcript` of src/core/qa/types.ts, roles resolved) as JSON.
 */
export interface TranscriptTable {
  id: GeneratedId;
  /** The transcript's own id (JSON `id`, chat session id, file name). */
  external_id: string;
  /** `queue_call.call_id` when it matched, else the id given by the uploader, or null. */
  call_id: string | null;
  agent: string | null;
  queue: string | null;
  /** `QaLanguage` (`zh-Hans`, `zh-Hant`, `en`). */
  language: string;
  /** `TranscriptFormat` it was read as (`json`, `text`, `vtt`, …). */
  format: string;
  /** File name or `api`. */
  source: string;
  /** When the call started (connected), epoch **seconds**; the upload time when unknown. */
  started_at: number;
  /** JSON `Transcript`. */
  data: string;
  uploaded_by: string | null;
  /** Epoch ms. */
  created_at: number;
}

/** The automatic evaluation of a transcript: its `callfloor.qa/v1` call result as JSON. */
export interface QaEvaluationTable {
  id: GeneratedId;
  transcript_id: number;
  agent: string | null;
  queue: string | null;
  /** Copied from the transcript (epoch s), for period filters. */
  started_at: number;
  /** JSON `QaCallResult`. */
  result: string;
  /** The automatic score in [0, 1], or null when no check applied. */
  score: number | null;
  /** 0/1: a critical check failed (automatic result). */
  critical: number;
  /** Epoch ms. */
  created_at: number;
}

/** A reviewer's override of one check's automatic result (the latest per check wins). Epoch ms. */
export interface QaOverrideTable {
  id: GeneratedId;
  evaluation_id: number;
  /** `CheckId` (`E01`, `E05.argue`, …). */
  check_id: string;
  /** `pass`, `fail` or `na`. */
  result: string;
  comment: string;
  created_by: string | null;
  created_at: number;
}

/** A manual scorecard item (E02, E03, E06, E07, E10: what cannot be detected). Epoch ms. */
export interface QaScorecardTable {
  evaluation_id: number;
  item: string;
  /** In [0, 1]; null: not applicable. */
  score: number | null;
  comment: string;
  created_by: string | null;
  created_at: number;
}

/** The agent's acknowledgement of an evaluation and their appeal. Epoch ms. */
export interface QaAckTable {
  evaluation_id: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  appeal_text: string | null;
  appeal_at: number | null;
  /** `open`, `accepted`, `rejected`, or null (no appeal). */
  appeal_status: string | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_comment: string | null;
}

/**
 * A violation record (a norm broken by an agent). Minimal for now: QA critical failures turned
 * into records by a reviewer (`source` `qa`, `rule` `qa.critical`); a later violations workflow
 * adds its own sources and columns. Epoch ms.
 */
export interface ViolationTable {
  id: GeneratedId;
  agent: string;
  /** Norm id of norms.md (`E09`). */
  norm: string;
  /** Rule key (`qa.critical`) */
  rule: string;
  /** Where it came from: `qa`. */
  source: string;
  evaluation_id: number | null;
  created_by: string | null;
  created_at: number;
  note: string | null;
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
  site: SiteTable;
  app_user: AppUserTable;
  team: TeamTable;
  member_name: MemberNameTable;
  seat: SeatTable;
  auth_session: AuthSessionTable;
  api_token: ApiTokenTable;
  confidentiality_text: ConfidentialityTextTable;
  confidentiality_acceptance: ConfidentialityAcceptanceTable;
  audit_log: AuditLogTable;
  transcript: TranscriptTable;
  qa_evaluation: QaEvaluationTable;
  qa_override: QaOverrideTable;
  qa_scorecard: QaScorecardTable;
  qa_ack: QaAckTable;
  violation: ViolationTable;
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
