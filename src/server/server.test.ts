import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';
import { tokenHeaders } from '../test-support/auth.js';

const dir = mkdtempSync(join(tmpdir(), 'callfloor-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration', () => {
  it('takes flags over environment over the config file, then defaults', () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 9001,
        tz: 'Asia/Taipei',
        slTarget: 0.9,
        alerts: { longestWaitSeconds: 90 },
      }),
    );
    const config = loadConfig(
      { port: '9003' },
      { CALLFLOOR_PORT: '9002', CALLFLOOR_SL_TARGET: '0.85' },
      file,
    );
    expect(config.port).toBe(9003);
    expect(config.slTarget).toBe(0.85);
    expect(config.tz).toBe('Asia/Taipei');
    expect(config.alerts).toEqual({ longestWaitSeconds: 90 });
    expect(config.host).toBe('127.0.0.1');
    expect(config.db).toBe('./data/callfloor.db');
    expect(config.queueLog).toBeNull();
  });

  it('reports every invalid value at once, naming the setting and its variable', () => {
    let error: unknown;
    try {
      loadConfig({ port: 'x' }, { CALLFLOOR_TZ: 'Mars/Base', DATABASE_URL: 'mysql://h/db' }, null);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect((error as ConfigError).problems).toHaveLength(3);
    expect(problems).toContain('port (CALLFLOOR_PORT)');
    expect(problems).toContain('tz (CALLFLOOR_TZ)');
    expect(problems).toContain('databaseUrl (DATABASE_URL)');
  });
});

describe('startServer with no telephony source', () => {
  it('runs the demo floor, says so, streams it over SSE, and stops gracefully', async () => {
    const config = loadConfig(
      { port: '0', db: join(dir, 'demo.db'), webRoot: join(dir, 'no-web') },
      {},
      null,
    );
    const server = await startServer(config, pino({ level: 'silent' }));
    const headers = await tokenHeaders(server.database.db, 'manager');
    try {
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
        mode: string;
        sources: { kind: string; ok: boolean }[];
      };
      expect(health.mode).toBe('demo');
      expect(health.sources).toEqual([expect.objectContaining({ kind: 'demo', ok: true })]);
      const floor = (await (await fetch(`${server.url}/api/floor`, { headers })).json()) as {
        mode: string;
        agents: unknown[];
        queues: { queue: string; today: { offered: number } }[];
      };
      expect(floor.mode).toBe('demo');
      expect(floor.agents).toHaveLength(40); // the simulator's default floor
      expect(floor.queues.reduce((n, q) => n + q.today.offered, 0)).toBeGreaterThan(0);

      const controller = new AbortController();
      const sse = await fetch(`${server.url}/api/live/sse`, {
        signal: controller.signal,
        headers,
      });
      expect(sse.headers.get('content-type')).toContain('text/event-stream');
      const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('\n\n')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += Buffer.from(chunk.value).toString('utf8');
      }
      // Stop with the stream still open: the close must not wait for the client.
      await server.close();
      controller.abort();
      const first = JSON.parse(text.slice('data: '.length, text.indexOf('\n\n'))) as {
        type: string;
      };
      expect(first.type).toBe('snapshot');
    } finally {
      await server.close();
    }
  });

  it('resumes after its stored history when restarted, instead of simulating the hour again', async () => {
    // A second `npm start` once doubled the demo's stored history (occupancy went over 100 %);
    // demo-source.test.ts reproduces it with a 10-minute gap, this checks the whole server.
    const config = loadConfig(
      { port: '0', db: join(dir, 'restart.db'), webRoot: join(dir, 'no-web') },
      {},
      null,
    );
    let headers: Record<string, string> = {};
    const report = async (url: string) => ({
      ...((await (await fetch(`${url}/api/reports/queues`, { headers })).json()) as {
        totals: { offered: number };
      }),
      ...((await (await fetch(`${url}/api/reports/agents`, { headers })).json()) as {
        agents: { agent: string; occupancy: number | null }[];
      }),
    });
    /** The report once the warm-up hour is committed (commits run every second). */
    const settled = async (url: string) => {
      let last = await report(url);
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const next = await report(url);
        if (next.totals.offered > 100 && next.totals.offered === last.totals.offered) return next;
        last = next;
      }
      return last;
    };
    const first = await startServer(config, pino({ level: 'silent' }));
    headers = await tokenHeaders(first.database.db, 'manager');
    let before: Awaited<ReturnType<typeof report>>;
    try {
      before = await settled(first.url);
    } finally {
      await first.close();
    }
    const second = await startServer(config, pino({ level: 'silent' }));
    try {
      const after = await settled(second.url);
      expect(before.totals.offered).toBeGreaterThan(100);
      // At most a few seconds of new calls (a call every ~5 s), not another hour of them.
      expect(after.totals.offered - before.totals.offered).toBeLessThan(10);
      for (const agent of after.agents) {
        expect(agent.occupancy ?? 0, agent.agent).toBeLessThanOrEqual(1);
      }
    } finally {
      await second.close();
    }
  });

  it('gives the QA page demo transcripts, linked to demo calls and scored like uploads', async () => {
    // The demo floor once had no transcripts at all: the QA page was empty for a newcomer.
    const config = loadConfig(
      { port: '0', db: join(dir, 'demo-qa.db'), webRoot: join(dir, 'no-web') },
      {},
      null,
    );
    interface Summary {
      externalId: string;
      callId: string | null;
      agent: string | null;
      language: string;
      score: number | null;
      critical: boolean;
      failed: string[];
    }
    const evaluations = async (url: string, headers: Record<string, string>) =>
      (
        (await (await fetch(`${url}/api/qa/evaluations?limit=500`, { headers })).json()) as {
          evaluations: Summary[];
        }
      ).evaluations.sort((a, b) => a.externalId.localeCompare(b.externalId));
    const first = await startServer(config, pino({ level: 'silent' }));
    let before: Summary[];
    try {
      const headers = await tokenHeaders(first.database.db, 'manager');
      before = await evaluations(first.url, headers);
      // Scores: 6 applicable checks with one failed = 5/6; 8 with one failed = 7/8; E09 is critical.
      expect(before.map((e) => [e.externalId, e.language, e.failed, e.score, e.critical])).toEqual([
        ['demo-qa-1', 'zh-Hant', [], 1, false],
        ['demo-qa-2', 'zh-Hant', ['E01'], 5 / 6, false],
        ['demo-qa-3', 'zh-Hans', [], 1, false],
        ['demo-qa-4', 'zh-Hans', ['E11'], 7 / 8, false],
        ['demo-qa-5', 'en', [], 1, false],
        ['demo-qa-6', 'en', ['E12'], 7 / 8, false],
        ['demo-qa-7', 'en', [], 1, false],
        ['demo-qa-8', 'zh-Hans', ['E09'], 0, true],
      ]);
      // Each is linked to a stored answered demo call, its agent the demo person who took it (the
      // last one when the call was transferred: the transcript ends with them).
      const calls = (
        (await (await fetch(`${first.url}/api/calls`, { headers })).json()) as {
          calls: { callId: string; agent: string | null; outcome: string }[];
        }
      ).calls;
      for (const e of before) {
        const call = calls.filter((c) => c.callId === e.callId && c.outcome === 'answered').at(-1);
        expect(call, e.externalId).toBeDefined();
        expect(e.agent).toBe(call!.agent);
        expect(e.agent).toMatch(/^10[0-4]\d$/);
      }
      // The critical failure is on the floor as a QA alert.
      const floor = (await (await fetch(`${first.url}/api/floor`, { headers })).json()) as {
        alerts: { rule: string; norm: string; agent: string | null }[];
      };
      expect(floor.alerts.filter((a) => a.rule === 'qa.critical')).toEqual([
        expect.objectContaining({ norm: 'E09', agent: before[7]!.agent }),
      ]);
    } finally {
      await first.close();
    }
    // Restarted on the same database: the same evaluations, none added.
    const second = await startServer(config, pino({ level: 'silent' }));
    try {
      const headers = await tokenHeaders(second.database.db, 'manager');
      expect(await evaluations(second.url, headers)).toEqual(before);
    } finally {
      await second.close();
    }
  });
});
