/**
 * Crash safety of live ingest: the real server process follows a queue_log that is being appended
 * to, is killed with SIGKILL mid-ingest, restarted, and must end with exactly the events and
 * records of an uninterrupted run: nothing lost, nothing doubled. And a restart keeps the open
 * floor alerts (id and since) instead of raising them again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLiveSimulator } from '../core/simulation/index.js';
import { defaultStatsSettings } from '../core/stats/report.js';
import { parseQueueLogLine } from '../core/telephony/queue-log.js';
import type { TelephonyEvent } from '../core/telephony/events.js';
import { LiveEngine } from './ingest/live-engine.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'callfloor-restart-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

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

function startServer(
  port: number,
  db: string,
  log: string,
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src', 'test-support', 'cli-entry.ts'),
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
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CALLFLOOR_CONFIG: '', ...env },
    },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString()}`));
  children.push(child);
  return child;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  tries = 2400,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function counts(db: string): { events: number; calls: number; segments: number } | null {
  try {
    const sqlite = new SQLite(db, { readonly: true, fileMustExist: true });
    try {
      const one = (sql: string): number => (sqlite.prepare(sql).get() as { n: number }).n;
      return {
        events: one('select count(*) as n from event'),
        calls: one('select count(*) as n from queue_call'),
        segments: one('select count(*) as n from agent_segment'),
      };
    } finally {
      sqlite.close();
    }
  } catch {
    return null; // not created or not migrated yet
  }
}

function keys(db: string): { calls: string[]; segments: string[] } {
  const sqlite = new SQLite(db, { readonly: true });
  try {
    const calls = (
      sqlite.prepare('select call_id, queue, outcome, wait, talk from queue_call').all() as Record<
        string,
        unknown
      >[]
    ).map((r) => JSON.stringify([r.call_id, r.queue, r.outcome, r.wait, r.talk]));
    const segments = (
      sqlite
        .prepare('select agent, kind, reason, start_at, end_at from agent_segment')
        .all() as Record<string, unknown>[]
    ).map((r) => JSON.stringify([r.agent, r.kind, r.reason, r.start_at, r.end_at]));
    return { calls: calls.sort(), segments: segments.sort() };
  } finally {
    sqlite.close();
  }
}

describe('kill -9 during live ingest', () => {
  it('restarts from the checkpoint with identical counts: nothing lost or doubled', async () => {
    // A realistic hour of a 40-agent floor, written as the past hour.
    const start = Math.floor(Date.now() / 1000) - 3 * 3600;
    const sim = createLiveSimulator({ seed: 42, startEpoch: start });
    const lines = sim.advance(start + 3600);
    expect(lines.length).toBeGreaterThan(2000);

    // The reference: the same lines through the engine in one uninterrupted run.
    const events: TelephonyEvent[] = lines.map((l) => {
      const parsed = parseQueueLogLine(l);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.event;
    });
    const reference = LiveEngine.create({
      settings: { ...defaultStatsSettings(), timeZone: 'UTC' },
      aliases: new Map(),
      reorderWindow: 2,
    });
    reference.accept('ref', events, null, 0);
    reference.flushHeld();
    const ref = reference.takeCommit();
    const refCalls = ref.records.queueCalls
      .map((r) => JSON.stringify([r.callId, r.queue, r.outcome, r.wait, r.talk]))
      .sort();
    const refSegments = ref.records.segments
      .map((s) => JSON.stringify([s.agent, s.kind, s.reason, s.start, s.end]))
      .sort();

    const log = join(dir, 'queue_log');
    const db = join(dir, 'callfloor.db');
    writeFileSync(log, lines.slice(0, 200).join('\n') + '\n');
    const port = await freePort();
    const first = startServer(port, db, log);
    await waitFor('first start', () => ((counts(db)?.events ?? 0) >= 200 ? true : null));

    // Append in small chunks; kill -9 once part of it is committed, while appends continue.
    let next = 200;
    const appendSome = (n: number): void => {
      const chunk = lines.slice(next, next + n);
      if (chunk.length > 0) appendFileSync(log, chunk.join('\n') + '\n');
      next += chunk.length;
    };
    const killAt = Math.floor(lines.length * 0.4);
    let killed = false;
    while (next < lines.length) {
      appendSome(25);
      await new Promise((r) => setTimeout(r, 10));
      if (!killed && (counts(db)?.events ?? 0) >= killAt) {
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
        killed = true;
        // A half-written last line at the moment of the crash.
        const partial = lines[next]!;
        appendFileSync(log, partial.slice(0, 10));
        appendFileSync(log, partial.slice(10) + '\n');
        next++;
      }
    }
    expect(killed).toBe(true);
    const afterCrash = counts(db)!;
    expect(afterCrash.events).toBeLessThan(lines.length);

    const second = startServer(port, db, log);
    const final = await waitFor('catch-up', async () => {
      const c = counts(db);
      if (c === null || c.events < lines.length) return null;
      await new Promise((r) => setTimeout(r, 1500)); // the reorder window and one more commit
      return counts(db);
    });
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    expect(final.events).toBe(lines.length);
    const stored = keys(db);
    expect(stored.calls).toHaveLength(refCalls.length);
    expect(stored.calls).toEqual(refCalls);
    expect(stored.segments).toEqual(refSegments);
  }, 300_000);
});

/** An open alert as `GET /api/floor` shows it (the fields compared over a restart). */
interface ShownAlert {
  readonly id: string;
  readonly rule: string;
  readonly since: number;
}

describe('a restart keeps the floor alerts', () => {
  it('after a restart, open alerts come back with their id and since (bug: raised again as new)', async () => {
    const token = 'restart-test-admin-token-0123456789';
    const floorAlerts = async (port: number): Promise<ShownAlert[] | null> => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/floor`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (response.status !== 200) return null;
        const body = (await response.json()) as { alerts: ShownAlert[] };
        // queue.longest_wait may open during the test (its id is deterministic anyway).
        return body.alerts
          .filter((a) => a.rule !== 'queue.longest_wait')
          .map((a) => ({ id: a.id, rule: a.rule, since: a.since }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
      } catch {
        return null; // not listening yet
      }
    };
    // 1001 has been on a break for 15 min (R12 at 10 min); a caller has waited 30 s in sales, whose
    // only agent is paused (S2 no agents, and service level 0 % as the wait is over the 20 s
    // threshold: both take as since the first evaluation that saw them).
    const now = Math.floor(Date.now() / 1000);
    const log = join(dir, 'alerts_queue_log');
    const db = join(dir, 'alerts.db');
    writeFileSync(
      log,
      [
        `${now - 1200}|NONE|sales|PJSIP/1001|ADDMEMBER|`,
        `${now - 900}|NONE|sales|PJSIP/1001|PAUSE|Break`,
        `${now - 30}|w1|sales|NONE|ENTERQUEUE||0911222333|1`,
      ].join('\n') + '\n',
    );
    const port = await freePort();
    const env = { CALLFLOOR_ADMIN_TOKEN: token };
    const first = startServer(port, db, log, env);
    const before = await waitFor('the alerts', async () => {
      const alerts = await floorAlerts(port);
      const rules = new Set(alerts?.map((a) => a.rule));
      return rules.has('queue.no_agents') && rules.has('queue.service_level') ? alerts : null;
    });
    expect(before).toContainEqual({
      id: `absence.unapproved:PJSIP/1001:${(now - 300) * 1000}`,
      rule: 'absence.unapproved',
      since: (now - 300) * 1000,
    });
    first.kill('SIGTERM');
    await new Promise((r) => first.once('exit', r));

    const second = startServer(port, db, log, env);
    const atRestart = await waitFor('the restart', () => floorAlerts(port));
    expect(atRestart).toEqual(before);
    // Still the same after the ticks that follow (no alert raised again with a new since).
    await new Promise((r) => setTimeout(r, 2500));
    expect(await floorAlerts(port)).toEqual(before);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }, 120_000);
});
