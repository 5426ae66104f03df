/**
 * Configuration of the simulated call-centre floor (queues, agents, shifts, rates), with realistic
 * defaults for a demo floor: 40 agents, 4 queues (sales, support, billing, vip).
 */

/** One simulated Asterisk queue (the settings mirror `queues.conf` where one exists). */
export interface SimQueueConfig {
  /** Queue name as written in queue_log. */
  readonly name: string;
  /** Relative share of arriving callers (any non-negative number). */
  readonly weight: number;
  /** Mean talk time (calltime), seconds; talk times are Erlang-2 distributed around it. */
  readonly meanTalk: number;
  /** Mean caller patience before abandoning, seconds (exponential). */
  readonly meanPatience: number;
  /** Queue timeout (the `Queue()` timeout argument), seconds; `null` = callers never time out. */
  readonly timeout: number | null;
  /** Queue a timed-out caller is sent to next (same callid, new queue-call), or `null`. */
  readonly overflow: string | null;
  /** Probability that a waiting caller presses a key to leave (EXITWITHKEY, e.g. for voicemail). */
  readonly exitKeyProbability: number;
  /** `queues.conf` joinempty: `false` rejects callers (JOINEMPTY) when no member is logged in. */
  readonly joinEmpty: boolean;
  /** `queues.conf` leavewhenempty: waiting callers leave (EXITEMPTY) when the last member logs off. */
  readonly leaveWhenEmpty: boolean;
  /** An agent in several queues serves the highest priority first (like `QUEUE_PRIO`/weight). */
  readonly priority: number;
}

/** One simulated agent (queue member). */
export interface SimAgentConfig {
  /** Member name as written in queue_log's agent field, e.g. `PJSIP/1001`. */
  readonly name: string;
  /** Queues the agent logs into (ADDMEMBER one line per queue). */
  readonly queues: readonly string[];
  /** Shift start, minutes after local midnight (time-of-day mode only). */
  readonly shiftStartMinute?: number;
  /** Shift length, minutes (time-of-day mode only). */
  readonly shiftMinutes?: number;
}

/** Options common to the batch generator and the live simulator. */
export interface SimulationOptions {
  /** PRNG seed (unsigned 32-bit integer; see `createRandom`). */
  readonly seed: number;
  /** Epoch seconds at which the simulation starts (integer part is used). */
  readonly startEpoch: number;
  /** Queues; default {@link DEFAULT_QUEUES}. */
  readonly queues?: readonly SimQueueConfig[];
  /** Agent count (names `PJSIP/1001`…, queues assigned by workload) or explicit agents; default 40. */
  readonly agents?: number | readonly SimAgentConfig[];
  /**
   * `true`: arrivals follow a time-of-day and day-of-week curve and agents work fixed shifts
   * (a realistic multi-day log); `false`: a flat arrival rate and agents who log in within the first
   * 10 s and cycle through sessions of 3–8 h (a live demo floor). Default: `true` for `generate`,
   * `false` for the live simulator.
   */
  readonly timeOfDay?: boolean;
  /** Local time offset from UTC in minutes, for the time-of-day curve and shifts; default 0. */
  readonly utcOffsetMinutes?: number;
  /**
   * Multiplies the arrival rate. At 1 the rate is derived from staffing so that agents run at about
   * 85 % occupancy (a realistic, slightly stressed floor). Default 1.
   */
  readonly rateScale?: number;
  /**
   * Multiplies every queue's mean talk time (and so, through staffing, the arrival rate). Default 1
   * for `generate`, 0.5 for the live simulator (a busier demo wallboard: a call every ~5 s).
   */
  readonly talkScale?: number;
  /** Seconds of wrap-up (`wrapuptime`) after each call before the agent can be rung again; default 5. */
  readonly wrapupSeconds?: number;
  /** Mean days between Asterisk restarts (QUEUESTART mid-log); 0 = never. Default 0. */
  readonly restartEveryDays?: number;
  /** Service-level threshold for the ground truth's `answeredWithinThreshold`, seconds; default 20. */
  readonly serviceLevelThreshold?: number;
}

/** The default queues of the demo floor. */
export const DEFAULT_QUEUES: readonly SimQueueConfig[] = [
  {
    name: 'sales',
    weight: 35,
    meanTalk: 180,
    meanPatience: 120,
    timeout: 300,
    overflow: null,
    exitKeyProbability: 0.03,
    joinEmpty: false,
    leaveWhenEmpty: true,
    priority: 1,
  },
  {
    name: 'support',
    weight: 35,
    meanTalk: 300,
    meanPatience: 160,
    timeout: 600,
    overflow: null,
    exitKeyProbability: 0.05,
    joinEmpty: true,
    leaveWhenEmpty: false,
    priority: 1,
  },
  {
    name: 'billing',
    weight: 20,
    meanTalk: 200,
    meanPatience: 100,
    timeout: 240,
    overflow: 'support',
    exitKeyProbability: 0.02,
    joinEmpty: false,
    leaveWhenEmpty: true,
    priority: 1,
  },
  {
    name: 'vip',
    weight: 10,
    meanTalk: 240,
    meanPatience: 200,
    timeout: 120,
    overflow: 'support',
    exitKeyProbability: 0,
    joinEmpty: true,
    leaveWhenEmpty: false,
    priority: 2,
  },
];

/** Default number of agents. */
export const DEFAULT_AGENT_COUNT = 40;

/** Pause reasons the simulator uses (as agents pick them in a typical softphone/agent panel). */
export const PAUSE_REASONS = ['Break', 'Lunch', 'Training', 'Meeting', 'Coaching', ''] as const;
