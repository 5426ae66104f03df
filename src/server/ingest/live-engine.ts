/**
 * The live engine: one event stream feeding the floor state (at once, for the console) and, through
 * the reorder window of an {@link EventSequencer}, call reconstruction (for statistics). Records
 * closed by reconstruction are buffered with the accepted events and the sources' checkpoints until
 * the ingest service writes them in ONE transaction together with a JSON snapshot of this engine
 * ({@link LiveEngine.takeCommit}), so that a crash at any point resumes from a consistent state.
 *
 * No I/O and no clock here: times come from the events and from `nowMs` arguments.
 */
import type { FloorAlert } from '../../core/floor/alerts.js';
import { FloorState, type FloorChanges } from '../../core/floor/floor-state.js';
import { StatsAggregator } from '../../core/stats/aggregate.js';
import { HoldTracker, type CallHold, type OpenHold } from '../../core/stats/holds.js';
import { CallReconstructor, type ReconstructionSnapshot } from '../../core/stats/reconstruction.js';
import type {
  AgentSegment,
  QueueCallRecord,
  RecordSink,
  RejectedJoin,
} from '../../core/stats/records.js';
import type { QueueKpis, StatsSettings } from '../../core/stats/report.js';
import { dayStart } from '../../core/stats/time-zone.js';
import { eventRank, eventVerb, type TelephonyEvent } from '../../core/telephony/events.js';
import { EventSequencer } from '../../core/telephony/sequencer.js';
import type { FloorSnapshot } from '../../core/floor/floor-state.js';
import type { EventRow } from '../../db/ingest.repository.js';
import type { RecordBatch } from '../../db/records.repository.js';

/** Options of a {@link LiveEngine}. */
export interface LiveEngineOptions {
  /** KPI settings (thresholds, formula, time zone, wrap-up); `from`/`to`/`interval` are ignored. */
  readonly settings: StatsSettings;
  /** Member name → person. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Reorder window for statistics, seconds (live default 2). */
  readonly reorderWindow: number;
}

/** Everything to write in one transaction. */
export interface EngineCommit {
  readonly events: EventRow[];
  readonly records: RecordBatch & { queueCalls: QueueCallRecord[]; holds: CallHold[] };
  /** Source name → checkpoint (the position just after the last event in `events` from it). */
  readonly checkpoints: Map<string, string>;
  /** The engine snapshot (JSON) as of the end of this commit. */
  readonly snapshot: string;
  /** Latest event time in the commit (epoch s), or `null`. */
  readonly maxEventTime: number | null;
}

/** The result of {@link LiveEngine.accept}. */
export interface AcceptResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly changes: FloorChanges;
}

interface EngineSnapshot {
  readonly version: 1;
  readonly floor: FloorSnapshot;
  readonly reconstruction: ReconstructionSnapshot;
  /** Events accepted but still held by the reorder window (not yet reconstructed). */
  readonly held: { event: TelephonyEvent; key: string | null }[];
  readonly counters: { events: number; duplicates: number; late: number };
  /** Holds open (HOLD without UNHOLD yet); absent in snapshots written before holds were stored. */
  readonly openHolds?: OpenHold[];
  /**
   * The floor rules' open alerts as last evaluated (ids and `since` carry over a restart); absent
   * in snapshots written before alerts were kept.
   */
  readonly alerts?: FloorAlert[];
}

interface PendingWrite {
  events: EventRow[];
  queueCalls: QueueCallRecord[];
  segments: AgentSegment[];
  rejected: RejectedJoin[];
  agents: Map<string, boolean>;
  holds: CallHold[];
  checkpoints: Map<string, string>;
  maxEventTime: number | null;
}

function emptyPending(): PendingWrite {
  return {
    events: [],
    queueCalls: [],
    segments: [],
    rejected: [],
    agents: new Map(),
    holds: [],
    checkpoints: new Map(),
    maxEventTime: null,
  };
}

/** Duplicate identity of an event: all its fields (equal lines give equal events). */
export function eventKey(event: TelephonyEvent): string {
  return JSON.stringify(event);
}

/** Stable order for a batch: by time, then by kind rank inside one second, keeping arrival order. */
function byTime(events: readonly TelephonyEvent[]): TelephonyEvent[] {
  return events
    .map((event, i) => ({ event, i }))
    .sort(
      (a, b) =>
        a.event.time - b.event.time ||
        (Math.floor(a.event.time) === Math.floor(b.event.time)
          ? eventRank(a.event) - eventRank(b.event)
          : 0) ||
        a.i - b.i,
    )
    .map((x) => x.event);
}

/** The live engine (see the module docstring). */
export class LiveEngine {
  /** Counters since the engine's first start (kept in the snapshot). */
  readonly counters = { events: 0, duplicates: 0, late: 0 };

  private floor: FloorState;
  private reconstructor: CallReconstructor;
  private holds: HoldTracker;
  private sequencer: EventSequencer;
  /** Accepted events still held by the sequencer, with their keys (identity map). */
  private readonly held = new Map<TelephonyEvent, string | null>();
  private pending = emptyPending();
  /** The floor rules' open alerts (kept here so that they are stored with the floor they judge). */
  private openAlerts: readonly FloorAlert[] = [];
  /** Whether the set of open alerts changed since the last {@link takeCommit}. */
  private alertsChanged = false;
  /** Closed queue-calls and rejected joins attributed to the current local day (for `today`). */
  private today: { day: number; calls: QueueCallRecord[]; rejected: RejectedJoin[] } = {
    day: -Infinity,
    calls: [],
    rejected: [],
  };

  private constructor(
    private readonly options: LiveEngineOptions,
    floor: FloorState,
    reconstruction: ReconstructionSnapshot | null,
    openHolds: readonly OpenHold[] = [],
  ) {
    this.floor = floor;
    this.holds = new HoldTracker(openHolds);
    const sink = this.recordSink();
    this.reconstructor =
      reconstruction === null
        ? new CallReconstructor({ wrapup: options.settings.wrapup, aliases: options.aliases, sink })
        : CallReconstructor.restore(reconstruction, {
            wrapup: options.settings.wrapup,
            aliases: options.aliases,
            sink,
          });
    this.sequencer = this.newSequencer();
  }

  /** A fresh engine. */
  static create(options: LiveEngineOptions): LiveEngine {
    return new LiveEngine(
      options,
      new FloorState({ aliases: options.aliases, wrapUpSeconds: options.settings.wrapup }),
      null,
    );
  }

  /**
   * An engine restored from a snapshot written by {@link takeCommit}.
   * @throws Error when the snapshot is not a version-1 engine snapshot
   */
  static restore(json: string, options: LiveEngineOptions): LiveEngine {
    const snapshot = JSON.parse(json) as EngineSnapshot;
    if (snapshot.version !== 1) throw new Error('not a version-1 engine snapshot');
    const engine = new LiveEngine(
      options,
      FloorState.restore(snapshot.floor, {
        aliases: options.aliases,
        wrapUpSeconds: options.settings.wrapup,
      }),
      snapshot.reconstruction,
      snapshot.openHolds ?? [],
    );
    Object.assign(engine.counters, snapshot.counters);
    engine.openAlerts = snapshot.alerts ?? [];
    for (const { event, key } of snapshot.held) {
      engine.held.set(event, key);
      engine.sequencer.push(event, key);
    }
    return engine;
  }

  /**
   * Seeds the `today` figures with closed records already stored (after a restart).
   * @param day local day start (epoch s) the records belong to
   */
  seedToday(day: number, calls: QueueCallRecord[], rejected: RejectedJoin[]): void {
    this.today = { day, calls, rejected };
  }

  /**
   * Accepts a batch of events from a source.
   * @param source the source's name (stored with the events)
   * @param checkpoint the source's position after this batch (`null` for sources without one)
   * @param receivedMs epoch ms of reception
   */
  accept(
    source: string,
    events: readonly TelephonyEvent[],
    checkpoint: string | null,
    receivedMs: number,
  ): AcceptResult {
    const agents = new Set<string>();
    const queues = new Set<string>();
    let accepted = 0;
    let duplicates = 0;
    const lateBefore = this.sequencer.late;
    for (const event of byTime(events)) {
      const key = eventKey(event);
      this.held.set(event, key);
      if (!this.sequencer.push(event, key)) {
        this.held.delete(event);
        duplicates++;
        continue;
      }
      accepted++;
      const changes = this.floor.apply(event);
      for (const a of changes.agents) agents.add(a);
      for (const q of changes.queues) queues.add(q);
      this.pending.events.push({
        source,
        time: event.time,
        callId: event.callId,
        queue: event.queue,
        agent: event.agent,
        verb: eventVerb(event),
        data: key,
        receivedMs,
      });
      if (this.pending.maxEventTime === null || event.time > this.pending.maxEventTime) {
        this.pending.maxEventTime = event.time;
      }
    }
    if (checkpoint !== null) this.pending.checkpoints.set(source, checkpoint);
    this.counters.events += accepted;
    this.counters.duplicates += duplicates;
    this.counters.late += this.sequencer.late - lateBefore;
    return { accepted, duplicates, changes: { agents: [...agents], queues: [...queues] } };
  }

  /**
   * The periodic tick: releases events the reorder window no longer needs to hold (everything
   * older than `nowMs` − 1 s) and ends wrap-ups that are over.
   */
  tick(nowMs: number): FloorChanges {
    this.sequencer.releaseBefore(nowMs / 1000 - 1);
    return this.floor.advance(nowMs);
  }

  /** Releases everything held (shutdown of a finite input). */
  flushHeld(): void {
    this.sequencer.flush();
  }

  /** Events buffered for the next commit. */
  get pendingEvents(): number {
    return this.pending.events.length;
  }

  /** Whether there is anything to write. */
  get dirty(): boolean {
    const p = this.pending;
    return (
      p.events.length > 0 ||
      p.queueCalls.length > 0 ||
      p.segments.length > 0 ||
      p.rejected.length > 0 ||
      p.agents.size > 0 ||
      p.holds.length > 0 ||
      p.checkpoints.size > 0 ||
      this.alertsChanged
    );
  }

  /** The floor rules' open alerts as last kept (restored from the snapshot after a restart). */
  get alerts(): readonly FloorAlert[] {
    return this.openAlerts;
  }

  /**
   * Keeps the floor rules' open alerts (the live hub's last evaluation) for the snapshot. When the
   * set changed (an alert opened or cleared, by id), the engine is dirty, so the next commit
   * stores it with the floor state: after a restart the alerts still open keep their id and
   * `since`, and cleared ones are not raised again.
   */
  keepAlerts(alerts: readonly FloorAlert[]): void {
    const before = this.openAlerts;
    this.openAlerts = alerts;
    if (before.length !== alerts.length || before.some((a, i) => a.id !== alerts[i]?.id)) {
      this.alertsChanged = true;
    }
  }

  /**
   * Takes what to write (and starts a new buffer) with a snapshot of the engine as of now. The
   * caller writes it in one transaction; on failure it must discard this engine and restore from
   * the database (the buffer is gone).
   */
  takeCommit(): EngineCommit {
    const p = this.pending;
    this.pending = emptyPending();
    this.alertsChanged = false;
    return {
      events: p.events,
      records: {
        queueCalls: p.queueCalls,
        segments: p.segments,
        rejected: p.rejected,
        agents: p.agents,
        holds: p.holds,
      },
      checkpoints: p.checkpoints,
      snapshot: this.snapshotJson(),
      maxEventTime: p.maxEventTime,
    };
  }

  /** The whole engine state as JSON. */
  snapshotJson(): string {
    const snapshot: EngineSnapshot = {
      version: 1,
      floor: this.floor.snapshot(),
      reconstruction: this.reconstructor.snapshot(),
      held: [...this.held].map(([event, key]) => ({ event, key })),
      counters: { ...this.counters },
      openHolds: this.holds.snapshot(),
      alerts: [...this.openAlerts],
    };
    return JSON.stringify(snapshot);
  }

  /** The floor state (read-only use: views). */
  get floorState(): FloorState {
    return this.floor;
  }

  /**
   * Today's KPIs per queue: closed records attributed since local midnight (settings' time zone)
   * plus provisional records for what is open now (waiting callers, calls in progress).
   */
  todayKpis(nowMs: number): Map<string, QueueKpis> {
    const now = nowMs / 1000;
    const day = dayStart(now, this.options.settings.timeZone);
    this.rollDay(day);
    const aggregator = new StatsAggregator({
      ...this.options.settings,
      from: day,
      to: null,
      interval: null,
    });
    for (const call of this.today.calls) aggregator.queueCall(call);
    for (const join of this.today.rejected) aggregator.rejected(join);
    this.reconstructor.peek(now, aggregator);
    const report = aggregator.report(
      { files: [], lines: 0, events: 0, malformed: 0, duplicates: 0, late: 0, unknownEvents: 0 },
      now,
    );
    const out = new Map<string, QueueKpis>();
    for (const { queue, ...kpis } of report.queues) out.set(queue, kpis);
    return out;
  }

  /** Emits provisional records for what is open at `now` (epoch s) to `sink` (reports). */
  peekRecords(now: number, sink: RecordSink): void {
    this.reconstructor.peek(now, sink);
  }

  /**
   * Replays the records closed since the last {@link takeCommit} (not in the database yet) into
   * `sink`. Stored records + these + {@link peekRecords} are every record, each once.
   */
  pendingRecords(sink: RecordSink): void {
    const p = this.pending;
    for (const [agent, hasSessions] of p.agents) {
      sink.agentSeen(agent);
      if (hasSessions) sink.agentHasSessions(agent);
    }
    for (const segment of p.segments) sink.agentSegment(segment);
    for (const record of p.queueCalls) sink.queueCall(record);
    for (const join of p.rejected) sink.rejected(join);
  }

  private rollDay(day: number): void {
    if (this.today.day === day) return;
    this.today = {
      day,
      calls: this.today.calls.filter((c) => c.attributedAt >= day),
      rejected: this.today.rejected.filter((j) => j.time >= day),
    };
  }

  private newSequencer(): EventSequencer {
    return new EventSequencer(this.options.reorderWindow, (event) => {
      this.held.delete(event);
      this.reconstructor.ingest(event);
      const hold = this.holds.apply(event);
      if (hold !== null) this.pending.holds.push(hold);
    });
  }

  private recordSink(): RecordSink {
    return {
      queueCall: (record) => {
        this.pending.queueCalls.push(record);
        if (record.attributedAt >= this.today.day) this.today.calls.push(record);
      },
      agentSegment: (segment) => {
        this.pending.segments.push(segment);
      },
      rejected: (join) => {
        this.pending.rejected.push(join);
        if (join.time >= this.today.day) this.today.rejected.push(join);
      },
      agentSeen: (agent) => {
        if (!this.pending.agents.has(agent)) this.pending.agents.set(agent, false);
      },
      agentHasSessions: (agent) => {
        this.pending.agents.set(agent, true);
      },
    };
  }
}
