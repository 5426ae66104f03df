/**
 * The ingest service: runs the live sources into the {@link LiveEngine}, commits the engine's
 * buffer (events, records, rollups, checkpoints, snapshot) in one transaction every
 * `commitIntervalMs`, and tells the live hub what changed.
 *
 * Crash safety: a source's checkpoint is only stored with the events before it, and the engine
 * snapshot with them, so after `kill -9` the server restores the snapshot and re-reads each source
 * from its stored checkpoint: nothing lost, nothing doubled. A failed commit stores nothing; the
 * service then rebuilds the engine from the database and rewinds the sources (recover()).
 */
import type { Logger } from 'pino';
import type { FloorChanges } from '../../core/floor/floor-state.js';
import type { QueueCallRecord, RejectedJoin } from '../../core/stats/records.js';
import { dayStart } from '../../core/stats/time-zone.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import type { DatabaseHandle } from '../../db/database.js';
import { getCheckpoint, getSnapshot } from '../../db/ingest.repository.js';
import { queueCallRowToRecord } from '../../db/records.repository.js';
import type { SourceHealth, TelephonySource } from '../../io/telephony-source.js';
import { writeCommit } from './ingest-writer.js';
import { LiveEngine, type LiveEngineOptions } from './live-engine.js';

/** A configured source: its stable name (checkpoint key) and how to start it at a checkpoint. */
export interface SourceSpec {
  /** Stable name, e.g. `queue_log:/var/log/asterisk/queue_log`, `demo`. */
  readonly name: string;
  create(checkpoint: string | null): TelephonySource;
}

/** Options of {@link IngestService}. */
export interface IngestServiceOptions {
  readonly database: DatabaseHandle;
  readonly engine: LiveEngineOptions;
  readonly sources: readonly SourceSpec[];
  /** Row id of the engine snapshot: `live`, or `demo`. */
  readonly snapshotId: string;
  /** Restore the stored snapshot at start (false for the demo, whose simulator restarts). */
  readonly restore: boolean;
  /** Commit period, ms (default 1000). */
  readonly commitIntervalMs?: number;
  /** Tick period, ms (default 1000). */
  readonly tickMs?: number;
  readonly logger: Logger;
  /** Receives floor changes as they happen (before they are committed). */
  readonly onChanges?: (changes: FloorChanges) => void;
  /** Receives every tick (to refresh queues whose waits grow with time). */
  readonly onTick?: (changes: FloorChanges) => void;
  /** Clock, epoch ms. */
  readonly now?: () => number;
}

/** Result of {@link IngestService.submit}. */
export interface SubmitResult {
  readonly accepted: number;
  readonly duplicates: number;
}

/** Thrown by {@link IngestService.submit} when the batch could not be stored. */
export class IngestUnavailableError extends Error {
  override name = 'IngestUnavailableError';
}

/** The ingest service. */
export class IngestService {
  private engine: LiveEngine | null = null;
  private running: TelephonySource[] = [];
  private commitTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private tickStarter: NodeJS.Timeout | null = null;
  private committing: Promise<boolean> | null = null;
  private recovering: Promise<void> | null = null;
  private readonly now: () => number;
  private lastCommitError: string | null = null;
  /** Commits written and failed so far. */
  commits = 0;
  failedCommits = 0;

  constructor(private readonly options: IngestServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The engine (after {@link start}). */
  get live(): LiveEngine {
    if (this.engine === null) throw new Error('ingest service not started');
    return this.engine;
  }

  /**
   * Runs `read` while no commit is in flight and none can start, handing it the engine. A report
   * reads the stored records, then the engine's pending and open ones: a commit in between would
   * count its records twice or not at all (reports once undercounted for up to half a second
   * after each tick).
   */
  async readConsistent<T>(read: (engine: LiveEngine) => Promise<T>): Promise<T> {
    if (this.recovering !== null) await this.recovering;
    while (this.committing !== null) await this.committing;
    const running = read(this.live);
    this.committing = running.then(
      () => true,
      () => true,
    );
    try {
      return await running;
    } finally {
      this.committing = null;
    }
  }

  /** Loads the engine (restoring the snapshot when configured) and starts the sources. */
  async start(): Promise<void> {
    this.engine = await this.loadEngine();
    await this.startSources();
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 500);
    this.tickTimer = setInterval(() => {
      const changes = this.engine?.tick(this.now());
      if (changes !== undefined) this.options.onTick?.(changes);
    }, this.options.tickMs ?? 1000);
  }

  /** Stops the sources and writes what is buffered. */
  async stop(): Promise<void> {
    if (this.commitTimer !== null) clearInterval(this.commitTimer);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    if (this.tickStarter !== null) clearTimeout(this.tickStarter);
    this.commitTimer = null;
    this.tickTimer = null;
    await this.stopSources();
    if (this.recovering !== null) await this.recovering;
    await this.commit();
  }

  /** Health of every source (and of the commit loop, as an `error` on each when failing). */
  health(): SourceHealth[] {
    return this.running.map((s) => {
      const h = s.health();
      return this.lastCommitError === null ? h : { ...h, ok: false, error: this.lastCommitError };
    });
  }

  /**
   * Accepts API events and returns once they are stored.
   * @throws IngestUnavailableError when they could not be stored (nothing of the batch is kept)
   */
  async submit(events: readonly TelephonyEvent[]): Promise<SubmitResult> {
    if (this.recovering !== null) await this.recovering;
    if (this.committing !== null) await this.committing;
    const result = this.live.accept('api', events, null, this.now());
    this.options.onChanges?.(result.changes);
    if (!(await this.flush())) {
      throw new IngestUnavailableError(this.lastCommitError ?? 'the database is unavailable');
    }
    return { accepted: result.accepted, duplicates: result.duplicates };
  }

  /**
   * Releases what the reorder window no longer needs to hold (as the tick does) and commits, so
   * that the records closed by the events accepted so far are stored when it returns.
   * @returns false when the write failed (as {@link commit})
   */
  async flush(): Promise<boolean> {
    this.options.onChanges?.(this.live.tick(this.now()));
    return this.commit();
  }

  /**
   * Writes the engine's buffer now (one transaction). Serialised: a call while one runs waits for
   * it and then writes what came meanwhile.
   * @returns false when the write failed (the service then recovers from the database)
   */
  async commit(): Promise<boolean> {
    while (this.committing !== null) await this.committing;
    const engine = this.engine;
    if (engine === null || !engine.dirty) return this.lastCommitError === null;
    const commit = engine.takeCommit();
    const nowMs = this.now();
    const settings = this.options.engine.settings;
    this.committing = writeCommit(
      this.options.database.db,
      commit,
      this.options.snapshotId,
      {
        serviceLevelThreshold: settings.serviceLevelThreshold,
        shortAbandon: settings.shortAbandon,
        timeZone: settings.timeZone,
      },
      nowMs,
    ).then(
      () => {
        this.commits++;
        this.lastCommitError = null;
        return true;
      },
      (error: unknown) => {
        this.failedCommits++;
        this.lastCommitError = error instanceof Error ? error.message : String(error);
        this.options.logger.error(
          { err: error, events: commit.events.length },
          'commit failed: nothing of the batch was stored; rebuilding from the database',
        );
        this.recovering ??= this.recover().finally(() => {
          this.recovering = null;
        });
        return false;
      },
    );
    try {
      return await this.committing;
    } finally {
      this.committing = null;
    }
  }

  /** Rebuilds the engine from the database and rewinds the sources to their stored checkpoints. */
  private async recover(): Promise<void> {
    await this.stopSources();
    try {
      this.engine = await this.loadEngine();
      await this.startSources();
    } catch (error) {
      this.options.logger.error({ err: error }, 'recovery failed; retrying in 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5000));
      this.recovering = null;
      this.recovering = this.recover();
    }
  }

  private async loadEngine(): Promise<LiveEngine> {
    const db = this.options.database.db;
    let engine: LiveEngine | null = null;
    if (this.options.restore) {
      const json = await getSnapshot(db, this.options.snapshotId);
      if (json !== null) {
        try {
          engine = LiveEngine.restore(json, this.options.engine);
        } catch (error) {
          this.options.logger.warn(
            { err: error },
            'stored engine snapshot unusable; starting fresh',
          );
        }
      }
    }
    engine ??= LiveEngine.create(this.options.engine);
    // Seed today's closed records from the database.
    const day = dayStart(this.now() / 1000, this.options.engine.settings.timeZone);
    const calls: QueueCallRecord[] = (
      await db.selectFrom('queue_call').selectAll().where('attributed_at', '>=', day).execute()
    ).map(queueCallRowToRecord);
    const rejected: RejectedJoin[] = (
      await db.selectFrom('rejected_join').selectAll().where('time', '>=', day).execute()
    ).map((r) => ({
      queue: r.queue,
      time: Number(r.time),
      callId: r.call_id === '' ? null : r.call_id,
    }));
    engine.seedToday(day, calls, rejected);
    return engine;
  }

  private async startSources(): Promise<void> {
    const db = this.options.database.db;
    for (const spec of this.options.sources) {
      const checkpoint = this.options.restore ? await getCheckpoint(db, spec.name) : null;
      const source = spec.create(checkpoint);
      this.running.push(source);
      await source.start(async (batch) => {
        if (this.recovering !== null || this.engine === null) return;
        const result = this.engine.accept(spec.name, batch.events, batch.checkpoint, this.now());
        this.options.onChanges?.(result.changes);
        // Back-pressure: a big backlog (first start on a long file) commits as it goes.
        if (this.engine.pendingEvents >= 5000) await this.commit();
      });
    }
  }

  private async stopSources(): Promise<void> {
    const sources = this.running;
    this.running = [];
    for (const source of sources) await source.stop();
  }
}
