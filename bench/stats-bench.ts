/**
 * `npm run bench`: speed and memory of `callfloor stats` on a large deterministic synthetic
 * queue_log, against a same-run baseline (an awk one-liner counting events by queue and type).
 *
 *   npm run bench                      # 200k-call log, 3 runs each, medians
 *   npm run bench -- --big             # and a 2M-call log for peak memory
 *   npm run bench -- --calls 50000 --runs 1 --stats-cmd "node bin/callfloor.js stats {file} --json"
 *
 * Targets (docs/notes/bench.md): stats wall time ≤ 2 × awk; peak RSS < 300 MB on the 2M-call log.
 * Figures are printed, never asserted. The temporary folder is removed at the end (also on Ctrl-C).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import {
  DEFAULT_QUEUES,
  generate,
  type GroundTruth,
  type SimQueueConfig,
} from '../src/core/simulation/index.js';

const AWK_PROGRAM = `{c[$3"|"$5]++} END {for (k in c) print k, c[k]}`;
const DEFAULT_STATS_CMD = 'node bin/callfloor.js stats {file} --json --tz UTC';
const RATIO_TARGET = 2;
const RSS_TARGET_MB = 300;

/** Six queues: the demo four plus two more, so agents spread over several queues. */
const BENCH_QUEUES: readonly SimQueueConfig[] = [
  ...DEFAULT_QUEUES,
  {
    name: 'retention',
    weight: 10,
    meanTalk: 420,
    meanPatience: 140,
    timeout: 360,
    overflow: 'sales',
    exitKeyProbability: 0.02,
    joinEmpty: false,
    leaveWhenEmpty: true,
    priority: 1,
  },
  {
    name: 'tech',
    weight: 15,
    meanTalk: 540,
    meanPatience: 240,
    timeout: 900,
    overflow: 'support',
    exitKeyProbability: 0.06,
    joinEmpty: true,
    leaveWhenEmpty: false,
    priority: 1,
  },
];

interface Measure {
  /** Wall-clock seconds. */
  readonly wall: number;
  /** User + system CPU seconds of the child. */
  readonly cpu: number;
  /** Peak resident set size, MB. */
  readonly rssMb: number;
}

interface Run {
  readonly measure: Measure;
  readonly exitCode: number;
  readonly stdoutFile: string;
  readonly stderr: string;
}

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    big: { type: 'boolean', default: false },
    'big-calls': { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20260101' },
    agents: { type: 'string', default: '150' },
    'stats-cmd': { type: 'string', default: DEFAULT_STATS_CMD },
  },
});

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`stats-bench: --${name} must be a positive integer, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const calls = positiveInt(args.calls, 'calls');
const bigCalls = positiveInt(args['big-calls'], 'big-calls');
const runs = positiveInt(args.runs, 'runs');
const seed = positiveInt(args.seed, 'seed');
const agents = positiveInt(args.agents, 'agents');
const statsTemplate = args['stats-cmd'].trim().split(/\s+/);
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const dir = mkdtempSync(join(tmpdir(), 'callfloor-bench-'));
function cleanup(): void {
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

/** Writes the synthetic log; returns its ground truth, size and generation time. */
function writeLog(file: string, n: number): { truth: GroundTruth; bytes: number; seconds: number } {
  const started = performance.now();
  const log = generate({
    seed,
    calls: n,
    startEpoch: Date.UTC(2026, 0, 5) / 1000,
    queues: BENCH_QUEUES,
    agents,
    restartEveryDays: 30,
  });
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    for (const chunk of log.chunks(16384)) {
      const buffer = Buffer.from(chunk, 'utf8');
      writeSync(fd, buffer);
      bytes += buffer.length;
    }
  } finally {
    closeSync(fd);
  }
  return { truth: log.truth(), bytes, seconds: (performance.now() - started) / 1000 };
}

/**
 * Runs a command with stdout to a file, measuring wall time, CPU time (user + sys) and peak RSS with
 * GNU time (`/usr/bin/time -f '%e %M %U %S'`) when present. Without it, peak RSS comes from polling
 * /proc/PID/status (VmHWM) every 20 ms, wall time from the parent's clock, and CPU time is n/a.
 */
function measure(command: readonly string[], label: string): Promise<Run> {
  const stdoutFile = join(dir, `${label}.out`);
  const timeFile = join(dir, `${label}.time`);
  const out = openSync(stdoutFile, 'w');
  const [cmd, ...rest] = timeBinary
    ? [timeBinary, '-f', '%e %M %U %S', '-o', timeFile, ...command]
    : command;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd ?? 'false', rest, { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < 4000) stderr += b.toString('utf8');
    });
    let peakKb = 0;
    const poll = timeBinary
      ? null
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const m = /VmHWM:\s+(\d+)/.exec(status);
            if (m) peakKb = Math.max(peakKb, Number(m[1]));
          } catch {
            // the child has exited
          }
        }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      closeSync(out);
      const wallMeasured = (performance.now() - started) / 1000;
      let m: Measure = { wall: wallMeasured, cpu: Number.NaN, rssMb: peakKb / 1024 };
      if (timeBinary) {
        const fields = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)?.split(' ') ?? [];
        const [wall, kb, user, sys] = fields.map(Number);
        m = {
          wall: wall ?? wallMeasured,
          cpu: (user ?? 0) + (sys ?? 0),
          rssMb: (kb ?? 0) / 1024,
        };
      }
      resolve({ measure: m, exitCode: code ?? 1, stdoutFile, stderr });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianOf(measures: readonly Measure[]): Measure {
  return {
    wall: median(measures.map((m) => m.wall)),
    cpu: median(measures.map((m) => m.cpu)),
    rssMb: median(measures.map((m) => m.rssMb)),
  };
}

/** Compares the stats JSON with the simulator's ground truth; returns the mismatches. */
function checkStats(file: string, truth: GroundTruth): string[] {
  const problems: string[] = [];
  let report: {
    schema?: string;
    input?: { lines?: number; malformed?: number };
    queues?: { queue: string; [k: string]: unknown }[];
    agents?: { agent: string; [k: string]: unknown }[];
  };
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as typeof report;
  } catch (error) {
    return [`stats output is not JSON: ${(error as Error).message}`];
  }
  if (report.schema !== 'callfloor.stats/v1') problems.push(`schema is ${report.schema}`);
  if (report.input?.lines !== truth.lines) {
    problems.push(`input.lines ${report.input?.lines} ≠ ${truth.lines}`);
  }
  if (report.input?.malformed !== 0) problems.push(`input.malformed ${report.input?.malformed}`);
  const queueFields = [
    'offered',
    'answered',
    'abandoned',
    'timedOut',
    'exitedWithKey',
    'exitedEmpty',
    'lost',
    'rejected',
    'transferred',
    'answeredWithinThreshold',
  ] as const;
  for (const q of truth.queues) {
    const got = report.queues?.find((x) => x.queue === q.queue);
    for (const f of queueFields) {
      if (got?.[f] !== q[f]) problems.push(`${q.queue}.${f} ${String(got?.[f])} ≠ ${q[f]}`);
    }
  }
  for (const a of truth.agents) {
    const got = report.agents?.find((x) => x.agent === a.agent);
    for (const f of ['answered', 'ringNoAnswer', 'unreachable', 'loggedIn', 'paused'] as const) {
      if (got?.[f] !== a[f]) problems.push(`${a.agent}.${f} ${String(got?.[f])} ≠ ${a[f]}`);
    }
    // kpi.md "Restart": a call cut by QUEUESTART ends there, its talk running to the restart.
    const talk = a.talk + a.talkCutByRestart;
    if (got?.talk !== talk) problems.push(`${a.agent}.talk ${String(got?.talk)} ≠ ${talk}`);
  }
  return problems;
}

/** awk's output must count as many ENTERQUEUE lines per queue as the simulator offered. */
function checkAwk(file: string, truth: GroundTruth): string[] {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (m) counts.set(m[1] ?? '', Number(m[2]));
  }
  return truth.queues
    .filter((q) => (counts.get(`${q.queue}|ENTERQUEUE`) ?? 0) !== q.offered)
    .map((q) => `awk ${q.queue}|ENTERQUEUE ${counts.get(`${q.queue}|ENTERQUEUE`)} ≠ ${q.offered}`);
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');

interface Outcome {
  readonly failed: boolean;
}

async function benchOne(n: number, label: string, measureAwk: boolean): Promise<Outcome> {
  const file = join(dir, `queue_log-${label}`);
  process.stderr.write(`[${label}] generating ${fmtInt(n)} calls … `);
  const { truth, bytes, seconds } = writeLog(file, n);
  process.stderr.write(
    `${fmtInt(truth.lines)} lines, ${fmt(bytes / 1e6, 1)} MB in ${fmt(seconds, 1)} s\n`,
  );

  const awkRuns: Measure[] = [];
  if (measureAwk) {
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`[${label}] awk run ${i + 1}/${runs}\n`);
      const r = await measure(['awk', '-F|', AWK_PROGRAM, file], `awk-${label}-${i}`);
      if (r.exitCode !== 0) throw new Error(`awk failed (${r.exitCode}): ${r.stderr}`);
      const problems = checkAwk(r.stdoutFile, truth);
      if (problems.length > 0) throw new Error(`awk counts disagree: ${problems.join('; ')}`);
      awkRuns.push(r.measure);
    }
  }
  const statsRuns: Measure[] = [];
  let failure: string | null = null;
  let problems: string[] = [];
  const command = statsTemplate.map((part) => part.replaceAll('{file}', file));
  for (let i = 0; i < runs && failure === null; i++) {
    process.stderr.write(`[${label}] stats run ${i + 1}/${runs}\n`);
    const r = await measure(command, `stats-${label}-${i}`);
    if (r.exitCode !== 0) {
      failure = `exit ${r.exitCode}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
      break;
    }
    if (i === 0) problems = checkStats(r.stdoutFile, truth);
    statsRuns.push(r.measure);
  }
  rmSync(file, { force: true });

  const table = new Table({
    style: { head: [], border: [] },
    head: [
      `${label}: ${fmtInt(n)} calls, ${fmtInt(truth.lines)} lines`,
      'wall s',
      'CPU s',
      'peak RSS MB',
      'lines/s',
    ],
  });
  const row = (name: string, m: Measure) => [
    name,
    fmt(m.wall),
    fmt(m.cpu),
    fmt(m.rssMb, 1),
    fmtInt(truth.lines / m.wall),
  ];
  const awk = awkRuns.length > 0 ? medianOf(awkRuns) : null;
  const stats = statsRuns.length > 0 ? medianOf(statsRuns) : null;
  if (awk) table.push(row(`awk (median of ${runs})`, awk));
  if (stats) table.push(row(`callfloor stats (median of ${runs})`, stats));
  if (awk && stats) {
    table.push([
      'ratio stats / awk',
      `${fmt(stats.wall / awk.wall)}×`,
      `${fmt(stats.cpu / awk.cpu)}×`,
      `${fmt(stats.rssMb / awk.rssMb, 1)}×`,
      '',
    ]);
  }
  console.log(table.toString());
  console.log(
    `  log: ${fmt(bytes / 1e6, 1)} MB, ${truth.queues.length} queues, ${truth.agents.length} agents, generated in ${fmt(seconds, 1)} s`,
  );
  console.log(`  stats command: ${statsTemplate.join(' ')}`);
  let failed = false;
  if (failure !== null) {
    console.log(`  stats FAILED: ${failure}`);
    failed = true;
  } else {
    console.log(
      problems.length === 0
        ? '  stats output checked against the simulator ground truth: all queue and agent counts match'
        : `  stats output differs from the ground truth (${problems.length}): ${problems.slice(0, 8).join('; ')}`,
    );
  }
  if (awk && stats) {
    const ratio = stats.wall / awk.wall;
    console.log(
      `  target wall time ≤ ${RATIO_TARGET}× awk: ${ratio <= RATIO_TARGET ? 'met' : 'NOT met'} (${fmt(ratio)}×; CPU ${fmt(stats.cpu / awk.cpu)}×)`,
    );
  }
  if (stats && label === 'big') {
    console.log(
      `  target peak RSS < ${RSS_TARGET_MB} MB: ${stats.rssMb < RSS_TARGET_MB ? 'met' : 'NOT met'} (${fmt(stats.rssMb, 1)} MB)`,
    );
  }
  console.log('');
  return { failed };
}

const outcomes: Outcome[] = [];
try {
  console.log(
    `callfloor stats benchmark — node ${process.version}, measured with ${timeBinary ?? '/proc VmHWM polling'}`,
  );
  console.log('');
  outcomes.push(await benchOne(calls, 'standard', true));
  if (args.big) outcomes.push(await benchOne(bigCalls, 'big', true));
} finally {
  cleanup();
}
process.exitCode = outcomes.some((o) => o.failed) ? 1 : 0;
