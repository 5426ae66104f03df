/**
 * Supervisor actions end to end: the real server, real sign-in (API tokens and a cookie session
 * with CSRF), the fake AMI / FreeSWITCH servers over TCP; the packets are checked at the fake
 * server, the scope against the people register, the audit log row by row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amiField, type AmiPacket } from '../../core/connectors/ami/packet.js';
import { waitFor } from '../../io/connectors/test-support/collect.js';
import { FakeAmiServer } from '../../io/connectors/test-support/fake-ami-server.js';
import { FakeEslServer } from '../../io/connectors/test-support/fake-esl-server.js';
import { SCENARIO_FREESWITCH } from '../../io/connectors/test-support/scenarios.js';
import { createTestUser, signIn, tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';

const dir = mkdtempSync(join(tmpdir(), 'callfloor-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const BACKOFF = { initialMs: 50, maxMs: 400, jitter: 0 };

async function serve(flags: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig(
    {
      port: '0',
      db: join(dir, `db-${++counter}.db`),
      webRoot: join(dir, 'no-web'),
      tz: 'UTC',
      ...flags,
    },
    {},
    null,
  );
  return startServer(config, pino({ level: 'silent' }), { connectorBackoff: BACKOFF });
}

interface Reply {
  status: number;
  body: { error?: { code: string; message: string; field: string | null } } & Record<
    string,
    unknown
  >;
}

async function post(
  server: RunningServer,
  path: string,
  headers: AuthHeaders,
  body: unknown,
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

/** An AMI action's fields as a plain object (ActionID left out). */
function fields(packet: AmiPacket | undefined): Record<string, string | null> {
  if (packet === undefined) return {};
  const out: Record<string, string | null> = {};
  for (const name of [
    'Action',
    'Interface',
    'Paused',
    'Queue',
    'Reason',
    'Channel',
    'Application',
    'Data',
  ]) {
    const value = name === 'Action' ? packet.name : amiField(packet, name);
    if (value !== null) out[name] = value;
  }
  return out;
}

describe('supervisor actions through AMI', () => {
  let ami: FakeAmiServer;
  let server: RunningServer;
  let manager: AuthHeaders;
  let lead: AuthHeaders;
  let agent: AuthHeaders;

  beforeAll(async () => {
    ami = new FakeAmiServer({ username: 'cf', secret: 'pw' });
    ami.queueStatus = [
      [
        ['Event', 'QueueParams'],
        ['Queue', 'support'],
      ],
      [
        ['Event', 'QueueMember'],
        ['Queue', 'support'],
        ['Name', 'Alice'],
        ['Location', 'PJSIP/1001'],
        ['Paused', '0'],
      ],
      [
        ['Event', 'QueueMember'],
        ['Queue', 'support'],
        ['Name', 'Bob'],
        ['Location', 'PJSIP/1002'],
        ['Paused', '0'],
      ],
    ];
    await ami.listen();
    server = await serve({ ami: `cf:pw@127.0.0.1:${ami.port}` });
    const db = server.database.db;
    // People: lead1 leads team t1; alice (member name Alice) is in t1; Bob is not registered.
    await createTestUser(db, { id: 'lead1', role: 'team_lead', name: 'Lin Lead' });
    await createTestUser(db, { id: 'alice', role: 'agent', teamId: 't1' });
    await db
      .insertInto('team')
      .values({ id: 't1', name: 'Team 1', site_id: null, lead_id: 'lead1' })
      .execute();
    await db.insertInto('member_name').values({ member_name: 'Alice', user_id: 'alice' }).execute();
    await db
      .updateTable('app_user')
      .set({ phone: 'PJSIP/2001' })
      .where('id', '=', 'lead1')
      .execute();
    manager = await tokenHeaders(db, 'manager');
    lead = await signIn(server.app, 'lead1');
    agent = await signIn(server.app, 'alice');
    await waitFor(() => {
      const floor = server.ingest.live.floorState;
      return floor.agentIds().includes('Alice') && floor.agentIds().includes('Bob');
    }, 'Alice and Bob on the floor from the QueueStatus rebuild');
  });

  afterAll(async () => {
    await server.close();
    await ami.close();
  });

  it('pause with a reason sends QueuePause to the agent’s interface (manager token)', async () => {
    const reply = await post(server, '/api/agents/Alice/pause', manager, {
      paused: true,
      reason: 'Lunch',
      queue: 'support',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      connector: 'ami',
      actions: [{ action: 'QueuePause', member: 'Alice', target: 'PJSIP/1001', queue: 'support' }],
    });
    expect(fields(ami.actionsNamed('QueuePause').at(-1))).toEqual({
      Action: 'QueuePause',
      Interface: 'PJSIP/1001',
      Paused: 'true',
      Queue: 'support',
      Reason: 'Lunch',
    });
    // Unpause in every queue: no Queue, no Reason.
    const unpause = await post(server, '/api/agents/Alice/pause', manager, { paused: false });
    expect(unpause.status).toBe(200);
    expect(fields(ami.actionsNamed('QueuePause').at(-1))).toEqual({
      Action: 'QueuePause',
      Interface: 'PJSIP/1001',
      Paused: 'false',
    });
  });

  it('a team lead acts on their team only; an agent may not act at all', async () => {
    const before = ami.actions.length;
    expect((await post(server, '/api/agents/Alice/pause', lead, { paused: true })).status).toBe(
      200,
    );
    const bob = await post(server, '/api/agents/Bob/pause', lead, { paused: true });
    expect(bob.status).toBe(403);
    expect(bob.body.error).toEqual({
      code: 'forbidden',
      message: 'agent Bob is not in your teams',
      field: 'agent',
    });
    const self = await post(server, '/api/agents/Alice/pause', agent, { paused: false });
    expect(self.status).toBe(403);
    expect(self.body.error?.code).toBe('forbidden');
    // Without the CSRF token a cookie write is refused.
    const { cookie } = lead;
    const noCsrf = await post(
      server,
      '/api/agents/Alice/pause',
      { cookie: cookie ?? '' },
      {
        paused: true,
      },
    );
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error?.code).toBe('csrf');
    // Exactly one packet went out: the lead's pause of Alice.
    expect(ami.actions.slice(before).map((a) => a.name)).toEqual(['QueuePause']);
  });

  it('log off removes the agent from every queue AMI lists it in', async () => {
    const reply = await post(server, '/api/agents/Alice/logoff', lead, {});
    expect(reply.status).toBe(200);
    expect(fields(ami.actionsNamed('QueueRemove').at(-1))).toEqual({
      Action: 'QueueRemove',
      Interface: 'PJSIP/1001',
      Queue: 'support',
    });
  });

  it('listen / whisper / barge ring the lead’s own phone into ChanSpy', async () => {
    for (const [mode, options] of [
      ['listen', 'q'],
      ['whisper', 'qw'],
      ['barge', 'qB'],
    ] as const) {
      const reply = await post(server, '/api/agents/Alice/spy', lead, { mode });
      expect(reply.status).toBe(200);
      expect(fields(ami.actionsNamed('Originate').at(-1))).toEqual({
        Action: 'Originate',
        Channel: 'PJSIP/2001',
        Application: 'ChanSpy',
        Data: `PJSIP/1001,${options}`,
      });
    }
    // A manager token has no phone: the request must name one.
    const none = await post(server, '/api/agents/Bob/spy', manager, { mode: 'listen' });
    expect(none.status).toBe(400);
    expect(none.body.error?.field).toBe('supervisorChannel');
    const given = await post(server, '/api/agents/Bob/spy', manager, {
      mode: 'listen',
      supervisorChannel: 'PJSIP/2999',
    });
    expect(given.status).toBe(200);
    expect(fields(ami.actionsNamed('Originate').at(-1))).toMatchObject({
      Channel: 'PJSIP/2999',
      Data: 'PJSIP/1002,q',
    });
  });

  it('rejects bad input and unknown agents with a clear error', async () => {
    const unknown = await post(server, '/api/agents/Nobody/pause', manager, { paused: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.message).toBe('agent Nobody is not on the floor');
    const injection = await post(server, '/api/agents/Alice/pause', manager, {
      paused: true,
      reason: 'Lunch\r\nAction: Originate',
    });
    expect(injection.status).toBe(400);
    expect(injection.body.error?.field).toBe('reason');
    const mode = await post(server, '/api/agents/Alice/spy', manager, { mode: 'shout' });
    expect(mode.status).toBe(400);
    expect(mode.body.error?.field).toBe('mode');
  });

  it('audits every attempt with the actor, the agent, the request and the status', async () => {
    const rows = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'role', 'action', 'target', 'status', 'detail'])
      .where('path', 'like', '/api/agents/%')
      .orderBy('id')
      .execute();
    const lines = rows.map((r) => `${r.action} ${r.target} ${r.role} ${r.actor_id} ${r.status}`);
    expect(lines.slice(0, 6)).toEqual([
      expect.stringMatching(/^agent\.pause Alice manager tok-\S+ 200$/),
      expect.stringMatching(/^agent\.pause Alice manager tok-\S+ 200$/),
      'agent.pause Alice team_lead lead1 200',
      'agent.pause Bob team_lead lead1 403',
      // Refused by the permission check before the route ran: the plugin's own entry.
      'POST /api/agents/:agent/pause {"agent":"Alice"} agent alice 403',
      'POST /api/agents/:agent/pause {"agent":"Alice"} team_lead lead1 403', // no CSRF token
    ]);
    expect(JSON.parse(rows[0]?.detail ?? '{}')).toEqual({
      paused: true,
      reason: 'Lunch',
      queue: 'support',
    });
    expect(lines).toContain('agent.logoff Alice team_lead lead1 200');
    expect(lines.filter((l) => l.startsWith('agent.spy Alice team_lead lead1 200'))).toHaveLength(
      3,
    );
  });

  it('answers 503 naming the connection when AMI is down', async () => {
    ami.dropAll();
    await ami.close();
    await waitFor(() => server.connectors.ami?.connected === false, 'the drop');
    const reply = await post(server, '/api/agents/Alice/pause', manager, { paused: true });
    expect(reply.status).toBe(503);
    expect(reply.body.error?.code).toBe('unavailable');
    expect(reply.body.error?.message).toContain(`the AMI connection 127.0.0.1:${ami.port} is down`);
  });
});

describe('supervisor actions through FreeSWITCH, and with no connector', () => {
  it('pause / log off set the mod_callcenter status; spy needs AMI', async () => {
    const fs = new FakeEslServer('ClueCon');
    for (const status of ['On Break', 'Available', 'Logged Out']) {
      fs.apiOutputs.set(`callcenter_config agent set status alice@default '${status}'`, '+OK\n');
    }
    await fs.listen();
    const server = await serve({ freeswitch: `ClueCon@127.0.0.1:${fs.port}` });
    try {
      const manager = await tokenHeaders(server.database.db, 'manager');
      await waitFor(() => server.connectors.freeswitch?.connected === true, 'ESL session');
      for (const e of SCENARIO_FREESWITCH) fs.sendEvent(e);
      await waitFor(
        () => server.ingest.live.floorState.agentIds().includes('alice@default'),
        'alice on the floor',
      );
      const pause = await post(server, '/api/agents/alice@default/pause', manager, {
        paused: true,
        reason: 'Lunch',
      });
      expect(pause.status).toBe(200);
      expect(pause.body).toEqual({
        connector: 'freeswitch',
        actions: [
          {
            action: 'callcenter_config',
            member: 'alice@default',
            target: 'alice@default',
            queue: null,
            message: '+OK',
          },
        ],
      });
      expect((await post(server, '/api/agents/alice@default/logoff', manager, {})).status).toBe(
        200,
      );
      expect(fs.commands.filter((c) => c.includes('agent set status'))).toEqual([
        "api callcenter_config agent set status alice@default 'On Break'",
        "api callcenter_config agent set status alice@default 'Logged Out'",
      ]);
      const spy = await post(server, '/api/agents/alice@default/spy', manager, {
        mode: 'listen',
        supervisorChannel: 'user/2001',
      });
      expect(spy.status).toBe(409);
      expect(spy.body.error?.message).toBe(
        'listen, whisper and barge need the Asterisk AMI connector (serve --ami)',
      );
    } finally {
      await server.close();
      await fs.close();
    }
  });

  it('answers 503 when no connector is configured', async () => {
    const log = join(dir, 'only.queue_log');
    writeFileSync(log, '1767225600|NONE|sales|PJSIP/1001|ADDMEMBER|\n');
    const server = await serve({ queueLog: log });
    try {
      const manager = await tokenHeaders(server.database.db, 'manager');
      await waitFor(
        () => server.ingest.live.floorState.agentIds().includes('PJSIP/1001'),
        'the member',
      );
      const reply = await post(server, '/api/agents/PJSIP%2F1001/pause', manager, {
        paused: true,
      });
      expect(reply.status).toBe(503);
      expect(reply.body.error?.message).toBe(
        'no telephony connector is configured for supervisor actions (serve --ami or --freeswitch)',
      );
    } finally {
      await server.close();
    }
  });
});
