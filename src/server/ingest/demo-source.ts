/**
 * The demo floor: a seeded simulated call centre (`src/core/simulation`) producing queue_log lines
 * along the wall clock, fed through the same parse → sequencer → engine pipeline as a real file.
 * Nothing is written to a real log. It starts with an hour of history so the floor is busy at once;
 * restarted on a database that already holds demo data, it resumes after the last stored event with
 * a QUEUESTART (like a restarted PBX: open calls end, members and pauses stay), so no stretch of
 * time is simulated twice.
 */
import { createLiveSimulator, type LiveSimulator } from '../../core/simulation/index.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { parseQueueLogLine } from '../../core/telephony/queue-log.js';
import type { EventBatch, SourceHealth, TelephonySource } from '../../io/telephony-source.js';

/** Options of {@link DemoSource}. */
export interface DemoSourceOptions {
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Agent count (default: the simulator's 40). */
  readonly agents?: number;
  /** Seconds of history simulated at start (default 3600). */
  readonly warmupSeconds?: number;
  /** Tick, ms (default 1000). */
  readonly tickMs?: number;
  /** Clock, epoch ms. */
  readonly now?: () => number;
  /** Epoch s of the last event already stored by an earlier run, or null for a fresh database. */
  readonly resumeAfter?: number | null;
}

/** A {@link TelephonySource} running the simulated floor. Its `kind` reports as `queue_log`. */
export class DemoSource implements TelephonySource {
  readonly kind = 'queue_log' as const;
  private readonly now: () => number;
  private simulator: LiveSimulator | null = null;
  private timer: NodeJS.Timeout | null = null;
  private onBatch: ((batch: EventBatch) => Promise<void>) | null = null;
  private busy = false;
  private lastEventAt: number | null = null;

  constructor(private readonly options: DemoSourceOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async start(onBatch: (batch: EventBatch) => Promise<void>): Promise<void> {
    this.onBatch = onBatch;
    const nowS = Math.floor(this.now() / 1000);
    const resumeAfter = this.options.resumeAfter ?? null;
    const warmupStart = nowS - (this.options.warmupSeconds ?? 3600);
    const startEpoch =
      resumeAfter === null ? warmupStart : Math.max(warmupStart, Math.floor(resumeAfter) + 1);
    this.simulator = createLiveSimulator({
      seed: this.options.seed ?? 1,
      startEpoch,
      ...(this.options.agents !== undefined ? { agents: this.options.agents } : {}),
    });
    if (resumeAfter !== null) {
      const restart = parseQueueLogLine(`${startEpoch}|NONE|NONE|NONE|QUEUESTART|`);
      if (restart.ok) await onBatch({ events: [restart.event], checkpoint: null });
    }
    await this.step();
    this.timer = setInterval(() => void this.step(), this.options.tickMs ?? 1000);
  }

  stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.onBatch = null;
    return Promise.resolve();
  }

  health(): SourceHealth {
    return {
      kind: 'queue_log',
      name: 'demo',
      ok: this.simulator !== null,
      lastEventAt: this.lastEventAt,
      lagSeconds: 0,
      error: null,
    };
  }

  private async step(): Promise<void> {
    if (this.busy || this.simulator === null || this.onBatch === null) return;
    this.busy = true;
    try {
      const lines = this.simulator.advance(Math.floor(this.now() / 1000));
      const events: TelephonyEvent[] = [];
      for (const line of lines) {
        const parsed = parseQueueLogLine(line);
        if (parsed.ok) events.push(parsed.event);
      }
      if (events.length > 0) {
        this.lastEventAt = this.now();
        await this.onBatch({ events, checkpoint: null });
      }
    } finally {
      this.busy = false;
    }
  }
}
