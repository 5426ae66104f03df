/**
 * KPI aggregation: reconstruction records → the `callfloor.stats/v1` report (kpi.md "Queue KPIs",
 * "Agent KPIs"). Streaming: memory is bounded by queues, intervals and agents (plus two numbers per
 * answered call for agent busy time), not by the input's size.
 */
import type { AgentSegment, QueueCallRecord, RecordSink, RejectedJoin } from './records.js';
import {
  QUEUE_COUNT_FIELDS,
  type AgentReport,
  type InputReport,
  type IntervalReport,
  type QueueKpis,
  type QueueReport,
  type StatsReport,
  type StatsSettings,
  type TotalsReport,
} from './report.js';
import { formatLocalIso, intervalStart } from './time-zone.js';

/** Raw sums behind {@link QueueKpis}; ratios and means are computed at the end. */
class QueueAccumulator {
  offered = 0;
  answered = 0;
  abandoned = 0;
  shortAbandoned = 0;
  timedOut = 0;
  exitedWithKey = 0;
  exitedEmpty = 0;
  lost = 0;
  stillWaiting = 0;
  rejected = 0;
  transferred = 0;
  answeredWithinThreshold = 0;
  abandonedWithinThreshold = 0;
  uniqueCalls = 0;
  waitSum = 0;
  waitCount = 0;
  talkSum = 0;
  talkCount = 0;
  handleSum = 0;
  maxWait: number | null = null;
  abandonWaitSum = 0;
  abandonWaitCount = 0;

  add(r: QueueCallRecord, settings: StatsSettings): void {
    this.offered++;
    if (r.firstStint) this.uniqueCalls++;
    if (r.wait !== null && (this.maxWait === null || r.wait > this.maxWait)) this.maxWait = r.wait;
    switch (r.outcome) {
      case 'answered':
        this.answered++;
        if (r.wait !== null) {
          this.waitSum += r.wait;
          this.waitCount++;
          if (r.wait <= settings.serviceLevelThreshold) this.answeredWithinThreshold++;
        }
        if (r.talk !== null) {
          this.talkSum += r.talk;
          this.handleSum += r.talk + r.wrapUp;
          this.talkCount++;
        }
        if (r.transferred) this.transferred++;
        return;
      case 'abandoned':
        this.abandoned++;
        if (r.wait !== null) {
          this.abandonWaitSum += r.wait;
          this.abandonWaitCount++;
          if (r.wait < settings.shortAbandon) this.shortAbandoned++;
          if (r.wait <= settings.serviceLevelThreshold) this.abandonedWithinThreshold++;
        }
        return;
      case 'timedOut':
        this.timedOut++;
        return;
      case 'exitedWithKey':
        this.exitedWithKey++;
        return;
      case 'exitedEmpty':
        this.exitedEmpty++;
        return;
      case 'lost':
        this.lost++;
        return;
      case 'waiting':
        this.stillWaiting++;
        return;
    }
  }

  merge(other: QueueAccumulator): void {
    for (const key of SUMMED_FIELDS) this[key] += other[key];
    if (other.maxWait !== null && (this.maxWait === null || other.maxWait > this.maxWait)) {
      this.maxWait = other.maxWait;
    }
  }

  kpis(settings: StatsSettings): QueueKpis {
    return {
      offered: this.offered,
      answered: this.answered,
      abandoned: this.abandoned,
      shortAbandoned: this.shortAbandoned,
      timedOut: this.timedOut,
      exitedWithKey: this.exitedWithKey,
      exitedEmpty: this.exitedEmpty,
      lost: this.lost,
      stillWaiting: this.stillWaiting,
      rejected: this.rejected,
      transferred: this.transferred,
      answeredWithinThreshold: this.answeredWithinThreshold,
      abandonedWithinThreshold: this.abandonedWithinThreshold,
      serviceLevel: this.serviceLevel(settings),
      abandonRate: ratio(this.abandoned - this.shortAbandoned, this.offered - this.shortAbandoned),
      asa: ratio(this.waitSum, this.waitCount),
      avgTalk: ratio(this.talkSum, this.talkCount),
      aht: ratio(this.handleSum, this.talkCount),
      maxWait: this.maxWait,
      avgAbandonWait: ratio(this.abandonWaitSum, this.abandonWaitCount),
    };
  }

  /** Service level by the chosen formula (kpi.md; each names a practice in use). */
  private serviceLevel(settings: StatsSettings): number | null {
    const within = this.answeredWithinThreshold;
    switch (settings.serviceLevelFormula) {
      case 'offered':
        return ratio(within, this.offered - this.shortAbandoned);
      case 'answered':
        return ratio(within, this.answered);
      case 'asteriskSL2':
        return ratio(within + this.abandonedWithinThreshold, this.answered + this.abandoned);
      case 'lateAbandons':
        return ratio(within, this.answered + this.abandoned - this.abandonedWithinThreshold);
      case 'answeredAbandoned':
        return ratio(within, this.answered + this.abandoned - this.shortAbandoned);
    }
  }
}

const SUMMED_FIELDS = [
  ...QUEUE_COUNT_FIELDS,
  'uniqueCalls',
  'waitSum',
  'waitCount',
  'talkSum',
  'talkCount',
  'handleSum',
  'abandonWaitSum',
  'abandonWaitCount',
] as const satisfies readonly (keyof QueueAccumulator)[];

/** `numerator / denominator`, or `null` when the denominator is not positive. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Calls longer than this (seconds) may be measured slightly wrong; none are in practice. */
const COMPACT_HORIZON = 6 * 3600;
/** Compact an agent's call list when it holds this many calls. */
const COMPACT_AT = 4096;

/**
 * An agent's call intervals (start, end, end + wrap-up; epoch seconds; end `NaN` while the call is
 * in progress), and the busy and overlap seconds already measured. Memory stays bounded: calls that
 * started more than {@link COMPACT_HORIZON} before the latest one are measured up to a cut time and
 * kept only as their part after it. Coverage is pointwise, so measuring before and after a cut adds
 * up exactly.
 */
class CallIntervals {
  data = new Float64Array(48);
  length = 0;
  busyDone = 0;
  overlapDone = 0;
  private latestStart = -Infinity;

  push(start: number, end: number, wrap: number): void {
    if (this.length + 3 > this.data.length) {
      if (this.length / 3 >= COMPACT_AT) this.compact(this.latestStart - COMPACT_HORIZON);
      if (this.length + 3 > this.data.length) {
        const next = new Float64Array(this.data.length * 2);
        next.set(this.data.subarray(0, this.length));
        this.data = next;
      }
    }
    if (start > this.latestStart) this.latestStart = start;
    this.data[this.length++] = start;
    this.data[this.length++] = end;
    this.data[this.length++] = end + wrap;
  }

  /** Measures everything before `cut` (epoch s) and keeps only what lies after it. */
  private compact(cut: number): void {
    const d = this.data;
    const n = this.length / 3;
    const starts: number[] = [];
    const ends: number[] = [];
    const busyEnds: number[] = [];
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const [start, end, busyEnd] = [d[3 * i]!, d[3 * i + 1]!, d[3 * i + 2]!];
      if (start >= cut || Number.isNaN(end)) {
        d[kept++] = start;
        d[kept++] = end;
        d[kept++] = busyEnd;
        continue;
      }
      starts.push(start);
      ends.push(Math.min(end, cut));
      busyEnds.push(Math.min(busyEnd, cut));
      if (busyEnd > cut) {
        d[kept++] = cut;
        d[kept++] = Math.max(end, cut);
        d[kept++] = busyEnd;
      }
    }
    this.length = kept;
    this.busyDone += coveredBy(Float64Array.from(starts), Float64Array.from(busyEnds), 1);
    this.overlapDone += coveredBy(Float64Array.from(starts), Float64Array.from(ends), 2);
  }
}

/**
 * Measure of the points covered by at least `depth` of the intervals (parallel arrays).
 * Used for busy (depth 1, the union) and overlap (depth 2).
 */
function coveredBy(starts: Float64Array, ends: Float64Array, depth: number): number {
  const s = Float64Array.from(starts).sort();
  const e = Float64Array.from(ends).sort();
  let i = 0;
  let j = 0;
  let level = 0;
  let last = 0;
  let total = 0;
  while (i < s.length || j < e.length) {
    // Ends before starts at the same instant: touching intervals do not overlap.
    const takeEnd = j < e.length && (i >= s.length || e[j]! <= s[i]!);
    const t = takeEnd ? e[j++]! : s[i++]!;
    if (level >= depth) total += t - last;
    level += takeEnd ? -1 : 1;
    last = t;
  }
  return total;
}

interface AgentAccumulator {
  answered: number;
  talk: number;
  ringNoAnswer: number;
  unreachable: number;
  loggedIn: number;
  paused: number;
  pausedByReason: Map<string, number>;
  hasSessions: boolean;
  calls: CallIntervals;
}

/**
 * Turns records into the stats report. Implements {@link RecordSink}: feed it from a
 * {@link CallReconstructor} directly, or with records read back from storage.
 *
 * Selection (kpi.md "Time"): a queue-call counts when its `attributedAt` lies in [from, to); the
 * agents' answered, talk, busy and ring figures follow their queue-calls; logged-in and paused
 * segments are clipped to the range.
 */
export class StatsAggregator implements RecordSink {
  private readonly queues = new Map<string, QueueAccumulator>();
  private readonly intervals = new Map<
    string,
    { start: number; queue: string; acc: QueueAccumulator }
  >();
  private readonly agents = new Map<string, AgentAccumulator>();
  private readonly from: number;
  private readonly to: number;

  constructor(private readonly settings: StatsSettings) {
    this.from = settings.from ?? -Infinity;
    this.to = settings.to ?? Infinity;
  }

  queueCall(r: QueueCallRecord): void {
    if (r.attributedAt < this.from || r.attributedAt >= this.to) return;
    this.queueAcc(r.queue).add(r, this.settings);
    if (this.settings.interval !== null) {
      this.intervalAcc(r.attributedAt, r.queue).add(r, this.settings);
    }
    if (r.outcome === 'answered' && r.agent !== null) {
      const agent = this.agentAcc(r.agent);
      agent.answered++;
      if (r.talk !== null) agent.talk += r.talk;
      if (r.connectedAt !== null) {
        agent.calls.push(r.connectedAt, r.endedAt ?? NaN, r.wrapUp);
      }
    }
    for (const ring of r.rings) {
      if (ring.canceled) continue; // the caller's doing, not a miss (kpi.md "Outcomes")
      const agent = this.agentAcc(ring.agent);
      if (ring.ringTimeMs === 0) agent.unreachable++;
      else agent.ringNoAnswer++;
    }
  }

  agentSegment(segment: AgentSegment): void {
    const start = Math.max(segment.start, this.from);
    const end = Math.min(segment.end, this.to);
    if (end <= start) return;
    const agent = this.agentAcc(segment.agent);
    if (segment.kind === 'loggedIn') {
      agent.loggedIn += end - start;
    } else {
      agent.paused += end - start;
      const reason = segment.reason ?? '';
      agent.pausedByReason.set(reason, (agent.pausedByReason.get(reason) ?? 0) + end - start);
    }
  }

  rejected(join: RejectedJoin): void {
    if (join.time < this.from || join.time >= this.to) return;
    this.queueAcc(join.queue).rejected++;
    if (this.settings.interval !== null) this.intervalAcc(join.time, join.queue).rejected++;
  }

  agentSeen(agent: string): void {
    this.agentAcc(agent);
  }

  agentHasSessions(agent: string): void {
    this.agentAcc(agent).hasSessions = true;
  }

  /**
   * The report.
   * @param input counters about the input, echoed as `input`
   * @param endTime epoch s where calls still in progress end for busy time (the report's end:
   *   `--to`, or the last event's time)
   */
  report(input: InputReport, endTime: number): StatsReport {
    const settings = this.settings;
    const totals = new QueueAccumulator();
    const queues: QueueReport[] = [...this.queues.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([queue, acc]) => {
        totals.merge(acc);
        return { queue, ...acc.kpis(settings) };
      });
    const totalsReport: TotalsReport = {
      uniqueCalls: totals.uniqueCalls,
      ...totals.kpis(settings),
    };
    const agents = [...this.agents.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([agent, acc]) => this.agentReport(agent, acc, endTime));
    const report: StatsReport = {
      schema: 'callfloor.stats/v1',
      settings,
      input,
      totals: totalsReport,
      queues,
      agents,
    };
    if (settings.interval !== null) {
      report.intervals = [...this.intervals.values()]
        .filter(({ acc }) => acc.offered > 0)
        .sort((a, b) => a.start - b.start || compare(a.queue, b.queue))
        .map(({ start, queue, acc }): IntervalReport => ({
          start: formatLocalIso(start, settings.timeZone),
          queue,
          ...acc.kpis(settings),
        }));
    }
    return report;
  }

  private agentReport(agent: string, acc: AgentAccumulator, endTime: number): AgentReport {
    const n = acc.calls.length / 3;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const busyEnds = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const start = acc.calls.data[3 * i]!;
      const rawEnd = acc.calls.data[3 * i + 1]!;
      // A call still in progress is busy up to the report's end.
      const open = Number.isNaN(rawEnd);
      starts[i] = start;
      ends[i] = open ? Math.max(start, endTime) : rawEnd;
      busyEnds[i] = open ? ends[i]! : acc.calls.data[3 * i + 2]!;
    }
    const busy = acc.calls.busyDone + coveredBy(starts, busyEnds, 1);
    const overlap = acc.calls.overlapDone + coveredBy(starts, ends, 2);
    const loggedIn = acc.hasSessions ? acc.loggedIn : null;
    const pausedByReason: Record<string, number> = {};
    for (const [reason, seconds] of [...acc.pausedByReason].sort(([a], [b]) => compare(a, b))) {
      pausedByReason[reason] = seconds;
    }
    return {
      agent,
      answered: acc.answered,
      talk: acc.talk,
      busy,
      overlap,
      ringNoAnswer: acc.ringNoAnswer,
      unreachable: acc.unreachable,
      loggedIn,
      paused: acc.paused,
      pausedByReason,
      occupancy: loggedIn === null ? null : ratio(busy, loggedIn - acc.paused),
    };
  }

  private queueAcc(queue: string): QueueAccumulator {
    let acc = this.queues.get(queue);
    if (acc === undefined) {
      acc = new QueueAccumulator();
      this.queues.set(queue, acc);
    }
    return acc;
  }

  private intervalAcc(time: number, queue: string): QueueAccumulator {
    const settings = this.settings;
    const start = intervalStart(time, settings.interval ?? 60, settings.timeZone);
    const key = `${start}\u0000${queue}`;
    let entry = this.intervals.get(key);
    if (entry === undefined) {
      entry = { start, queue, acc: new QueueAccumulator() };
      this.intervals.set(key, entry);
    }
    return entry.acc;
  }

  private agentAcc(agent: string): AgentAccumulator {
    let acc = this.agents.get(agent);
    if (acc === undefined) {
      acc = {
        answered: 0,
        talk: 0,
        ringNoAnswer: 0,
        unreachable: 0,
        loggedIn: 0,
        paused: 0,
        pausedByReason: new Map(),
        hasSessions: false,
        calls: new CallIntervals(),
      };
      this.agents.set(agent, acc);
    }
    return acc;
  }
}

/** Code-point order: deterministic, locale-independent. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
