import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/people/access.js';
import { defaultStatsSettings, type StatsSettings } from '../../core/stats/report.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { queueLogEvent } from '../../core/telephony/queue-log.js';
import { closeTestApps, startTestFloor } from '../../test-support/app.js';
import type { TestDatabase } from '../../test-support/databases.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { FloorAlert } from '../../core/floor/alerts.js';
import { liveViewOf, presentAlert, type LiveHub } from './live-hub.js';
import type { AgentNames, FloorPayload } from './floor-presenter.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const settings: StatsSettings = { ...defaultStatsSettings(), timeZone: 'UTC', reorderWindow: 2 };

/** Member names → person ids; PJSIP/1003 stays unmapped. */
const ALIASES = new Map([
  ['PJSIP/1001', 'u-ann'],
  ['PJSIP/1002', 'u-bob'],
]);
const TEAMS: Record<string, string> = { 'u-ann': 'north', 'u-bob': 'south' };

function principal(role: Principal['role'], fields: Partial<Principal> = {}): Principal {
  return { kind: 'session', role, userId: null, name: role, teamIds: [], tokenId: null, ...fields };
}
const leadNorth = principal('team_lead', { userId: 'u-lena', teamIds: ['north'] });
const agentBob = principal('agent', { userId: 'u-bob', teamIds: ['south'] });
const wallboard = principal('wallboard', { kind: 'token', tokenId: 'tok-tv' });
const manager = principal('manager', { userId: 'u-max' });

function ev(
  offset: number,
  verb: string,
  fields: { callId?: string; queue?: string; agent?: string; data?: string[] },
): TelephonyEvent {
  const parsed = queueLogEvent(
    T0 + offset,
    fields.callId ?? 'NONE',
    fields.queue ?? 'NONE',
    fields.agent ?? 'NONE',
    verb,
    fields.data ?? [],
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

const START = [
  ev(0, 'ADDMEMBER', { queue: 'sales', agent: 'PJSIP/1001' }),
  ev(0, 'ADDMEMBER', { queue: 'sales', agent: 'PJSIP/1002' }),
  ev(0, 'ADDMEMBER', { queue: 'sales', agent: 'PJSIP/1003' }),
  ev(10, 'PAUSE', { queue: 'sales', agent: 'PJSIP/1001', data: ['Lunch'] }),
  ev(20, 'ENTERQUEUE', { callId: 'c1', queue: 'sales', data: ['', '0912345678', '1'] }),
  ev(35, 'CONNECT', { callId: 'c1', queue: 'sales', agent: 'PJSIP/1002', data: ['15', 'b1', '2'] }),
];

interface Harness {
  hub: LiveHub;
  ingest: IngestService;
  db: TestDatabase;
  clock: { now: number };
}
afterEach(closeTestApps);

async function harness(): Promise<Harness> {
  const clock = { now: (T0 + 120) * 1000 };
  const { hub, ingest, db } = await startTestFloor({
    settings,
    aliases: ALIASES,
    now: () => clock.now,
    teamOf: (agent) => TEAMS[agent] ?? null,
  });
  await ingest.submit(START);
  return { hub, ingest, db, clock };
}

const callers = (floor: FloorPayload) =>
  floor.queues.flatMap((q) => q.waitingCalls.map((w) => w.callerId));

describe('the live hub per principal', () => {
  it('GET /api/floor payload: agents of the scope, callers masked without customer.numbers', async () => {
    const { hub, ingest } = await harness();
    await ingest.submit([
      ev(40, 'ENTERQUEUE', { callId: 'c2', queue: 'sales', data: ['', '0287654321', '1'] }),
    ]);
    const agents = (p: Principal) => hub.floor(null, liveViewOf(p)).agents.map((a) => a.agent);
    expect(agents(manager)).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
    expect(agents(wallboard)).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);
    expect(agents(leadNorth)).toEqual(['u-ann']);
    expect(agents(agentBob)).toEqual(['u-bob']);
    // A team lead of no team, and an agent with no user id, see no agents.
    expect(agents(principal('team_lead', { userId: 'u-x' }))).toEqual([]);
    expect(agents(principal('agent'))).toEqual([]);

    expect(callers(hub.floor(null, liveViewOf(manager)))).toEqual(['0287654321']);
    expect(callers(hub.floor(null, liveViewOf(leadNorth)))).toEqual(['0287654321']);
    expect(callers(hub.floor(null, liveViewOf(wallboard)))).toEqual(['0287***321']);
    expect(callers(hub.floor(null, liveViewOf(agentBob)))).toEqual(['0287***321']);
    // Queues (counts) are the same for every view.
    expect(hub.floor(null, liveViewOf(agentBob)).queues[0]?.agents).toEqual(
      hub.floor(null, liveViewOf(manager)).queues[0]?.agents,
    );
  });

  it('live messages: agent rows filtered by scope, queue messages masked per view', async () => {
    const { hub, ingest } = await harness();
    const received = new Map<string, { type: string; data?: { agent?: string } }[]>();
    const texts = new Map<string, string[]>();
    for (const [name, p] of [
      ['manager', manager],
      ['wallboard', wallboard],
      ['leadNorth', leadNorth],
      ['agentBob', agentBob],
    ] as const) {
      received.set(name, []);
      texts.set(name, []);
      hub.subscribe(
        (text) => {
          texts.get(name)?.push(text);
          received.get(name)?.push(JSON.parse(text) as { type: string });
        },
        'en',
        liveViewOf(p),
      );
    }
    const snapshotAgents = (name: string) =>
      (received.get(name)?.[0] as unknown as { data: FloorPayload }).data.agents.map(
        (a) => a.agent,
      );
    expect(snapshotAgents('leadNorth')).toEqual(['u-ann']);
    expect(snapshotAgents('agentBob')).toEqual(['u-bob']);
    expect(snapshotAgents('wallboard')).toEqual(['PJSIP/1003', 'u-ann', 'u-bob']);

    const before = hub.messages;
    await ingest.submit([
      ev(40, 'ENTERQUEUE', { callId: 'c2', queue: 'sales', data: ['', '0287654321', '1'] }),
      ev(45, 'PAUSE', { queue: 'sales', agent: 'PJSIP/1003', data: ['Break'] }),
      ev(50, 'UNPAUSE', { queue: 'sales', agent: 'PJSIP/1001', data: [] }),
      ev(55, 'COMPLETEAGENT', {
        callId: 'c1',
        queue: 'sales',
        agent: 'PJSIP/1002',
        data: ['15', '20', '1'],
      }),
    ]);
    const agentMessages = (name: string) =>
      (received.get(name) ?? []).filter((m) => m.type === 'agent').map((m) => m.data?.agent);
    expect(new Set(agentMessages('manager'))).toEqual(new Set(['PJSIP/1003', 'u-ann', 'u-bob']));
    expect(new Set(agentMessages('wallboard'))).toEqual(new Set(['PJSIP/1003', 'u-ann', 'u-bob']));
    expect(new Set(agentMessages('leadNorth'))).toEqual(new Set(['u-ann']));
    expect(new Set(agentMessages('agentBob'))).toEqual(new Set(['u-bob']));

    const queueTexts = (name: string) =>
      (texts.get(name) ?? []).filter((t) => t.startsWith('{"type":"queue"'));
    for (const name of ['manager', 'leadNorth']) {
      expect(queueTexts(name).some((t) => t.includes('"0287654321"'))).toBe(true);
    }
    for (const name of ['wallboard', 'agentBob']) {
      expect(queueTexts(name).length).toBeGreaterThan(0);
      expect(queueTexts(name).some((t) => t.includes('"0287***321"'))).toBe(true);
      expect((texts.get(name) ?? []).some((t) => t.includes('0287654321'))).toBe(false);
    }
    // Each change counts once whatever the number of clients and variants.
    const managerSince = (received.get('manager') ?? []).length - 1;
    expect(hub.messages - before).toBe(managerSince);
  });

  it('alerts about people stay off the wallboard; QA alerts only for roles that see QA', async () => {
    const { hub } = await harness();
    const itAdmin = principal('admin', { userId: 'u-ida' });
    const wallboardTexts: string[] = [];
    hub.subscribe((text) => wallboardTexts.push(text), 'en', liveViewOf(manager, 'wallboard'));
    const base = { queue: null, since: (T0 + 100) * 1000, params: {} };
    hub.raiseAlert({
      ...base,
      id: 'qa',
      norm: 'E09',
      rule: 'qa.critical',
      severity: 'critical',
      agent: 'u-ann',
      params: { call: 'c1', check: 'E09' },
    });
    hub.raiseAlert({
      ...base,
      id: 'away',
      norm: 'R12',
      rule: 'absence.unapproved',
      severity: 'warning',
      agent: 'u-ann',
      params: { minutes: 10 },
    });
    hub.raiseAlert({
      ...base,
      id: 'wait',
      norm: 'S2',
      rule: 'queue.longest_wait',
      severity: 'warning',
      agent: null,
      queue: 'sales',
      params: { seconds: 60 },
    });
    const ids = (view: ReturnType<typeof liveViewOf>) =>
      hub
        .floor(null, view)
        .alerts.map((a) => a.id)
        .sort();
    expect(ids(liveViewOf(manager))).toEqual(['away', 'qa', 'wait']);
    expect(ids(liveViewOf(leadNorth))).toEqual(['away', 'qa', 'wait']);
    // The IT admin sees the floor but not QA evaluations (personal data): no QA alert either.
    expect(ids(liveViewOf(itAdmin))).toEqual(['away', 'wait']);
    // The wallboard is for the whole floor to see: queue and source alerts only, for every role.
    for (const who of [manager, agentBob, wallboard]) {
      expect(ids(liveViewOf(who, 'wallboard'))).toEqual(['wait']);
    }
    expect(ids(liveViewOf(agentBob))).toEqual(['wait']);
    const sent = wallboardTexts.filter((t) => t.startsWith('{"type":"alert"'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('"id":"wait"');
  });

  it('keeps filtering after scoped clients leave (unsubscribing twice counts once)', async () => {
    const { hub, ingest } = await harness();
    const unsubscribe = hub.subscribe(() => undefined, 'en', liveViewOf(leadNorth));
    unsubscribe();
    unsubscribe();
    expect(hub.size).toBe(0);
    const agentTexts: string[] = [];
    hub.subscribe(
      (t) => {
        if (t.startsWith('{"type":"agent"')) agentTexts.push(t);
      },
      'en',
      liveViewOf(agentBob),
    );
    await ingest.submit([
      ev(45, 'PAUSE', { queue: 'sales', agent: 'PJSIP/1003', data: ['Break'] }),
      ev(50, 'UNPAUSE', { queue: 'sales', agent: 'PJSIP/1001', data: [] }),
    ]);
    expect(agentTexts).toEqual([]);
    // A subscriber that throws is dropped, and its scope with it.
    let calls = 0;
    hub.subscribe(
      () => {
        if (calls++ > 0) throw new Error('gone'); // after the snapshot
      },
      'en',
      liveViewOf(leadNorth),
    );
    await ingest.submit([ev(60, 'UNPAUSE', { queue: 'sales', agent: 'PJSIP/1003', data: [] })]);
    expect(hub.size).toBe(1);
    expect(agentTexts).toEqual([]);
  });

  it('agent alerts go to the clients whose scope shows the agent; queue alerts to all', async () => {
    const { hub, ingest, clock } = await harness();
    const got = { leadNorth: [] as string[], wallboard: [] as string[] };
    hub.subscribe((t) => got.leadNorth.push(t), 'en', liveViewOf(leadNorth));
    hub.subscribe((t) => got.wallboard.push(t), 'en', liveViewOf(wallboard));
    await ingest.submit([
      ev(45, 'PAUSE', { queue: 'sales', agent: 'PJSIP/1003', data: ['Break'] }),
    ]);
    // u-ann paused at T0+10 and PJSIP/1003 at T0+45: both past 600 s at T0+700.
    clock.now = (T0 + 700) * 1000;
    hub.evaluateAlerts();
    const alertAgents = (texts: string[]) =>
      texts
        .map((t) => JSON.parse(t) as { type: string; data?: { agent: string | null } })
        .filter((m) => m.type === 'alert')
        .map((m) => m.data?.agent);
    expect(alertAgents(got.wallboard).sort()).toEqual(['PJSIP/1003', 'u-ann']);
    expect(alertAgents(got.leadNorth)).toEqual(['u-ann']);
    expect(hub.floor('en', liveViewOf(leadNorth)).alerts.map((a) => a.agent)).toEqual(['u-ann']);

    // PJSIP/1003 comes back: its alert-cleared goes only to those who saw the alert.
    await ingest.submit([ev(690, 'UNPAUSE', { queue: 'sales', agent: 'PJSIP/1003', data: [] })]);
    hub.evaluateAlerts();
    const cleared = (texts: string[]) => texts.filter((t) => t.includes('"alert-cleared"'));
    expect(cleared(got.wallboard)).toHaveLength(1);
    expect(cleared(got.leadNorth)).toHaveLength(0);
  });
});

describe('alert messages', () => {
  const people: AgentNames = {
    agent: (id) => (id === 'u-ann' ? { id, name: 'Ann Chen', teamId: null, teamName: null } : null),
    memberNames: (id) => [id],
  };
  const absence: FloorAlert = {
    id: 'absence.unapproved:u-ann:1',
    norm: 'R12',
    rule: 'absence.unapproved',
    severity: 'warning',
    agent: 'u-ann',
    queue: null,
    since: 1,
    params: { minutes: 10, reason: 'Lunch' },
  };

  it('name the agent as the floor does: the person from the register, else the agent id', () => {
    expect(presentAlert(absence, 'en', people).message).toBe(
      'Ann Chen has been away (paused: Lunch) for 10 minutes or more',
    );
    expect(presentAlert(absence, 'zh-TW', people).message).toContain('Ann Chen');
    expect(presentAlert({ ...absence, agent: 'PJSIP/1003' }, 'en', people).message).toBe(
      'PJSIP/1003 has been away (paused: Lunch) for 10 minutes or more',
    );
    expect(presentAlert(absence, 'en').message).toContain('u-ann has been away');
  });
});
