/**
 * The discrete-event engine of the simulated call-centre floor. It decides every call's fate
 * (arrival, ring attempts, answer, talk, transfer, abandon, timeout, key exit), every agent's day
 * (logins, pauses with reasons, logoffs) and writes the Asterisk `queue_log` lines that a real
 * Asterisk would write for them, in the formats of app_queue.c (see ../shared/spec/kpi.md, "Event
 * data fields"). It also keeps the ground truth it decided, so tests can check the statistics engine.
 *
 * Pure and deterministic: all randomness comes from the seeded {@link Random}; time comes only from
 * the simulated clock. Every event time is a whole epoch second and events are processed in
 * (time, scheduling order), so lines come out in non-decreasing time order.
 */
import { EventHeap } from './event-heap.js';
import {
  DEFAULT_AGENT_COUNT,
  DEFAULT_QUEUES,
  type SimAgentConfig,
  type SimQueueConfig,
  type SimulationOptions,
} from './options.js';
import { createRandom, type Random } from './prng.js';

/** Ground truth of one queue, as the simulator decided it (kpi.md "Queue KPIs" names). */
export interface QueueTruth {
  readonly queue: string;
  /** Queue-calls that entered the queue (ENTERQUEUE lines). */
  readonly offered: number;
  /** Queue-calls connected to an agent (CONNECT lines). */
  readonly answered: number;
  readonly abandoned: number;
  readonly timedOut: number;
  readonly exitedWithKey: number;
  readonly exitedEmpty: number;
  /** Queue-calls still waiting when a QUEUESTART came. */
  readonly lost: number;
  /** Queue-calls waiting (or ringing) at the time of the snapshot. */
  readonly stillWaiting: number;
  /** Callers turned away with JOINEMPTY (not offered). */
  readonly rejected: number;
  /** Answered queue-calls that ended with BLINDTRANSFER or ATTENDEDTRANSFER. */
  readonly transferred: number;
  /** Answered with CONNECT holdtime ≤ the service-level threshold. */
  readonly answeredWithinThreshold: number;
  /** Abandoned with waittime ≤ the service-level threshold. */
  readonly abandonedWithinThreshold: number;
  /** Sum of CONNECT holdtimes, seconds (ASA = holdTimeSum / answered). */
  readonly holdTimeSum: number;
  /** Sum of ABANDON waittimes, seconds. */
  readonly abandonWaitSum: number;
  /** Longest wait of any queue-call (answered, abandoned, timed out, …), seconds; 0 when none. */
  readonly maxWait: number;
  /** Answered queue-calls whose end line (COMPLETEAGENT, COMPLETECALLER or a transfer) was written. */
  readonly ended: number;
  /** Sum of calltime over the ended calls, seconds (avgTalk = talkSum / ended). */
  readonly talkSum: number;
  /** Answered queue-calls still talking at the snapshot. */
  readonly talking: number;
  /** Answered queue-calls cut by a QUEUESTART (no end line). */
  readonly cutByRestart: number;
}

/** Ground truth of one agent (member name). */
export interface AgentTruth {
  readonly agent: string;
  /** CONNECT lines naming the agent. */
  readonly answered: number;
  /** Sum of calltime of the agent's calls whose end line was written, seconds. */
  readonly talk: number;
  /** Talk seconds of calls cut by a QUEUESTART (connect → restart), not in `talk`. */
  readonly talkCutByRestart: number;
  /** RINGNOANSWER lines with ringtime > 0. */
  readonly ringNoAnswer: number;
  /** RINGNOANSWER lines with ringtime 0 (device unreachable). */
  readonly unreachable: number;
  /** RINGCANCELED lines (caller hung up while this agent was rung). */
  readonly ringCanceled: number;
  /** Seconds logged in (all the agent's queues are joined and left together), up to the snapshot. */
  readonly loggedIn: number;
  /** Seconds paused (pauses apply to all the agent's queues), up to the snapshot. */
  readonly paused: number;
  /** Paused seconds by pause reason (`""` for no reason). */
  readonly pausedByReason: Readonly<Record<string, number>>;
}

/** Everything the simulator decided, for checking a statistics engine against it. */
export interface GroundTruth {
  /** Callers generated (distinct callids, including callers turned away by JOINEMPTY). */
  readonly arrivals: number;
  /** Distinct callids that entered at least one queue. */
  readonly uniqueCalls: number;
  /** Lines written so far. */
  readonly lines: number;
  /** QUEUESTART lines written. */
  readonly restarts: number;
  /** Epoch seconds of the first and last line written (`null` before any line). */
  readonly firstEpoch: number | null;
  readonly lastEpoch: number | null;
  /** Per queue, in configuration order. */
  readonly queues: readonly QueueTruth[];
  /** Per agent, in configuration order. */
  readonly agents: readonly AgentTruth[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type QueueCounts = Omit<Mutable<QueueTruth>, 'queue' | 'stillWaiting' | 'talking'>;

interface QueueState {
  readonly config: SimQueueConfig;
  readonly index: number;
  readonly members: AgentState[];
  /** Callers in the queue (waiting or ringing), in order of entry: index + 1 is the position. */
  readonly waiting: CallState[];
  loggedInMembers: number;
  readonly counts: QueueCounts;
}

interface AgentState {
  readonly name: string;
  readonly queues: QueueState[];
  readonly shiftStartMinute: number;
  readonly shiftMinutes: number;
  loggedIn: boolean;
  loginAt: number;
  session: number;
  paused: boolean;
  pauseReason: string;
  pauseAt: number;
  pauseToken: number;
  pendingPause: { reason: string; seconds: number } | null;
  pendingLogout: boolean;
  state: 'idle' | 'ringing' | 'talking';
  call: CallState | null;
  availableFrom: number;
  lastFreeAt: number;
  // truth
  answered: number;
  talk: number;
  talkCut: number;
  ringNoAnswer: number;
  unreachable: number;
  ringCanceled: number;
  loggedInSeconds: number;
  pausedSeconds: number;
  readonly pausedByReason: Record<string, number>;
}

interface CallState {
  readonly id: string;
  queue: QueueState;
  enter: number;
  origPosition: number;
  state: 'waiting' | 'ringing' | 'talking' | 'gone';
  /** Invalidates the patience/timeout/key timers of the current queue-call. */
  waitToken: number;
  /** Invalidates a pending ring end. */
  ringToken: number;
  agent: AgentState | null;
  ringStart: number;
  connectAt: number;
  holdTime: number;
  /** Whether the callid entered a queue at least once (for `uniqueCalls`). */
  entered: boolean;
}

type SimEvent =
  | { time: number; seq: number; type: 'arrival' }
  | { time: number; seq: number; type: 'enter'; call: CallState; queue: QueueState }
  | {
      time: number;
      seq: number;
      type: 'abandon' | 'timeout' | 'key';
      call: CallState;
      token: number;
    }
  | {
      time: number;
      seq: number;
      type: 'ringEnd';
      call: CallState;
      token: number;
      answer: boolean;
    }
  | { time: number; seq: number; type: 'callEnd'; call: CallState; token: number }
  | { time: number; seq: number; type: 'agentReady'; agent: AgentState }
  | { time: number; seq: number; type: 'login' | 'logout'; agent: AgentState; session: number }
  | {
      time: number;
      seq: number;
      type: 'pauseStart';
      agent: AgentState;
      session: number;
      reason: string;
      seconds: number;
    }
  | { time: number; seq: number; type: 'pauseEnd'; agent: AgentState; token: number }
  | { time: number; seq: number; type: 'restart' };

/** Shift templates of the time-of-day mode: [start minute after local midnight, minutes, weight]. */
const SHIFT_TEMPLATES: readonly (readonly [number, number, number])[] = [
  [7 * 60, 480, 15],
  [8 * 60, 510, 25],
  [9 * 60, 510, 25],
  [10 * 60, 480, 15],
  [12 * 60, 480, 10],
  [14 * 60, 480, 5],
  [22 * 60, 540, 5],
];

/** Relative arrival intensity by local hour on top of staffing (morning peak, lunch dip). */
const HOUR_SHAPE: readonly number[] = [
  1, 1, 1, 1, 1, 1, 1, 0.9, 1, 1.1, 1.2, 1.15, 0.95, 1, 1.1, 1.1, 1, 0.95, 0.9, 0.9, 0.9, 0.9, 1, 1,
];
/** Fraction of staffed agents available for calls (not paused, not ringing), and target occupancy. */
const AVAILABILITY = 0.8;
const TARGET_OCCUPANCY = 0.85;
/** Ring timeout of the queue (`timeout` in queues.conf), seconds. */
const RING_TIMEOUT = 15;
/** Probabilities of a ring attempt: not answered (RINGNOANSWER) and device unreachable (0 ms). */
const P_RING_NO_ANSWER = 0.05;
const P_UNREACHABLE = 0.005;

/** Options of the engine: the public options plus the batch/live choices. */
export interface EngineOptions extends SimulationOptions {
  /** Stop creating callers after this many arrivals; `null` = unlimited (live mode). */
  readonly arrivalLimit: number | null;
  /** Write a QUEUESTART as the first line (a log that starts at an Asterisk start). */
  readonly startWithQueueStart: boolean;
}

/**
 * The floor simulator. Call {@link FloorSimulator.step} or {@link FloorSimulator.runUntil}; the lines
 * written are appended to {@link FloorSimulator.output}, which the caller drains.
 */
export class FloorSimulator {
  /** Lines written and not yet drained by the caller (no line terminators). */
  readonly output: string[] = [];
  private readonly rnd: Random;
  private readonly heap = new EventHeap<SimEvent>();
  private readonly queues: QueueState[];
  private readonly queueByName = new Map<string, QueueState>();
  private readonly agents: AgentState[];
  private readonly timeOfDay: boolean;
  private readonly offset: number;
  private readonly wrapup: number;
  private readonly threshold: number;
  private readonly restartMeanSeconds: number;
  private readonly arrivalLimit: number | null;
  private readonly queueWeights: number[];
  /** Arrival rate per minute of a weekday (time-of-day mode), calls per second. */
  private readonly ratePerMinute: Float64Array;
  private readonly flatRate: number;
  private arrivalClock: number;
  private arrivals = 0;
  private callCounter = 0;
  private inFlight = 0;
  private restarts = 0;
  private uniqueCalls = 0;
  private linesWritten = 0;
  private firstEpoch: number | null = null;
  private lastEpoch: number | null = null;
  private clock: number;

  /**
   * @throws RangeError on inconsistent options (no queues, an agent in an unknown queue, a queue
   *   overflowing to an unknown queue, a negative count).
   */
  constructor(options: EngineOptions) {
    this.rnd = createRandom(options.seed);
    this.clock = Math.floor(options.startEpoch);
    this.arrivalClock = this.clock;
    this.timeOfDay = options.timeOfDay ?? true;
    this.offset = (options.utcOffsetMinutes ?? 0) * 60;
    this.wrapup = Math.max(0, Math.round(options.wrapupSeconds ?? 5));
    this.threshold = options.serviceLevelThreshold ?? 20;
    this.restartMeanSeconds = (options.restartEveryDays ?? 0) * 86400;
    this.arrivalLimit = options.arrivalLimit;
    if (this.arrivalLimit !== null && !(this.arrivalLimit >= 0)) {
      throw new RangeError(`calls must be a non-negative integer, got ${this.arrivalLimit}`);
    }

    const talkScale = options.talkScale ?? 1;
    if (!(talkScale > 0)) throw new RangeError(`talkScale must be > 0, got ${talkScale}`);
    const queueConfigs = (options.queues ?? DEFAULT_QUEUES).map((q) =>
      talkScale === 1 ? q : { ...q, meanTalk: q.meanTalk * talkScale },
    );
    if (queueConfigs.length === 0) throw new RangeError('at least one queue is required');
    this.queues = queueConfigs.map((config, index) => ({
      config,
      index,
      members: [],
      waiting: [],
      loggedInMembers: 0,
      counts: emptyCounts(),
    }));
    for (const q of this.queues) {
      if (this.queueByName.has(q.config.name)) {
        throw new RangeError(`queue "${q.config.name}" is configured twice`);
      }
      this.queueByName.set(q.config.name, q);
    }
    for (const q of this.queues) {
      if (q.config.overflow !== null && !this.queueByName.has(q.config.overflow)) {
        throw new RangeError(
          `queue "${q.config.name}" overflows to unknown queue "${q.config.overflow}"`,
        );
      }
    }
    this.queueWeights = this.queues.map((q) => Math.max(0, q.config.weight));

    const agentConfigs = Array.isArray(options.agents)
      ? (options.agents as readonly SimAgentConfig[])
      : this.assignAgents(
          typeof options.agents === 'number' ? options.agents : DEFAULT_AGENT_COUNT,
        );
    this.agents = agentConfigs.map((config) => this.createAgent(config));

    const handle = this.meanHandleSeconds();
    this.ratePerMinute = new Float64Array(1440);
    for (let m = 0; m < 1440; m++) {
      let staffed = 0;
      for (const a of this.agents) {
        const since = (m - a.shiftStartMinute + 1440) % 1440;
        if (since < a.shiftMinutes) staffed++;
      }
      const shape = HOUR_SHAPE[Math.floor(m / 60)] ?? 1;
      this.ratePerMinute[m] =
        ((staffed * AVAILABILITY * TARGET_OCCUPANCY) / handle) * shape * (options.rateScale ?? 1);
    }
    this.flatRate =
      ((this.agents.length * 0.9 * AVAILABILITY * TARGET_OCCUPANCY) / handle) *
      (options.rateScale ?? 1);

    if (options.startWithQueueStart) {
      this.emit(this.clock, 'NONE', 'NONE', 'NONE', 'QUEUESTART', '');
    }
    for (const agent of this.agents) this.scheduleFirstLogin(agent);
    if (this.arrivalLimit === null || this.arrivalLimit > 0) this.scheduleNextArrival();
    if (this.restartMeanSeconds > 0) this.scheduleRestart(this.clock);
  }

  /** The simulated clock: epoch seconds of the last processed event (or the start). */
  get now(): number {
    return this.clock;
  }

  /**
   * Whether a batch run is over: every caller was created and every call has left the queues and
   * ended (agents' own schedules are not waited for). Always `false` in live mode.
   */
  get finished(): boolean {
    return (
      this.arrivalLimit !== null &&
      this.arrivals >= this.arrivalLimit &&
      this.inFlight === 0 &&
      this.heap.peek()?.type !== 'arrival'
    );
  }

  /**
   * Processes the next event, appending its lines to {@link output}.
   * @returns `false` when there is nothing left to do (batch run finished, or no event at all).
   */
  step(): boolean {
    if (this.finished) return false;
    const event = this.heap.pop();
    if (event === undefined) return false;
    this.clock = event.time;
    this.handle(event);
    return true;
  }

  /**
   * Processes every event with time ≤ `epoch` (live mode), appending the lines to {@link output}, and
   * moves the clock to `epoch`. Events scheduled while processing are included when ≤ `epoch`, so
   * runUntil(a) then runUntil(b) writes the same lines as runUntil(b).
   */
  runUntil(epoch: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.time > epoch || this.finished) break;
      this.step();
    }
    if (epoch > this.clock) this.clock = Math.floor(epoch);
  }

  /** The ground truth so far; open sessions and pauses are counted up to the last line written. */
  truth(): GroundTruth {
    const end = this.lastEpoch ?? this.clock;
    return {
      arrivals: this.arrivals,
      uniqueCalls: this.uniqueCalls,
      lines: this.linesWritten,
      restarts: this.restarts,
      firstEpoch: this.firstEpoch,
      lastEpoch: this.lastEpoch,
      queues: this.queues.map((q) => {
        let talking = 0;
        for (const a of q.members) {
          if (a.state === 'talking' && a.call?.queue === q) talking++;
        }
        return {
          queue: q.config.name,
          ...q.counts,
          stillWaiting: q.waiting.length,
          talking,
        };
      }),
      agents: this.agents.map((a) => {
        const pausedByReason = { ...a.pausedByReason };
        let paused = a.pausedSeconds;
        if (a.loggedIn && a.paused && end > a.pauseAt) {
          paused += end - a.pauseAt;
          pausedByReason[a.pauseReason] = (pausedByReason[a.pauseReason] ?? 0) + end - a.pauseAt;
        }
        return {
          agent: a.name,
          answered: a.answered,
          talk: a.talk,
          talkCutByRestart: a.talkCut,
          ringNoAnswer: a.ringNoAnswer,
          unreachable: a.unreachable,
          ringCanceled: a.ringCanceled,
          loggedIn: a.loggedInSeconds + (a.loggedIn ? Math.max(0, end - a.loginAt) : 0),
          paused,
          pausedByReason,
        };
      }),
    };
  }

  // ---------------------------------------------------------------- setup

  private createAgent(config: SimAgentConfig): AgentState {
    const queues = config.queues.map((name) => {
      const q = this.queueByName.get(name);
      if (q === undefined) {
        throw new RangeError(`agent "${config.name}" is in unknown queue "${name}"`);
      }
      return q;
    });
    const agent: AgentState = {
      name: config.name,
      queues,
      shiftStartMinute: config.shiftStartMinute ?? 9 * 60,
      shiftMinutes: config.shiftMinutes ?? 510,
      loggedIn: false,
      loginAt: 0,
      session: 0,
      paused: false,
      pauseReason: '',
      pauseAt: 0,
      pauseToken: 0,
      pendingPause: null,
      pendingLogout: false,
      state: 'idle',
      call: null,
      availableFrom: 0,
      lastFreeAt: 0,
      answered: 0,
      talk: 0,
      talkCut: 0,
      ringNoAnswer: 0,
      unreachable: 0,
      ringCanceled: 0,
      loggedInSeconds: 0,
      pausedSeconds: 0,
      pausedByReason: {},
    };
    for (const q of queues) q.members.push(agent);
    return agent;
  }

  /**
   * Builds `count` agents named `PJSIP/1001`…: primary queues in proportion to each queue's workload
   * (weight × mean talk), some agents in one or two more queues, and shifts from the templates
   * (night-shift agents serve the queues that accept callers when empty).
   */
  private assignAgents(count: number): SimAgentConfig[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`agents must be a non-negative integer, got ${count}`);
    }
    const names = this.queues.map((q) => q.config.name);
    const load = this.queues.map((q) => Math.max(0, q.config.weight) * q.config.meanTalk);
    const totalLoad = load.reduce((s, x) => s + x, 0) || 1;
    const primaries: number[] = [];
    const exact = load.map((l) => (l / totalLoad) * count);
    const floors = exact.map(Math.floor);
    let rest = count - floors.reduce((s, x) => s + x, 0);
    const byRemainder = exact
      .map((x, i) => ({ i, r: x - Math.floor(x) }))
      .sort((a, b) => b.r - a.r || a.i - b.i);
    for (const { i } of byRemainder) {
      if (rest <= 0) break;
      floors[i] = (floors[i] ?? 0) + 1;
      rest--;
    }
    floors.forEach((n, i) => {
      for (let k = 0; k < n; k++) primaries.push(i);
    });
    // Shuffle (Fisher–Yates) so queue groups are not contiguous in the agent list.
    for (let i = primaries.length - 1; i > 0; i--) {
      const j = this.rnd.int(0, i);
      const t = primaries[i] as number;
      primaries[i] = primaries[j] as number;
      primaries[j] = t;
    }
    const nightQueues = names.filter((_, i) => this.queues[i]?.config.joinEmpty === true);
    const shiftWeights = SHIFT_TEMPLATES.map((t) => t[2]);
    const agents: SimAgentConfig[] = [];
    for (let i = 0; i < count; i++) {
      const primary = primaries[i] ?? 0;
      const set = new Set<string>([names[primary] ?? names[0] ?? '']);
      const extra = this.rnd.chance(0.15) ? 2 : this.rnd.chance(0.4) ? 1 : 0;
      for (let k = 0; k < extra && set.size < names.length; k++) {
        set.add(names[this.rnd.int(0, names.length - 1)] ?? '');
      }
      const template = SHIFT_TEMPLATES[this.rnd.weighted(shiftWeights)] ?? SHIFT_TEMPLATES[1];
      const [start, minutes] = template ?? [480, 510];
      const night = start >= 20 * 60 && nightQueues.length > 0;
      agents.push({
        name: `PJSIP/${1001 + i}`,
        queues: night ? nightQueues : [...set],
        shiftStartMinute: start,
        shiftMinutes: minutes,
      });
    }
    return agents;
  }

  private meanHandleSeconds(): number {
    let w = 0;
    let talk = 0;
    for (const q of this.queues) {
      w += Math.max(0, q.config.weight);
      talk += Math.max(0, q.config.weight) * q.config.meanTalk;
    }
    return (w > 0 ? talk / w : 180) + this.wrapup + 4;
  }

  // ---------------------------------------------------------------- scheduling helpers

  private schedule(event: SimEvent): void {
    this.heap.push(event);
  }

  private emit(
    time: number,
    callId: string,
    queue: string,
    agent: string,
    verb: string,
    data: string,
  ): void {
    this.output.push(`${time}|${callId}|${queue}|${agent}|${verb}|${data}`);
    this.linesWritten++;
    if (this.firstEpoch === null) this.firstEpoch = time;
    this.lastEpoch = time;
  }

  private localMinute(epoch: number): number {
    return Math.floor(((((epoch + this.offset) % 86400) + 86400) % 86400) / 60);
  }

  private isWeekend(epoch: number): boolean {
    const day = Math.floor((epoch + this.offset) / 86400);
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return dow === 0 || dow === 6;
  }

  private rateAt(epoch: number): number {
    if (!this.timeOfDay) return this.flatRate;
    const base = this.ratePerMinute[this.localMinute(epoch)] ?? 0;
    return this.isWeekend(epoch) ? base * 0.55 : base;
  }

  /** Non-homogeneous Poisson arrivals: piecewise-constant rate per minute (memoryless restart). */
  private scheduleNextArrival(): void {
    let t = this.arrivalClock;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const minuteEnd = Math.floor(t / 60) * 60 + 60;
      const rate = this.rateAt(Math.floor(t));
      if (rate > 0) {
        const next = t + this.rnd.exponential(1 / rate);
        if (next < minuteEnd) {
          this.arrivalClock = next;
          this.schedule({ time: Math.max(this.clock, Math.floor(next)), seq: 0, type: 'arrival' });
          return;
        }
      }
      t = minuteEnd;
    }
    throw new RangeError('the arrival rate is 0 at every minute: no agent works any shift');
  }

  private scheduleRestart(from: number): void {
    const gap = Math.max(3600, Math.round(this.rnd.exponential(this.restartMeanSeconds)));
    this.schedule({ time: from + gap, seq: 0, type: 'restart' });
  }

  // ---------------------------------------------------------------- agents' days

  /** Start of the shift occurrence that contains `epoch` or comes next (time-of-day mode). */
  private shiftStartAtOrAfter(agent: AgentState, epoch: number): number {
    const localDayStart = Math.floor((epoch + this.offset) / 86400) * 86400 - this.offset;
    for (let d = -1; d <= 1; d++) {
      const start = localDayStart + d * 86400 + agent.shiftStartMinute * 60;
      if (start + agent.shiftMinutes * 60 > epoch) return start;
    }
    return localDayStart + 86400 + agent.shiftStartMinute * 60;
  }

  private scheduleFirstLogin(agent: AgentState): void {
    let at: number;
    if (this.timeOfDay) {
      const start = this.shiftStartAtOrAfter(agent, this.clock) + this.rnd.int(-600, 300);
      at = Math.max(this.clock, start);
    } else {
      at = this.clock + this.rnd.int(0, 10);
    }
    this.schedule({ time: at, seq: 0, type: 'login', agent, session: agent.session });
  }

  private login(agent: AgentState, t: number): void {
    agent.loggedIn = true;
    agent.loginAt = t;
    agent.session++;
    agent.paused = false;
    agent.pendingPause = null;
    agent.pendingLogout = false;
    agent.availableFrom = t;
    agent.lastFreeAt = t;
    for (const q of agent.queues) {
      q.loggedInMembers++;
      this.emit(t, 'NONE', q.config.name, agent.name, 'ADDMEMBER', '');
    }
    // Session length and the planned pauses of the session.
    let seconds: number;
    if (this.timeOfDay) {
      const shiftEnd =
        this.shiftStartAtOrAfter(agent, t) + agent.shiftMinutes * 60 + this.rnd.int(-300, 900);
      seconds = Math.max(1800, shiftEnd - t);
    } else {
      seconds = this.rnd.int(3 * 3600, 8 * 3600);
      if (this.rnd.chance(0.3)) this.planPause(agent, t + this.rnd.int(30, 1200), ['Break', '']);
    }
    const session = agent.session;
    const plan = (fraction: number, jitter: number, reason: string, min: number, max: number) => {
      const at = t + Math.round(seconds * fraction) + this.rnd.int(-jitter, jitter);
      this.schedule({
        time: Math.max(t + 60, at),
        seq: 0,
        type: 'pauseStart',
        agent,
        session,
        reason,
        seconds: this.rnd.int(min, max),
      });
    };
    plan(0.25, 900, 'Break', 600, 900);
    if (seconds >= 6 * 3600) plan(0.5, 1800, 'Lunch', 1800, 3600);
    if (seconds >= 5 * 3600) plan(0.75, 900, 'Break', 600, 900);
    if (this.rnd.chance(0.1)) plan(this.rnd.next() * 0.9, 0, 'Training', 1800, 5400);
    if (this.rnd.chance(0.1)) plan(this.rnd.next() * 0.9, 0, 'Meeting', 900, 2700);
    if (this.rnd.chance(0.08)) plan(this.rnd.next() * 0.9, 0, 'Coaching', 600, 1200);
    if (this.rnd.chance(0.15)) plan(this.rnd.next() * 0.9, 0, '', 60, 300);
    this.schedule({ time: t + seconds, seq: 0, type: 'logout', agent, session });
    this.dispatchAgent(agent, t);
  }

  private planPause(agent: AgentState, at: number, reasons: readonly string[]): void {
    const reason = reasons[this.rnd.int(0, reasons.length - 1)] ?? '';
    this.schedule({
      time: at,
      seq: 0,
      type: 'pauseStart',
      agent,
      session: agent.session,
      reason,
      seconds: reason === '' ? this.rnd.int(60, 300) : this.rnd.int(300, 900),
    });
  }

  private logout(agent: AgentState, t: number): void {
    if (agent.paused) this.closePause(agent, t);
    agent.loggedIn = false;
    agent.loggedInSeconds += t - agent.loginAt;
    agent.pendingLogout = false;
    agent.pendingPause = null;
    for (const q of agent.queues) {
      q.loggedInMembers--;
      this.emit(t, 'NONE', q.config.name, agent.name, 'REMOVEMEMBER', '');
    }
    for (const q of agent.queues) {
      if (q.loggedInMembers === 0 && q.config.leaveWhenEmpty) {
        // leavewhenempty: the callers still waiting leave the queue (EXITEMPTY).
        for (const call of [...q.waiting]) this.exitQueue(call, t, 'EXITEMPTY');
      }
    }
    // Next session.
    let next: number;
    if (this.timeOfDay) {
      next = this.shiftStartAtOrAfter(agent, t + 3600) + this.rnd.int(-600, 300);
      next = Math.max(t + 600, next);
    } else {
      next = t + this.rnd.int(120, 1200);
    }
    this.schedule({ time: next, seq: 0, type: 'login', agent, session: agent.session });
  }

  private startPause(agent: AgentState, t: number, reason: string, seconds: number): void {
    agent.paused = true;
    agent.pauseReason = reason;
    agent.pauseAt = t;
    agent.pauseToken++;
    if (agent.queues.length > 1 && this.rnd.chance(0.3)) {
      // QueuePause without a queue: PAUSEALL (queue NONE, no reason), then one PAUSE per queue.
      this.emit(t, 'NONE', 'NONE', agent.name, 'PAUSEALL', '');
    }
    for (const q of agent.queues) this.emit(t, 'NONE', q.config.name, agent.name, 'PAUSE', reason);
    this.schedule({
      time: t + seconds,
      seq: 0,
      type: 'pauseEnd',
      agent,
      token: agent.pauseToken,
    });
  }

  private closePause(agent: AgentState, t: number): void {
    const seconds = t - agent.pauseAt;
    agent.pausedSeconds += seconds;
    agent.pausedByReason[agent.pauseReason] =
      (agent.pausedByReason[agent.pauseReason] ?? 0) + seconds;
    agent.paused = false;
    agent.pauseToken++;
  }

  private endPause(agent: AgentState, t: number): void {
    this.closePause(agent, t);
    if (agent.queues.length > 1 && this.rnd.chance(0.3)) {
      this.emit(t, 'NONE', 'NONE', agent.name, 'UNPAUSEALL', '');
    }
    for (const q of agent.queues) this.emit(t, 'NONE', q.config.name, agent.name, 'UNPAUSE', '');
    this.dispatchAgent(agent, t);
  }

  /** After a call (or a restart) frees the agent: pending logout or pause, then wrap-up. */
  private freeAgent(agent: AgentState, t: number, wrapup: number): void {
    agent.state = 'idle';
    agent.call = null;
    agent.lastFreeAt = t;
    agent.availableFrom = t + wrapup;
    if (agent.pendingLogout) {
      this.logout(agent, t);
      return;
    }
    const pending = agent.pendingPause;
    if (pending !== null) {
      agent.pendingPause = null;
      this.startPause(agent, t, pending.reason, pending.seconds);
    }
    if (wrapup > 0) {
      this.schedule({ time: t + wrapup, seq: 0, type: 'agentReady', agent });
    } else {
      this.dispatchAgent(agent, t);
    }
  }

  private isAvailable(agent: AgentState, t: number): boolean {
    return agent.loggedIn && !agent.paused && agent.state === 'idle' && agent.availableFrom <= t;
  }

  // ---------------------------------------------------------------- calls

  private newCallId(t: number): string {
    return `${t}.${this.callCounter++}`;
  }

  private arrival(t: number): void {
    this.arrivals++;
    const q = this.queues[this.rnd.weighted(this.queueWeights)] ?? this.queues[0];
    if (q === undefined) return;
    const call: CallState = {
      id: this.newCallId(t),
      queue: q,
      enter: t,
      origPosition: 0,
      state: 'waiting',
      waitToken: 0,
      ringToken: 0,
      agent: null,
      ringStart: 0,
      connectAt: 0,
      holdTime: 0,
      entered: false,
    };
    this.enterQueue(call, q, t);
    if (this.arrivalLimit === null || this.arrivals < this.arrivalLimit) {
      this.scheduleNextArrival();
    }
  }

  private enterQueue(call: CallState, q: QueueState, t: number): void {
    if (q.loggedInMembers === 0 && !q.config.joinEmpty) {
      // joinempty=no with nobody logged in: the caller is turned away, not offered.
      q.counts.rejected++;
      this.emit(t, call.id, q.config.name, 'NONE', 'JOINEMPTY', '1|1|0');
      call.state = 'gone';
      return;
    }
    call.queue = q;
    call.enter = t;
    call.state = 'waiting';
    call.agent = null;
    call.waitToken++;
    q.waiting.push(call);
    call.origPosition = q.waiting.length;
    q.counts.offered++;
    this.inFlight++;
    if (!call.entered) {
      call.entered = true;
      this.uniqueCalls++;
    }
    const callerId = `09${String(this.rnd.int(0, 99_999_999)).padStart(8, '0')}`;
    this.emit(t, call.id, q.config.name, 'NONE', 'ENTERQUEUE', `|${callerId}|${call.origPosition}`);
    const token = call.waitToken;
    const patience = Math.max(1, Math.round(this.rnd.exponential(q.config.meanPatience)));
    this.schedule({ time: t + patience, seq: 0, type: 'abandon', call, token });
    if (q.config.timeout !== null) {
      this.schedule({ time: t + q.config.timeout, seq: 0, type: 'timeout', call, token });
    }
    if (this.rnd.chance(q.config.exitKeyProbability)) {
      this.schedule({ time: t + this.rnd.int(15, 90), seq: 0, type: 'key', call, token });
    }
    this.dispatchCall(call, t);
  }

  /** Rings the longest-idle available member of the call's queue, if any. */
  private dispatchCall(call: CallState, t: number): void {
    if (call.state !== 'waiting') return;
    let best: AgentState | null = null;
    for (const a of call.queue.members) {
      if (this.isAvailable(a, t) && (best === null || a.lastFreeAt < best.lastFreeAt)) best = a;
    }
    if (best !== null) this.ring(call, best, t);
  }

  /** Rings the agent with the best waiting call of its queues (priority, then longest wait). */
  private dispatchAgent(agent: AgentState, t: number): void {
    if (!this.isAvailable(agent, t)) return;
    let best: CallState | null = null;
    for (const q of agent.queues) {
      for (const call of q.waiting) {
        if (call.state !== 'waiting') continue;
        if (
          best === null ||
          q.config.priority > best.queue.config.priority ||
          (q.config.priority === best.queue.config.priority && call.enter < best.enter)
        ) {
          best = call;
        }
        break;
      }
    }
    if (best !== null) this.ring(best, agent, t);
  }

  private ring(call: CallState, agent: AgentState, t: number): void {
    const u = this.rnd.next();
    if (u < P_UNREACHABLE) {
      // The device could not be rung: a 0 ms RINGNOANSWER; the member is skipped for a while.
      agent.unreachable++;
      this.emit(t, call.id, call.queue.config.name, agent.name, 'RINGNOANSWER', '0');
      agent.availableFrom = t + 60;
      this.schedule({ time: t + 60, seq: 0, type: 'agentReady', agent });
      this.dispatchCall(call, t);
      return;
    }
    call.state = 'ringing';
    call.agent = agent;
    call.ringStart = t;
    call.ringToken++;
    agent.state = 'ringing';
    agent.call = call;
    const answer = u >= P_UNREACHABLE + P_RING_NO_ANSWER;
    const ringTime = answer
      ? Math.min(RING_TIMEOUT - 1, 1 + Math.round(this.rnd.exponential(3)))
      : RING_TIMEOUT;
    this.schedule({
      time: t + ringTime,
      seq: 0,
      type: 'ringEnd',
      call,
      token: call.ringToken,
      answer,
    });
  }

  private ringEnd(call: CallState, t: number, answer: boolean): void {
    const agent = call.agent;
    if (agent === null) return;
    const q = call.queue;
    if (!answer) {
      agent.ringNoAnswer++;
      this.emit(
        t,
        call.id,
        q.config.name,
        agent.name,
        'RINGNOANSWER',
        String((t - call.ringStart) * 1000),
      );
      call.state = 'waiting';
      call.agent = null;
      // The member who did not answer is not rung again for 10 s (like a short autopause).
      this.freeAgent(agent, t, 10);
      this.dispatchCall(call, t);
      return;
    }
    // Answered.
    removeFrom(q.waiting, call);
    call.state = 'talking';
    call.waitToken++;
    call.connectAt = t;
    call.holdTime = t - call.enter;
    agent.state = 'talking';
    agent.answered++;
    q.counts.answered++;
    q.counts.holdTimeSum += call.holdTime;
    if (call.holdTime <= this.threshold) q.counts.answeredWithinThreshold++;
    if (call.holdTime > q.counts.maxWait) q.counts.maxWait = call.holdTime;
    this.emit(
      t,
      call.id,
      q.config.name,
      agent.name,
      'CONNECT',
      `${call.holdTime}|${this.newCallId(t)}|${t - call.ringStart}`,
    );
    // Erlang-2 talk time around the queue's mean, at least 3 s.
    const mean = q.config.meanTalk;
    const talk = Math.max(
      3,
      Math.round(this.rnd.exponential(mean / 2) + this.rnd.exponential(mean / 2)),
    );
    this.schedule({ time: t + talk, seq: 0, type: 'callEnd', call, token: call.ringToken });
  }

  private callEnd(call: CallState, t: number): void {
    const agent = call.agent;
    if (agent === null) return;
    const q = call.queue;
    const callTime = t - call.connectAt;
    const tail = `${call.holdTime}|${callTime}|${call.origPosition}`;
    const u = this.rnd.next();
    let reenter: QueueState | null = null;
    if (u < 0.45) {
      this.emit(t, call.id, q.config.name, agent.name, 'COMPLETEAGENT', tail);
    } else if (u < 0.9) {
      this.emit(t, call.id, q.config.name, agent.name, 'COMPLETECALLER', tail);
    } else if (u < 0.96) {
      q.counts.transferred++;
      if (this.queues.length > 1 && this.rnd.chance(0.4)) {
        // Blind transfer to another queue's extension: the same callid enters that queue.
        let target = this.queues[this.rnd.int(0, this.queues.length - 2)];
        if (target === q) target = this.queues[this.queues.length - 1];
        reenter = target ?? null;
        const ext = String(7000 + (target?.index ?? 0));
        this.emit(
          t,
          call.id,
          q.config.name,
          agent.name,
          'BLINDTRANSFER',
          `${ext}|from-queue|${tail}`,
        );
      } else {
        const ext = String(this.rnd.int(2000, 2999));
        this.emit(
          t,
          call.id,
          q.config.name,
          agent.name,
          'BLINDTRANSFER',
          `${ext}|from-internal|${tail}`,
        );
      }
    } else {
      q.counts.transferred++;
      const data = this.rnd.chance(0.8) ? `BRIDGE|${this.uuid()}|${tail}` : `APP|Dial|${tail}`;
      this.emit(t, call.id, q.config.name, agent.name, 'ATTENDEDTRANSFER', data);
    }
    q.counts.ended++;
    q.counts.talkSum += callTime;
    agent.talk += callTime;
    call.state = 'gone';
    this.inFlight--;
    if (reenter !== null) {
      this.inFlight++; // the pending re-entry keeps the run open
      this.schedule({ time: t + 1, seq: 0, type: 'enter', call, queue: reenter });
    }
    this.freeAgent(agent, t, this.wrapup);
  }

  /** The caller leaves the queue unanswered (ABANDON, EXITWITHTIMEOUT, EXITWITHKEY, EXITEMPTY). */
  private exitQueue(
    call: CallState,
    t: number,
    verb: 'ABANDON' | 'EXITWITHTIMEOUT' | 'EXITWITHKEY' | 'EXITEMPTY',
  ): void {
    const q = call.queue;
    const position = q.waiting.indexOf(call) + 1;
    const wait = t - call.enter;
    const agent = call.agent;
    const ringing = call.state === 'ringing' && agent !== null;
    if (ringing) {
      call.ringToken++;
      if (verb === 'ABANDON') {
        agent.ringCanceled++;
        this.emit(
          t,
          call.id,
          q.config.name,
          agent.name,
          'RINGCANCELED',
          String((t - call.ringStart) * 1000),
        );
      }
    }
    removeFrom(q.waiting, call);
    call.state = 'gone';
    call.waitToken++;
    call.agent = null;
    this.inFlight--;
    if (wait > q.counts.maxWait) q.counts.maxWait = wait;
    const tail = `${position}|${call.origPosition}|${wait}`;
    let overflow: QueueState | null = null;
    switch (verb) {
      case 'ABANDON':
        q.counts.abandoned++;
        q.counts.abandonWaitSum += wait;
        if (wait <= this.threshold) q.counts.abandonedWithinThreshold++;
        this.emit(t, call.id, q.config.name, 'NONE', verb, tail);
        break;
      case 'EXITWITHTIMEOUT':
        q.counts.timedOut++;
        this.emit(t, call.id, q.config.name, 'NONE', verb, tail);
        if (q.config.overflow !== null && this.rnd.chance(0.6)) {
          overflow = this.queueByName.get(q.config.overflow) ?? null;
        }
        break;
      case 'EXITWITHKEY':
        q.counts.exitedWithKey++;
        this.emit(
          t,
          call.id,
          q.config.name,
          'NONE',
          verb,
          `${this.rnd.chance(0.7) ? '1' : '0'}|${tail}`,
        );
        break;
      case 'EXITEMPTY':
        q.counts.exitedEmpty++;
        this.emit(t, call.id, q.config.name, 'NONE', verb, tail);
        break;
    }
    if (overflow !== null) {
      this.inFlight++;
      this.schedule({ time: t + 1, seq: 0, type: 'enter', call, queue: overflow });
    }
    if (ringing) this.freeAgent(agent, t, 0);
  }

  private restart(t: number): void {
    this.restarts++;
    this.emit(t, 'NONE', 'NONE', 'NONE', 'QUEUESTART', '');
    for (const q of this.queues) {
      for (const call of q.waiting) {
        q.counts.lost++;
        const wait = t - call.enter;
        if (wait > q.counts.maxWait) q.counts.maxWait = wait;
        call.state = 'gone';
        call.waitToken++;
        call.ringToken++;
        this.inFlight--;
      }
      q.waiting.length = 0;
    }
    for (const agent of this.agents) {
      const call = agent.call;
      if (call === null) continue;
      if (call.state === 'talking') {
        call.queue.counts.cutByRestart++;
        agent.talkCut += t - call.connectAt;
        call.state = 'gone';
        call.ringToken++;
        this.inFlight--;
      }
      this.freeAgent(agent, t, 0);
    }
    this.scheduleRestart(t);
  }

  /** A random (version 4 layout) UUID, as Asterisk names bridges. */
  private uuid(): string {
    const word = () =>
      Math.floor(this.rnd.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    const a = word();
    const b = word();
    const c = word();
    const d = word();
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }

  // ---------------------------------------------------------------- dispatch of events

  private handle(event: SimEvent): void {
    const t = event.time;
    switch (event.type) {
      case 'arrival':
        this.arrival(t);
        return;
      case 'enter':
        this.inFlight--; // the pending re-entry is replaced by the queue-call (or a rejection)
        event.call.state = 'waiting';
        this.enterQueue(event.call, event.queue, t);
        return;
      case 'abandon':
      case 'timeout':
      case 'key': {
        const call = event.call;
        if (
          call.waitToken !== event.token ||
          (call.state !== 'waiting' && call.state !== 'ringing')
        ) {
          return;
        }
        this.exitQueue(
          call,
          t,
          event.type === 'abandon'
            ? 'ABANDON'
            : event.type === 'timeout'
              ? 'EXITWITHTIMEOUT'
              : 'EXITWITHKEY',
        );
        return;
      }
      case 'ringEnd':
        if (event.call.ringToken === event.token && event.call.state === 'ringing') {
          this.ringEnd(event.call, t, event.answer);
        }
        return;
      case 'callEnd':
        if (event.call.ringToken === event.token && event.call.state === 'talking') {
          this.callEnd(event.call, t);
        }
        return;
      case 'agentReady':
        this.dispatchAgent(event.agent, t);
        return;
      case 'login':
        if (!event.agent.loggedIn && event.session === event.agent.session) {
          this.login(event.agent, t);
        }
        return;
      case 'logout': {
        const agent = event.agent;
        if (!agent.loggedIn || event.session !== agent.session) return;
        if (agent.state !== 'idle') agent.pendingLogout = true;
        else this.logout(agent, t);
        return;
      }
      case 'pauseStart': {
        const agent = event.agent;
        if (!agent.loggedIn || event.session !== agent.session || agent.paused) return;
        if (agent.pendingPause !== null || agent.pendingLogout) return;
        if (agent.state !== 'idle') {
          agent.pendingPause = { reason: event.reason, seconds: event.seconds };
        } else {
          this.startPause(agent, t, event.reason, event.seconds);
        }
        return;
      }
      case 'pauseEnd': {
        const agent = event.agent;
        if (agent.loggedIn && agent.paused && agent.pauseToken === event.token) {
          this.endPause(agent, t);
        }
        return;
      }
      case 'restart':
        this.restart(t);
        return;
    }
  }
}

function emptyCounts(): QueueCounts {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    timedOut: 0,
    exitedWithKey: 0,
    exitedEmpty: 0,
    lost: 0,
    rejected: 0,
    transferred: 0,
    answeredWithinThreshold: 0,
    abandonedWithinThreshold: 0,
    holdTimeSum: 0,
    abandonWaitSum: 0,
    maxWait: 0,
    ended: 0,
    talkSum: 0,
    cutByRestart: 0,
  };
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
