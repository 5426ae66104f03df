import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { parseQueueLogLine } from '../../core/telephony/queue-log.js';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import { AmiSource } from './ami-source.js';
import type { ConnectorLogger } from './backoff.js';
import { pauseMember, removeMember, spyOnAgent } from './supervisor.js';
import { collect, sleep, waitFor } from './test-support/collect.js';
import { FakeAmiServer, renderPackets, type PacketFields } from './test-support/fake-ami-server.js';
import {
  SCENARIO_AMI_11,
  SCENARIO_AMI_12,
  SCENARIO_QUEUE_LOG,
  T,
} from './test-support/scenarios.js';

const USER = 'callfloor';
const SECRET = 's3cret';
const hasData = sharedDataAvailable();
const capture = (name: string): string =>
  readFileSync(sharedDataPath('ami-panoramisk', name), 'utf8');

let server: FakeAmiServer | null = null;
let source: AmiSource | null = null;

afterEach(async () => {
  await source?.stop();
  await server?.close();
  source = null;
  server = null;
});

async function setup(
  configure: (s: FakeAmiServer) => void = () => undefined,
  secret = SECRET,
  options: ConstructorParameters<typeof AmiSource>[1] = {},
): Promise<{ srv: FakeAmiServer; src: AmiSource; events: TelephonyEvent[] }> {
  const srv = new FakeAmiServer({ username: USER, secret: SECRET });
  configure(srv);
  const port = await srv.listen();
  const src = new AmiSource(
    { host: '127.0.0.1', port, username: USER, secret },
    { backoff: { initialMs: 50, maxMs: 400, jitter: 0 }, actionTimeoutMs: 2_000, ...options },
  );
  server = srv;
  source = src;
  const { events } = await collect(src);
  return { srv, src, events };
}

const memberView = (src: AmiSource): string[] =>
  src.members().map((m) => `${m.queue} ${m.agent} ${m.paused ? 'paused' : 'ready'}`);

describe.skipIf(!hasData)('AmiSource on the real panoramisk captures (LF, capture gaps)', () => {
  it('rebuilds the 6 members of queue_status.yaml, Agent/999 paused', async () => {
    const { src, events } = await setup((s) => {
      s.queueStatusRaw = capture('queue_status.yaml');
    });
    await waitFor(() => events.length >= 6, '6 members');
    await src.drained();
    const q = 'xxxxxxxxxxxxxxxx-tous';
    expect(memberView(src)).toEqual([
      `${q} Agent/213 ready`,
      `${q} Agent/214 ready`,
      `${q} Agent/220 ready`,
      `${q} Agent/333 ready`,
      `${q} Agent/859 ready`,
      `${q} Agent/999 paused`,
    ]);
    expect(events.map((e) => e.kind)).toEqual(Array(6).fill('ADDMEMBER'));
    const e999 = events.find((e) => e.agent === 'Agent/999');
    expect(e999).toMatchObject({ kind: 'ADDMEMBER', queue: q, paused: true, callId: null });
    expect(src.health()).toMatchObject({
      kind: 'ami',
      ok: true,
      error: null,
      name: `127.0.0.1:${server?.port}`,
    });
  });

  it('agent_loggued_in.yaml: Agent/401 known from QueueMemberStatus, Agent/402 added by login', async () => {
    const { src, events } = await setup((s) => {
      s.afterQueueStatus = (socket) => socket.write(capture('agent_loggued_in.yaml'));
    });
    await waitFor(() => src.health().lastEventAt !== null && events.length >= 2, 'two members');
    await sleep(100);
    await src.drained();
    expect(memberView(src)).toEqual([
      'general_queue Agent/401 ready',
      'general_queue Agent/402 ready',
    ]);
    // The repeated QueueMemberStatus lines (Status 1/2, Paused 0) change nothing: exactly 2 events.
    expect(events).toEqual([
      {
        kind: 'ADDMEMBER',
        time: events[0]?.time,
        callId: null,
        queue: 'general_queue',
        agent: 'Agent/401',
        paused: false,
      },
      {
        kind: 'ADDMEMBER',
        time: events[1]?.time,
        callId: null,
        queue: 'general_queue',
        agent: 'Agent/402',
        paused: false,
      },
    ]);
  });

  it('agent_not_in_pause.yaml: Agent/999 paused in maisonvoyance-tous, then unpaused (QueueMemberPaused)', async () => {
    const { src, events } = await setup((s) => {
      s.afterQueueStatus = (socket) => socket.write(capture('agent_not_in_pause.yaml'));
    });
    await waitFor(() => events.length >= 3, 'three membership events');
    await sleep(100);
    expect(events.map((e) => [e.kind, e.queue, e.agent, 'paused' in e ? e.paused : null])).toEqual([
      ['ADDMEMBER', 'maisonvoyance-tous', 'Agent/999', true],
      ['UNPAUSE', 'maisonvoyance-tous', 'Agent/999', null],
      ['ADDMEMBER', 'xxxxxxxxxxxx-tous', 'Agent/999', false],
    ]);
    expect(memberView(src)).toEqual([
      'maisonvoyance-tous Agent/999 ready',
      'xxxxxxxxxxxx-tous Agent/999 ready',
    ]);
  });

  it('originate_with_events.yaml (748 events, no queue events) yields no canonical event', async () => {
    const { src, events } = await setup((s) => {
      s.afterQueueStatus = (socket) => socket.write(capture('originate_with_events.yaml'));
    });
    await waitFor(() => src.health().lastEventAt !== null, 'events received');
    await sleep(200);
    expect(events).toEqual([]);
    expect(src.health().ok).toBe(true);
  });
});

/** Canonical events minus the live-only kinds queue_log cannot express. */
const callRecords = (events: readonly TelephonyEvent[]): TelephonyEvent[] =>
  events.filter((e) => e.kind !== 'HOLD' && e.kind !== 'UNHOLD' && e.kind !== 'RINGSTART');

const queueLogEvents = (lines: readonly string[]): TelephonyEvent[] =>
  lines.map((line) => {
    const parsed = parseQueueLogLine(line);
    if (!parsed.ok) throw new Error(`${line}: ${parsed.reason}`);
    return parsed.event;
  });

describe.each([
  ['Asterisk ≥ 12', SCENARIO_AMI_12],
  ['Asterisk ≤ 11', SCENARIO_AMI_11],
])('AmiSource call scenarios, %s dialect, over TCP', (_name, packets: PacketFields[]) => {
  it('equal the same calls written as queue_log lines', async () => {
    const { events } = await setup((s) => {
      s.afterQueueStatus = (socket) => socket.write(renderPackets(packets));
    });
    await waitFor(() => events.some((e) => e.kind === 'COMPLETEAGENT'), 'the last call to end');
    expect(callRecords(events)).toEqual(queueLogEvents(SCENARIO_QUEUE_LOG));
  });

  it('adds RINGSTART per ring and HOLD/UNHOLD with the caller uniqueid', async () => {
    const { events } = await setup((s) => {
      s.afterQueueStatus = (socket) => socket.write(renderPackets(packets));
    });
    await waitFor(() => events.some((e) => e.kind === 'COMPLETEAGENT'), 'the last call to end');
    const live = events.filter(
      (e) => e.kind === 'HOLD' || e.kind === 'UNHOLD' || e.kind === 'RINGSTART',
    );
    expect(live).toEqual([
      { kind: 'RINGSTART', time: T + 2, callId: `${T}.1`, queue: 'support', agent: 'Alice' },
      { kind: 'HOLD', time: T + 20, callId: `${T}.1`, queue: 'support', agent: 'Alice' },
      { kind: 'UNHOLD', time: T + 30, callId: `${T}.1`, queue: 'support', agent: 'Alice' },
      { kind: 'RINGSTART', time: T + 102, callId: `${T}.3`, queue: 'support', agent: 'Alice' },
      { kind: 'RINGSTART', time: T + 201, callId: `${T}.5`, queue: 'support', agent: 'Alice' },
      { kind: 'RINGSTART', time: T + 217, callId: `${T}.5`, queue: 'support', agent: 'Bob' },
    ]);
  });
});

const member = (name: string, paused: number, reason = ''): PacketFields => [
  ['Event', 'QueueMember'],
  ['Queue', 'support'],
  ['MemberName', name],
  ['Interface', `PJSIP/${name}`],
  ['Status', 1],
  ['Paused', paused],
  ['PausedReason', reason],
];
const entry = (uid: string, wait: number, position: number): PacketFields => [
  ['Event', 'QueueEntry'],
  ['Queue', 'support'],
  ['Position', position],
  ['Uniqueid', uid],
  ['CallerIDNum', `555${position}`],
  ['CallerIDName', 'unknown'],
  ['Wait', wait],
];

describe('AmiSource reconnect', () => {
  it('resumes after a drop, rebuilds via QueueStatus, and delivers no call twice', async () => {
    const { srv, src, events } = await setup((s) => {
      s.queueStatus = [
        [
          ['Event', 'QueueParams'],
          ['Queue', 'support'],
          ['Calls', 1],
        ],
        member('1001', 0),
        member('1002', 1, 'lunch'),
        entry('c-1', 30, 1),
      ];
      s.afterQueueStatus = (socket, n) => {
        if (n === 1) {
          socket.write(
            renderPackets([
              [
                ['Event', 'QueueCallerJoin'],
                ['Uniqueid', 'c-2'],
                ['Queue', 'support'],
                ['Position', 2],
                ['CallerIDNum', '5552'],
              ],
            ]),
          );
        }
        if (n === 2) {
          // While the client was away (it reconnects once more): 1002 unpaused, 1003 added,
          // c-3 joined; c-1 and c-2 are still waiting.
          s.queueStatus = [
            [
              ['Event', 'QueueParams'],
              ['Queue', 'support'],
              ['Calls', 3],
            ],
            member('1001', 0),
            member('1002', 0),
            member('1003', 0),
            entry('c-1', 40, 1),
            entry('c-2', 10, 2),
            entry('c-3', 5, 3),
          ];
        }
        // Drop mid-stream, after the snapshot (and the join) were written.
        if (n <= 2) setTimeout(() => socket.destroy(), 50);
      };
    });
    await waitFor(() => src.sessions >= 3, 'third session');
    await waitFor(() => events.some((e) => e.callId === 'c-3'), 'c-3 from the rebuild');
    await src.drained();
    const enters = events.filter((e) => e.kind === 'ENTERQUEUE').map((e) => e.callId);
    expect(enters).toEqual(['c-1', 'c-2', 'c-3']);
    const membership = events
      .filter((e) => e.callId === null)
      .map((e) => `${e.kind} ${e.agent}${'reason' in e ? ` ${e.reason}` : ''}`);
    expect(membership).toEqual([
      'ADDMEMBER 1001',
      'ADDMEMBER 1002',
      'PAUSE 1002 lunch',
      'UNPAUSE 1002 ',
      'ADDMEMBER 1003',
    ]);
    expect(srv.actionsNamed('Login')).toHaveLength(3);
    expect(srv.actionsNamed('QueueStatus')).toHaveLength(3);
    const c1 = events.find((e) => e.callId === 'c-1');
    // Entry time of a rebuilt caller = snapshot time − Wait (30 s).
    expect(c1?.time).toBeGreaterThan(Date.now() / 1000 - 40);
    expect(c1?.time).toBeLessThan(Date.now() / 1000 - 29);
  });

  it('holds events sent right after login and applies them after the snapshot', async () => {
    const { events } = await setup((s) => {
      s.queueStatus = [
        [
          ['Event', 'QueueParams'],
          ['Queue', 'support'],
        ],
        member('1001', 0),
      ];
      s.afterLogin = (socket) =>
        socket.write(
          renderPackets([
            [
              ['Event', 'QueueCallerJoin'],
              ['Uniqueid', 'early'],
              ['Queue', 'support'],
              ['Position', 1],
            ],
          ]),
        );
    });
    await waitFor(() => events.length >= 2, 'member and caller');
    expect(events.map((e) => `${e.kind} ${e.agent ?? e.callId}`)).toEqual([
      'ADDMEMBER 1001',
      'ENTERQUEUE early',
    ]);
  });

  it('removes a member missing from the new snapshot of its queue', async () => {
    const { srv, src, events } = await setup((s) => {
      s.queueStatus = [
        [
          ['Event', 'QueueParams'],
          ['Queue', 'support'],
        ],
        member('1001', 0),
        member('1002', 0),
      ];
    });
    await waitFor(() => events.length >= 2, 'two members');
    srv.queueStatus = [
      [
        ['Event', 'QueueParams'],
        ['Queue', 'support'],
      ],
      member('1001', 0),
    ];
    srv.dropAll();
    await waitFor(() => events.length >= 3, 'the removal');
    expect(events[2]).toMatchObject({ kind: 'REMOVEMEMBER', queue: 'support', agent: '1002' });
    expect(memberView(src)).toEqual(['support 1001 ready']);
  });
});

describe('AmiSource authentication failure', () => {
  it('reports one clear error and backs off instead of flooding the PBX', async () => {
    const logged: string[] = [];
    const logger: ConnectorLogger = {
      info: () => undefined,
      warn: (m) => logged.push(`warn ${m}`),
      error: (m) => logged.push(`error ${m}`),
    };
    const { srv, src } = await setup(() => undefined, 'wrong', { logger });
    await waitFor(() => srv.loginsRefused >= 6, 'six refused logins');
    // Backoff 50, 100, 200, 400, 400 ms (jitter 0): each gap at least its delay (timers may
    // fire late under load, never much early), so no tight loop.
    const gaps = srv.connectionTimes.slice(1, 6).map((t, i) => t - (srv.connectionTimes[i] ?? 0));
    [50, 100, 200, 400, 400].forEach((delay, i) =>
      expect(gaps[i]).toBeGreaterThanOrEqual(delay - 2),
    );
    // Every attempt logged in once (a 7th may be under way, 400 ms after the 6th).
    expect(srv.connections - srv.loginsRefused).toBeLessThanOrEqual(1);
    expect(src.connectionAttempts).toBeLessThanOrEqual(7);
    const errors = logged.filter((l) => l.startsWith('error'));
    expect(errors).toEqual([
      `error ami 127.0.0.1:${srv.port}: authentication failed for user "callfloor" at 127.0.0.1:${srv.port}: Authentication failed`,
    ]);
    expect(errors[0]).not.toContain('wrong');
    expect(src.health()).toMatchObject({
      ok: false,
      error: expect.stringContaining('authentication failed') as unknown,
    });
  });

  it('backs off on a refused connection too', async () => {
    const srv = new FakeAmiServer({ username: USER, secret: SECRET });
    const port = await srv.listen();
    await srv.close();
    const src = new AmiSource(
      { host: '127.0.0.1', port, username: USER, secret: SECRET },
      { backoff: { initialMs: 100, maxMs: 1_000, jitter: 0 } },
    );
    source = src;
    const started = performance.now();
    await collect(src);
    await waitFor(() => src.connectionAttempts >= 4, 'four attempts');
    // Attempts at ≥ 0, 100, 300, 700 ms: the 4th comes no sooner than 700 ms after the start.
    expect(performance.now() - started).toBeGreaterThanOrEqual(698);
    expect(src.health().error).toContain('ECONNREFUSED');
  });
});

describe('AmiSource silent server', () => {
  it('gives up on a server that accepts TCP but never greets, then retries', async () => {
    const accepted: number[] = [];
    const silent = createServer((socket) => {
      accepted.push(performance.now());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const src = new AmiSource(
      { host: '127.0.0.1', port, username: USER, secret: SECRET },
      { connectTimeoutMs: 150, backoff: { initialMs: 50, maxMs: 50, jitter: 0 } },
    );
    source = src;
    await collect(src);
    await waitFor(() => accepted.length >= 2, 'a second attempt');
    // The first session was abandoned only after the 150 ms greeting timeout, plus 50 ms backoff.
    expect((accepted[1] ?? 0) - (accepted[0] ?? 0)).toBeGreaterThanOrEqual(198);
    expect(src.health()).toMatchObject({
      ok: false,
      error: `no answer from 127.0.0.1:${port} within 150 ms`,
    });
    await src.stop();
    source = null;
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});

describe('supervisor actions (AMI packets checked at the server)', () => {
  it('QueuePause, QueueRemove and ChanSpy originates carry the documented fields', async () => {
    const { srv, src } = await setup();
    await waitFor(() => src.health().ok, 'login');
    const paused = await pauseMember(src, {
      iface: 'PJSIP/1001',
      paused: true,
      queue: 'support',
      reason: 'coaching',
    });
    expect(paused).toMatchObject({ ok: true, message: 'QueuePause done' });
    await pauseMember(src, { iface: 'PJSIP/1001', paused: false });
    const removed = await removeMember(src, 'support', 'PJSIP/1002');
    expect(removed).toMatchObject({ ok: true, message: 'Removed interface from queue' });
    for (const mode of ['listen', 'whisper', 'barge'] as const) {
      await spyOnAgent(src, { supervisorChannel: 'PJSIP/2001', agentChannel: 'PJSIP/1001', mode });
    }
    const fields = (name: string): string[][] =>
      srv
        .actionsNamed(name)
        .map((a) =>
          a.headers.filter((h) => h.key !== 'ActionID').map((h) => `${h.key}: ${h.value}`),
        );
    expect(fields('QueuePause')).toEqual([
      [
        'Action: QueuePause',
        'Interface: PJSIP/1001',
        'Paused: true',
        'Queue: support',
        'Reason: coaching',
      ],
      ['Action: QueuePause', 'Interface: PJSIP/1001', 'Paused: false'],
    ]);
    expect(fields('QueueRemove')).toEqual([
      ['Action: QueueRemove', 'Queue: support', 'Interface: PJSIP/1002'],
    ]);
    const originate = (data: string): string[] => [
      'Action: Originate',
      'Channel: PJSIP/2001',
      'Application: ChanSpy',
      `Data: ${data}`,
      'CallerID: Spy <PJSIP/1001>',
      'Timeout: 30000',
      'Async: true',
    ];
    expect(fields('Originate')).toEqual([
      originate('PJSIP/1001,q'),
      originate('PJSIP/1001,qw'),
      originate('PJSIP/1001,qB'),
    ]);
    // Every action carried a distinct ActionID.
    const ids = srv.actions.map((a) => a.headers.find((h) => h.key === 'ActionID')?.value);
    expect(new Set(ids).size).toBe(srv.actions.length);
  });

  it('stop() rejects the action in flight, and nothing reconnects afterwards', async () => {
    const { srv, src } = await setup((s) => s.silentActions.add('QueueRemove'));
    await waitFor(() => src.health().ok, 'login');
    const pending = removeMember(src, 'support', 'PJSIP/1');
    await src.stop();
    await expect(pending).rejects.toThrow('connection closed before the QueueRemove response');
    await sleep(200);
    expect(srv.connections).toBe(1);
    expect(src.health().ok).toBe(false);
  });

  it('a Command action resolves with the raw output of Response: Follows', async () => {
    const { src } = await setup();
    await waitFor(() => src.health().ok, 'login');
    const result = await src.sendAction({
      action: 'Command',
      fields: [['Command', 'queue show support']],
    });
    expect(result.ok).toBe(true);
    expect(result.response.body).toEqual([
      "support has 0 calls (max unlimited) in 'ringall' strategy",
      '   Members: ',
      '      Alice (PJSIP/1001) (Not in use)',
    ]);
  });

  it('rejects an action when not connected, and on timeout', async () => {
    const src = new AmiSource({ host: '127.0.0.1', port: 1, username: USER, secret: SECRET });
    await expect(removeMember(src, 'support', 'PJSIP/1')).rejects.toThrow('not connected');
    const { srv, src: live } = await setup((s) => s.silentActions.add('QueueRemove'), SECRET, {
      actionTimeoutMs: 200,
    });
    await waitFor(() => live.health().ok, 'login');
    await expect(removeMember(live, 'support', 'PJSIP/1')).rejects.toThrow(
      'QueueRemove timed out after 200 ms',
    );
    // A later action still gets its own answer (correlation by ActionID, not by order).
    await expect(pauseMember(live, { iface: 'PJSIP/1', paused: true })).resolves.toMatchObject({
      ok: true,
    });
    srv.dropAll();
    await expect(removeMember(live, 'support', 'PJSIP/1')).rejects.toThrow(/not connected|closed/);
  });
});
