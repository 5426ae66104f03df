/**
 * `serve` with the live connectors over real TCP (fake AMI and FreeSWITCH servers on 127.0.0.1):
 * events reach the floor and the stored records; with a queue_log too, nothing is counted twice
 * and holds are attached to the queue_log's calls; the `source.silent` alert is raised and cleared.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { countEvents } from '../db/ingest.repository.js';
import { callHolds } from '../db/records.repository.js';
import { waitFor } from '../io/connectors/test-support/collect.js';
import { FakeAmiServer, type PacketFields } from '../io/connectors/test-support/fake-ami-server.js';
import { FakeEslServer } from '../io/connectors/test-support/fake-esl-server.js';
import {
  SCENARIO_AMI_12,
  SCENARIO_FREESWITCH,
  SCENARIO_FREESWITCH_QUEUE_LOG,
  SCENARIO_QUEUE_LOG,
  T,
} from '../io/connectors/test-support/scenarios.js';
import { tokenHeaders, type AuthHeaders } from '../test-support/auth.js';
import { ConfigError, loadConfig } from './config.js';
import { startServer, type RunningServer } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'callfloor-connectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

const USER = 'callfloor';
const SECRET = 'p@ss:w0rd';
const FS_PASSWORD = 'ClueCon';
const BACKOFF = { initialMs: 50, maxMs: 400, jitter: 0 };

interface QueueRow {
  queue: string;
  offered: number;
  answered: number;
  abandoned: number;
  [key: string]: unknown;
}

/** Starts a server on a fresh SQLite file with the given flags (and config file keys). */
async function serve(
  flags: Record<string, string>,
  file: Record<string, unknown> = {},
): Promise<RunningServer> {
  const n = ++counter;
  const configFile = join(dir, `config-${n}.json`);
  writeFileSync(configFile, JSON.stringify(file));
  const config = loadConfig(
    { port: '0', db: join(dir, `db-${n}.db`), webRoot: join(dir, 'no-web'), tz: 'UTC', ...flags },
    {},
    configFile,
  );
  const server = await startServer(config, pino({ level: 'silent' }), {
    connectorBackoff: BACKOFF,
  });
  headersOf.set(server, await tokenHeaders(server.database.db, 'manager'));
  return server;
}

/** A manager's API token per server (floor and reports need a principal). */
const headersOf = new WeakMap<RunningServer, AuthHeaders>();

async function getJson<T>(server: RunningServer, path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { headers: headersOf.get(server) ?? {} });
  return (await response.json()) as T;
}

/**
 * The scenario day's queue report once `offered` calls are stored and nothing moved for 1.5 s
 * (longer than the 0.5 s commit and 1 s tick periods: a record the tick closed is in neither the
 * database nor the live engine's open calls until the next commit).
 */
async function settledQueues(server: RunningServer, offered: number): Promise<QueueRow[]> {
  const path = '/api/reports/queues?from=2023-11-14&to=2023-11-16&tz=UTC';
  let last = '';
  let same = 0;
  for (let i = 0; i < 200; i++) {
    const body = await getJson<{ queues: QueueRow[] }>(server, path);
    const text = JSON.stringify(body.queues);
    const total = body.queues.reduce((s, q) => s + q.offered, 0);
    same = text === last ? same + 1 : 0;
    if (total === offered && same >= 10) return body.queues;
    last = text;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`report did not settle at ${offered} offered calls: ${last}`);
}

/** The queue report of the same calls from their queue_log lines alone. */
async function queueLogOnly(lines: readonly string[]): Promise<QueueRow[]> {
  const file = join(dir, `only-${++counter}.queue_log`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const server = await serve({ queueLog: file });
  try {
    return await settledQueues(server, 3);
  } finally {
    await server.close();
  }
}

async function amiServer(): Promise<FakeAmiServer> {
  const ami = new FakeAmiServer({ username: USER, secret: SECRET });
  await ami.listen();
  return ami;
}

const amiFlag = (port: number): string =>
  `${encodeURIComponent(USER)}:${encodeURIComponent(SECRET)}@127.0.0.1:${port}`;

interface Health {
  mode: string;
  sources: { kind: string; name: string; ok: boolean; lastEventAt: number | null }[];
}

interface Floor {
  mode: string;
  agents: { agent: string }[];
  alerts: { rule: string; source: string | null; message: string }[];
  sources: { kind: string; name: string; ok: boolean; lastEventAt: number | null }[];
}

describe('serve --ami', () => {
  it('alone: events reach the floor, the records and the holds; health names no secret', async () => {
    const ami = await amiServer();
    const server = await serve({ ami: amiFlag(ami.port) });
    try {
      const name = `127.0.0.1:${ami.port}`;
      await waitFor(() => server.connectors.ami?.health().ok === true, 'AMI login');
      ami.sendPackets(SCENARIO_AMI_12);
      const queues = await settledQueues(server, 3);
      expect(queues).toEqual(await queueLogOnly(SCENARIO_QUEUE_LOG));
      expect(queues[0]).toMatchObject({ queue: 'support', offered: 3, answered: 2, abandoned: 1 });

      const health = await getJson<Health>(server, '/healthz');
      expect(health.mode).toBe('live');
      expect(health.sources).toEqual([
        expect.objectContaining({ kind: 'ami', name, ok: true, error: null }),
      ]);
      expect(JSON.stringify(health)).not.toContain('w0rd');

      const floor = await getJson<Floor>(server, '/api/floor');
      expect(floor.agents.map((a) => a.agent).sort()).toEqual(['Alice', 'Bob']);
      expect(floor.sources).toEqual([
        expect.objectContaining({ kind: 'ami', name, ok: true, error: null }),
      ]);
      // The scenario is from 2023 (Timestamp headers): the lag is years, the last event is now.
      expect(floor.sources[0]?.lastEventAt).toBeGreaterThan(Date.now() - 60_000);

      let holds = await callHolds(server.database.db, `${T}.1`);
      for (let i = 0; i < 50 && holds.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        holds = await callHolds(server.database.db, `${T}.1`);
      }
      expect(holds).toEqual([{ callId: `${T}.1`, agent: 'Alice', start: T + 20, end: T + 30 }]);
      // Every mapped event is stored under the source's name (the 10 of queue_log + 4 RINGSTART + HOLD + UNHOLD).
      expect(await countEvents(server.database.db, `ami:${name}`)).toBe(16);
    } finally {
      await server.close();
      await ami.close();
    }
  });

  it('with --queue-log: nothing counted twice, holds attached to the queue_log calls', async () => {
    const ami = await amiServer();
    const file = join(dir, `both-${++counter}.queue_log`);
    writeFileSync(file, '');
    const server = await serve({ ami: amiFlag(ami.port), queueLog: file });
    try {
      await waitFor(() => server.connectors.ami?.health().ok === true, 'AMI login');
      // AMI events arrive as they happen; app_queue writes its queue_log lines meanwhile.
      ami.sendPackets(SCENARIO_AMI_12);
      appendFileSync(file, `${SCENARIO_QUEUE_LOG.join('\n')}\n`);
      const queues = await settledQueues(server, 3);
      expect(queues).toEqual(await queueLogOnly(SCENARIO_QUEUE_LOG));

      const db = server.database.db;
      let holds = await callHolds(db, `${T}.1`);
      for (let i = 0; i < 50 && holds.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        holds = await callHolds(db, `${T}.1`);
      }
      expect(holds).toEqual([{ callId: `${T}.1`, agent: 'Alice', start: T + 20, end: T + 30 }]);
      // From AMI only what queue_log cannot express: 4 RINGSTART, HOLD, UNHOLD.
      expect(await countEvents(db, `ami:127.0.0.1:${ami.port}`)).toBe(6);
      expect(await countEvents(db, `queue_log:${file}`)).toBe(10);

      const health = await getJson<Health>(server, '/healthz');
      expect(health.sources.map((s) => s.kind)).toEqual(['queue_log', 'ami']);
    } finally {
      await server.close();
      await ami.close();
    }
  });

  it('a wrong secret: the source reports the failure, the server keeps serving', async () => {
    const ami = await amiServer();
    const server = await serve({ ami: `${USER}:wrong@127.0.0.1:${ami.port}` });
    try {
      await waitFor(() => ami.loginsRefused >= 2, 'two refused logins');
      const health = await getJson<Health & { sources: { error: string | null }[] }>(
        server,
        '/healthz',
      );
      expect(health.sources[0]).toMatchObject({ kind: 'ami', ok: false });
      expect(health.sources[0]?.error).toContain('authentication failed');
      expect(JSON.stringify(health)).not.toContain('wrong');
    } finally {
      await server.close();
      await ami.close();
    }
  });
});

describe('serve --ami reconnects', () => {
  it('after a dropped connection it logs in again and rebuilds the floor from QueueStatus', async () => {
    const ami = await amiServer();
    const member = (paused: boolean): PacketFields => [
      ['Event', 'QueueMember'],
      ['Queue', 'support'],
      ['Name', 'Alice'],
      ['Location', 'PJSIP/1001'],
      ['Paused', paused ? '1' : '0'],
      ['PausedReason', paused ? 'Lunch' : ''],
    ];
    const params: PacketFields = [
      ['Event', 'QueueParams'],
      ['Queue', 'support'],
    ];
    ami.queueStatus = [params, member(false)];
    const server = await serve({ ami: amiFlag(ami.port) });
    try {
      const source = () => server.connectors.ami;
      const alice = async () =>
        (
          await getJson<{ agents: { agent: string; state: string; reason: string | null }[] }>(
            server,
            '/api/floor',
          )
        ).agents.find((a) => a.agent === 'Alice');
      await waitFor(() => source()?.health().ok === true, 'first login');
      for (let i = 0; i < 50 && (await alice())?.state !== 'available'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await alice()).toMatchObject({ state: 'available' });
      // Alice pauses for lunch while the connection is down.
      ami.queueStatus = [params, member(true)];
      ami.dropAll();
      await waitFor(
        () => (source()?.sessions ?? 0) >= 2 && source()?.health().ok === true,
        'relogin',
      );
      for (let i = 0; i < 50 && (await alice())?.state !== 'paused'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await alice()).toMatchObject({ state: 'paused', reason: 'Lunch' });
      expect(ami.loginsAccepted).toBe(2);
      const health = await getJson<Health>(server, '/healthz');
      expect(health.sources[0]).toMatchObject({ kind: 'ami', ok: true, error: null });
    } finally {
      await server.close();
      await ami.close();
    }
  });
});

describe('serve --freeswitch', () => {
  async function eslServer(): Promise<FakeEslServer> {
    const fs = new FakeEslServer(FS_PASSWORD);
    await fs.listen();
    return fs;
  }

  it('alone and with --queue-log: the same statistics, holds attached', async () => {
    const expected = await queueLogOnly(SCENARIO_FREESWITCH_QUEUE_LOG);
    expect(expected[0]).toMatchObject({ offered: 3, answered: 2, abandoned: 1 });

    const alone = await eslServer();
    const server = await serve({ freeswitch: `${FS_PASSWORD}@127.0.0.1:${alone.port}` });
    try {
      await waitFor(
        () => server.connectors.freeswitch?.health().ok === true && alone.commands.length >= 3,
        'ESL subscription and rebuild',
      );
      for (const e of SCENARIO_FREESWITCH) alone.sendEvent(e);
      expect(await settledQueues(server, 3)).toEqual(expected);
      const floor = await getJson<Floor>(server, '/api/floor');
      expect(floor.sources).toEqual([
        expect.objectContaining({ kind: 'freeswitch', name: `127.0.0.1:${alone.port}`, ok: true }),
      ]);
    } finally {
      await server.close();
      await alone.close();
    }

    const both = await eslServer();
    const file = join(dir, `fs-both-${++counter}.queue_log`);
    writeFileSync(file, '');
    const server2 = await serve({
      freeswitch: `${FS_PASSWORD}@127.0.0.1:${both.port}`,
      queueLog: file,
    });
    try {
      await waitFor(
        () => server2.connectors.freeswitch?.health().ok === true && both.commands.length >= 3,
        'ESL subscription and rebuild',
      );
      for (const e of SCENARIO_FREESWITCH) both.sendEvent(e);
      appendFileSync(file, `${SCENARIO_FREESWITCH_QUEUE_LOG.join('\n')}\n`);
      expect(await settledQueues(server2, 3)).toEqual(expected);
      const db = server2.database.db;
      let holds = await callHolds(db, 'm-1');
      for (let i = 0; i < 50 && holds.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        holds = await callHolds(db, 'm-1');
      }
      expect(holds).toEqual([
        { callId: 'm-1', agent: 'alice@default', start: T + 20, end: T + 30 },
      ]);
      expect(await countEvents(db, `freeswitch:127.0.0.1:${both.port}`)).toBe(6);
    } finally {
      await server2.close();
      await both.close();
    }
  });
});

describe('source.silent alert through the server', () => {
  it('is raised when a live source is quiet for the threshold, and cleared by an event', async () => {
    const ami = await amiServer();
    const server = await serve({ ami: amiFlag(ami.port) }, { alerts: { sourceSilentSeconds: 1 } });
    try {
      await waitFor(() => server.connectors.ami?.health().ok === true, 'AMI login');
      let floor = await getJson<Floor>(server, '/api/floor?lang=en');
      for (let i = 0; i < 60 && !floor.alerts.some((a) => a.rule === 'source.silent'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        floor = await getJson<Floor>(server, '/api/floor?lang=en');
      }
      expect(floor.alerts).toEqual([
        expect.objectContaining({
          rule: 'source.silent',
          source: `ami:127.0.0.1:${ami.port}`,
          message: `No events from the telephony source ami:127.0.0.1:${ami.port} for 0 minutes or more: the floor may be out of date`,
        }),
      ]);
      // An event (a member added) arrives: the alert clears on the next tick.
      ami.sendPackets([
        [
          ['Event', 'QueueMemberAdded'],
          ['Queue', 'support'],
          ['MemberName', 'Alice'],
          ['Interface', 'PJSIP/1001'],
          ['Paused', '0'],
        ],
      ]);
      await waitFor(() => server.connectors.ami?.health().lastEventAt !== null, 'the event');
      floor = await getJson<Floor>(server, '/api/floor?lang=en');
      for (let i = 0; i < 20 && floor.alerts.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        floor = await getJson<Floor>(server, '/api/floor?lang=en');
      }
      expect(floor.alerts).toEqual([]);
    } finally {
      await server.close();
      await ami.close();
    }
  });

  it('stays silent outside the opening hours', async () => {
    const ami = await amiServer();
    const hour = new Date().getUTCHours();
    const closed = {
      start: `${String((hour + 2) % 24).padStart(2, '0')}:00`,
      end: `${String((hour + 3) % 24).padStart(2, '0')}:00`,
    };
    const server = await serve(
      { ami: amiFlag(ami.port) },
      { alerts: { sourceSilentSeconds: 1 }, openingHours: closed },
    );
    try {
      await waitFor(() => server.connectors.ami?.health().ok === true, 'AMI login');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await getJson<Floor>(server, '/api/floor')).alerts).toEqual([]);
    } finally {
      await server.close();
      await ami.close();
    }
  });
});

describe('connector configuration', () => {
  it('reads --ami / CALLFLOOR_AMI / the config file and never echoes a secret in an error', () => {
    expect(loadConfig({}, { CALLFLOOR_AMI: 'u:topsecret@pbx' }, null).ami).toBe('u:topsecret@pbx');
    let error: unknown;
    try {
      loadConfig({ ami: 'u:topsecret@pbx:99999' }, { CALLFLOOR_FREESWITCH: 'hunter2@' }, null);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'ami (CALLFLOOR_AMI): --ami: the port is not a number 1-65535: "99999"',
      'freeswitch (CALLFLOOR_FREESWITCH): --freeswitch: the host is empty',
    ]);
    expect((error as Error).message).not.toMatch(/topsecret|hunter2/);
    const file = join(dir, 'bad-hours.json');
    writeFileSync(file, JSON.stringify({ openingHours: { start: '8:00', end: '22:00' } }));
    expect(() => loadConfig({}, {}, file)).toThrow(
      'openingHours.start: expected HH:MM (00:00 to 24:00)',
    );
  });
});
