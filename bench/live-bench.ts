/**
 * `npm run bench:live`: live-floor latency and footprint.
 *
 * Starts the built server (`node bin/callfloor.js serve`) on a temp SQLite database following a temp
 * queue_log, connects 20 WebSocket clients to /api/live, and appends a simulated 500-agent floor's
 * lines at 50 lines/s for 60 s. Latency is measured from the append of a line to the first client
 * message that shows its effect: an ENTERQUEUE (the caller appears in the queue's waitingCalls) or a
 * CONNECT (the agent shows the call). Prints p50/p99 over every client, the server's CPU (share of
 * one core) and RSS, against the targets p99 < 250 ms and RSS < 300 MB.
 *
 * Options (environment): BENCH_SECONDS (60), BENCH_RATE (50), BENCH_CLIENTS (20), BENCH_AGENTS (500).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createLiveSimulator } from '../src/core/simulation/index.js';

/** The bench signs in with a first-start admin token (the admin sees the whole floor). */
const BENCH_TOKEN = 'live-bench-admin-token-0123456789';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 500);
const WARMUP_SIM_SECONDS = 300;
const ROOT = join(import.meta.dirname, '..');

interface Probe {
  kind: 'enter' | 'connect';
  callId: string;
  queue: string;
  agent: string;
  appendedAt: number;
  /** Clients that have seen it. */
  seen: Set<number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function procStats(pid: number): { cpuSeconds: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number =>
    Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'callfloor-bench-'));
  const log = join(dir, 'queue_log');
  const db = join(dir, 'callfloor.db');
  const total = SECONDS * RATE;
  // Sim time runs faster than 50 lines/s needs; put the stream in the past so it ends near now.
  const now = Math.floor(Date.now() / 1000);
  const sim = createLiveSimulator({ seed: 2026, startEpoch: now - 4000, agents: AGENTS });
  const warmup = sim.advance(now - 4000 + WARMUP_SIM_SECONDS);
  const stream: string[] = [];
  for (let t = now - 4000 + WARMUP_SIM_SECONDS + 60; stream.length < total; t += 60) {
    stream.push(...sim.advance(t));
  }
  stream.length = total;
  writeFileSync(log, `${warmup.join('\n')}\n`);

  const port = await freePort();
  const server = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'callfloor.js'),
      'serve',
      '--port',
      String(port),
      '--db',
      db,
      '--queue-log',
      log,
      '--tz',
      'UTC',
      '--log-level',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CALLFLOOR_ADMIN_TOKEN: BENCH_TOKEN },
    },
  );
  const pid = server.pid!;
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${base}/api/floor`, { headers });
      const floor = (await res.json()) as { agents: unknown[] };
      if (floor.agents.length >= Math.min(AGENTS, 10)) break;
    } catch {
      // not up yet
    }
    if (i > 600) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  const probes = new Map<string, Probe>(); // key: kind|callId
  let probeCount = 0;
  const latencies: number[] = [];
  let messages = 0;
  const sockets: WebSocket[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers });
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      messages++;
      const msg = JSON.parse(data.toString('utf8')) as {
        type: string;
        data: {
          queue?: string;
          agent?: string;
          callId?: string | null;
          waitingCalls?: { callId: string }[];
        };
      };
      if (msg.type === 'queue') {
        for (const w of msg.data.waitingCalls ?? []) {
          const probe = probes.get(`enter|${w.callId}`);
          if (probe !== undefined && !probe.seen.has(c)) {
            probe.seen.add(c);
            latencies.push(at - probe.appendedAt);
          }
        }
      } else if (msg.type === 'agent' && msg.data.callId) {
        const probe = probes.get(`connect|${msg.data.callId}`);
        if (probe !== undefined && probe.agent === msg.data.agent && !probe.seen.has(c)) {
          probe.seen.add(c);
          latencies.push(at - probe.appendedAt);
        }
      }
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    sockets.push(ws);
  }
  await new Promise((r) => setTimeout(r, 1000));

  const before = procStats(pid);
  let peakRss = before.rssMb;
  const started = performance.now();
  for (let i = 0; i < stream.length; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const line = stream[i]!;
    const f = line.split('|');
    const appendedAt = performance.now();
    if (f[4] === 'ENTERQUEUE' || f[4] === 'CONNECT') {
      probeCount++;
      const kind = f[4] === 'ENTERQUEUE' ? 'enter' : 'connect';
      probes.set(`${kind}|${f[1]}`, {
        kind,
        callId: f[1]!,
        queue: f[2]!,
        agent: f[3]!,
        appendedAt,
        seen: new Set(),
      });
    }
    appendFileSync(log, `${line}\n`);
    if (i % RATE === 0) peakRss = Math.max(peakRss, procStats(pid).rssMb);
  }
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1500));
  const after = procStats(pid);
  peakRss = Math.max(peakRss, after.rssMb);

  for (const ws of sockets) ws.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  const expected = probeCount * CLIENTS;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const cpu = (after.cpuSeconds - before.cpuSeconds) / elapsed;
  const lines = [
    `callfloor live bench: ${AGENTS} agents, ${stream.length} lines appended at ${RATE}/s over ${elapsed.toFixed(1)} s, ${CLIENTS} WebSocket clients`,
    `  latency append → client message: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms` +
      ` (${latencies.length} samples of ${expected} expected; target p99 < 250 ms: ${p99 < 250 ? 'met' : 'MISSED'})`,
    `  server CPU: ${(cpu * 100).toFixed(1)} % of one core over the run`,
    `  server RSS: ${after.rssMb.toFixed(0)} MB at the end, peak sampled ${peakRss.toFixed(0)} MB, high-water ${after.hwmMb.toFixed(0)} MB` +
      ` (target < 300 MB: ${after.hwmMb < 300 ? 'met' : 'MISSED'})`,
    `  messages received by all clients: ${messages}`,
  ];
  console.log(lines.join('\n'));
}

await main();
