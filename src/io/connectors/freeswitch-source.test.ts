import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { parseQueueLogLine } from '../../core/telephony/queue-log.js';
import type { ConnectorLogger } from './backoff.js';
import { ESL_SUBSCRIPTION, FreeSwitchSource } from './freeswitch-source.js';
import { setAgentStatus } from './supervisor.js';
import { collect, sleep, waitFor } from './test-support/collect.js';
import { FakeEslServer } from './test-support/fake-esl-server.js';
import { SCENARIO_FREESWITCH, SCENARIO_FREESWITCH_QUEUE_LOG, T } from './test-support/scenarios.js';

const PASSWORD = 'ClueCon';
let server: FakeEslServer | null = null;
let source: FreeSwitchSource | null = null;

afterEach(async () => {
  await source?.stop();
  await server?.close();
  source = null;
  server = null;
});

const AGENT_COLUMNS =
  'name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|last_status_change|no_answer_count|calls_answered|talk_time|ready_time|external_calls_count';
const agentRow = (name: string, status: string): string =>
  `${name}|single_box||callback|user/${name}|${status}|Waiting|3|10|10|60|0|0|0|0|0|0|0|0|0|0`;
const MEMBER_COLUMNS =
  'queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score';
const memberRow = (uuid: string, session: string, joined: number, state: string): string =>
  `support@default|single_box|${uuid}|${session}|5550${uuid.slice(-1)}|Caller|${joined}|${joined}|0|0|0|0|0|||${state}|0`;

function cannedState(srv: FakeEslServer, agents: string[], members: string[]): void {
  srv.apiOutputs.set(
    'callcenter_config tier list',
    'queue|agent|state|level|position\nsupport@default|alice@default|Ready|1|1\nsupport@default|bob@default|Ready|1|2\nsales@default|bob@default|Ready|1|1\n+OK\n',
  );
  srv.apiOutputs.set(
    'callcenter_config agent list',
    [AGENT_COLUMNS, ...agents, '+OK', ''].join('\n'),
  );
  srv.apiOutputs.set(
    'callcenter_config queue list',
    'name|strategy|moh_sound|time_base_score|tier_rules_apply\nsupport@default|longest-idle-agent|local_stream://moh|system|false\n+OK\n',
  );
  srv.apiOutputs.set(
    'callcenter_config queue list members support@default',
    [MEMBER_COLUMNS, ...members, '+OK', ''].join('\n'),
  );
}

async function setup(
  configure: (s: FakeEslServer) => void = () => undefined,
  password = PASSWORD,
  logger?: ConnectorLogger,
): Promise<{ srv: FakeEslServer; src: FreeSwitchSource; events: TelephonyEvent[] }> {
  const srv = new FakeEslServer(PASSWORD);
  configure(srv);
  const port = await srv.listen();
  const src = new FreeSwitchSource(
    { host: '127.0.0.1', port, password },
    {
      backoff: { initialMs: 50, maxMs: 400, jitter: 0 },
      actionTimeoutMs: 2_000,
      ...(logger ? { logger } : {}),
    },
  );
  server = srv;
  source = src;
  const { events } = await collect(src);
  return { srv, src, events };
}

describe('FreeSwitchSource call scenarios over TCP', () => {
  it('equal the same calls written as queue_log lines; adds RINGSTART and HOLD/UNHOLD', async () => {
    const { srv, src, events } = await setup();
    // auth, event subscription, first api of the rebuild (answered -ERR: mod_callcenter absent).
    await waitFor(() => src.health().ok && srv.commands.length >= 3, 'subscription and rebuild');
    for (const e of SCENARIO_FREESWITCH) srv.sendEvent(e);
    await waitFor(() => events.some((e) => e.kind === 'COMPLETEAGENT'), 'the last call to end');
    const records = events.filter(
      (e) => e.kind !== 'HOLD' && e.kind !== 'UNHOLD' && e.kind !== 'RINGSTART',
    );
    const expected = SCENARIO_FREESWITCH_QUEUE_LOG.map((line) => {
      const parsed = parseQueueLogLine(line);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.event;
    });
    expect(records).toEqual(expected);
    const live = events.filter((e) => !records.includes(e));
    const q = 'support@default';
    expect(live).toEqual([
      { kind: 'RINGSTART', time: T + 2, callId: 'm-1', queue: q, agent: 'alice@default' },
      { kind: 'HOLD', time: T + 20, callId: 'm-1', queue: q, agent: 'alice@default' },
      { kind: 'UNHOLD', time: T + 30, callId: 'm-1', queue: q, agent: 'alice@default' },
      { kind: 'RINGSTART', time: T + 102, callId: 'm-3', queue: q, agent: 'alice@default' },
      { kind: 'RINGSTART', time: T + 201, callId: 'm-5', queue: q, agent: 'alice@default' },
      { kind: 'RINGSTART', time: T + 217, callId: 'm-5', queue: q, agent: 'bob@default' },
    ]);
    expect(srv.commands.slice(0, 2)).toEqual([`auth ${PASSWORD}`, ESL_SUBSCRIPTION]);
    // mod_callcenter is not loaded on this fake: the rebuild is skipped, events still flow.
    expect(src.health()).toMatchObject({ kind: 'freeswitch', ok: true, error: null });
  });

  it('decodes URL-encoded UTF-8 values with a byte-exact Content-Length', async () => {
    const { srv, events } = await setup();
    await waitFor(() => srv.commands.length >= 2, 'subscription');
    await sleep(50);
    srv.sendEvent([
      ['Event-Name', 'CUSTOM'],
      ['Event-Subclass', 'callcenter::info'],
      ['Event-Date-Timestamp', `${T * 1_000_000}`],
      ['CC-Queue', 'support@default'],
      ['CC-Action', 'member-queue-start'],
      ['CC-Member-Session-UUID', 'm-9'],
      ['CC-Member-CID-Name', '張三 & Co: 100%'],
      ['CC-Member-CID-Number', '+886 2 1234'],
    ]);
    await waitFor(() => events.length >= 1, 'the join');
    expect(events[0]).toMatchObject({
      kind: 'ENTERQUEUE',
      callId: 'm-9',
      callerName: '張三 & Co: 100%',
      callerId: '+886 2 1234',
      time: T,
    });
  });
});

describe('FreeSwitchSource state rebuild and agent status', () => {
  it('rebuilds tiers, agent status and waiting callers; follows status changes per tier queue', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { srv, src, events } = await setup((s) =>
      cannedState(
        s,
        [
          agentRow('alice@default', 'Available'),
          agentRow('bob@default', 'On Break'),
          agentRow('carol@default', 'Logged Out'),
        ],
        [
          memberRow('q-1', 'm-1', now - 42, 'Waiting'),
          memberRow('q-2', 'm-2', now - 90, 'Answered'),
        ],
      ),
    );
    await waitFor(() => events.some((e) => e.kind === 'ENTERQUEUE'), 'the rebuilt caller');
    expect(
      events.map(
        (e) => `${e.kind} ${e.queue} ${e.agent ?? e.callId}${'reason' in e ? ` ${e.reason}` : ''}`,
      ),
    ).toEqual([
      'ADDMEMBER support@default alice@default',
      'ADDMEMBER support@default bob@default',
      'PAUSE support@default bob@default On Break',
      'ADDMEMBER sales@default bob@default',
      'PAUSE sales@default bob@default On Break',
      'ENTERQUEUE support@default m-1',
    ]);
    expect(events.at(-1)?.time).toBe(now - 42);
    const status = (agent: string, value: string): void =>
      srv.sendEvent([
        ['Event-Name', 'CUSTOM'],
        ['Event-Subclass', 'callcenter::info'],
        ['CC-Action', 'agent-status-change'],
        ['CC-Agent', agent],
        ['CC-Agent-Status', value],
      ]);
    const before = events.length;
    status('bob@default', 'Available');
    status('alice@default', 'On Break');
    status('alice@default', 'On Break'); // repeated: no event
    status('alice@default', 'Logged Out');
    await waitFor(() => events.length >= before + 4, 'status changes');
    await sleep(50);
    expect(events.slice(before).map((e) => `${e.kind} ${e.queue} ${e.agent}`)).toEqual([
      'UNPAUSE support@default bob@default',
      'UNPAUSE sales@default bob@default',
      'PAUSE support@default alice@default',
      'REMOVEMEMBER support@default alice@default',
    ]);
    expect(src.members().map((m) => `${m.queue} ${m.agent} ${m.paused}`)).toEqual([
      'sales@default bob@default false',
      'support@default bob@default false',
    ]);

    // Drop: the new session rebuilds; m-1 (already delivered) is not delivered again, m-3 is.
    cannedState(
      srv,
      [agentRow('alice@default', 'Logged Out'), agentRow('bob@default', 'Available')],
      [memberRow('q-1', 'm-1', now - 42, 'Waiting'), memberRow('q-3', 'm-3', now - 5, 'Trying')],
    );
    const beforeDrop = events.length;
    srv.dropAll();
    await waitFor(() => events.some((e) => e.callId === 'm-3'), 'the caller who joined meanwhile');
    expect(events.slice(beforeDrop).map((e) => `${e.kind} ${e.callId}`)).toEqual([
      'ENTERQUEUE m-3',
    ]);
    expect(srv.connections).toBe(2);
  });

  it('setAgentStatus sends the documented api command and returns its output', async () => {
    const { srv, src } = await setup((s) => {
      s.apiOutputs.set("callcenter_config agent set status alice@default 'On Break'", '+OK\n');
    });
    await waitFor(() => src.health().ok, 'auth');
    await expect(setAgentStatus(src, 'alice@default', 'On Break')).resolves.toBe('+OK\n');
    await expect(setAgentStatus(src, 'bob@default', 'Available')).rejects.toThrow(
      '-ERR callcenter_config',
    );
    await expect(setAgentStatus(src, "x' ; y", 'Available')).rejects.toThrow('agent name');
    expect(srv.commands.filter((c) => c.includes('agent set status'))).toEqual([
      "api callcenter_config agent set status alice@default 'On Break'",
      "api callcenter_config agent set status bob@default 'Available'",
    ]);
  });
});

describe('FreeSwitchSource authentication failure', () => {
  it('reports one clear error and backs off', async () => {
    const logged: string[] = [];
    const logger: ConnectorLogger = {
      info: () => undefined,
      warn: (m) => logged.push(`warn ${m}`),
      error: (m) => logged.push(`error ${m}`),
    };
    const { srv, src } = await setup(() => undefined, 'wrong', logger);
    const auths = (): number => srv.commands.filter((c) => c.startsWith('auth')).length;
    await waitFor(() => auths() >= 5, 'five refused auths');
    const gaps = srv.connectionTimes.slice(1, 5).map((t, i) => t - (srv.connectionTimes[i] ?? 0));
    [50, 100, 200, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay - 2));
    // One auth per connection (a 6th connection may be under way, 400 ms after the 5th).
    expect(srv.connections - auths()).toBeLessThanOrEqual(1);
    expect(logged.filter((l) => l.startsWith('error'))).toEqual([
      `error freeswitch 127.0.0.1:${srv.port}: authentication failed at 127.0.0.1:${srv.port}: -ERR invalid`,
    ]);
    expect(src.health()).toMatchObject({
      ok: false,
      error: expect.stringContaining('-ERR invalid') as unknown,
    });
  });
});
