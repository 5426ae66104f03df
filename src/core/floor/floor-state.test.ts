import { describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../telephony/events.js';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import { FloorState, type FloorAgentView } from './floor-state.js';

/** 2026-01-01T00:00:00Z in epoch seconds; every test time is T + offset. */
const T = 1767225600;
const ms = (offset: number): number => (T + offset) * 1000;

/** One queue_log line at T + offset: `at(10, 'c1|sales|PJSIP/1|CONNECT|5|x|2')`. */
function at(offset: number, rest: string): TelephonyEvent {
  const parsed = parseQueueLogLine(`${T + offset}|${rest}`);
  if (!parsed.ok) throw new Error(`bad test line ${rest}: ${parsed.reason}`);
  return parsed.event;
}

function feed(floor: FloorState, events: readonly TelephonyEvent[]): void {
  for (const e of events) floor.apply(e);
}

function agent(floor: FloorState, id: string, nowOffset: number): FloorAgentView {
  return floor.agentView(id, ms(nowOffset));
}

/** state/reason/since (as offset seconds) of an agent. */
function brief(floor: FloorState, id: string, nowOffset: number): [string, string | null, number] {
  const a = agent(floor, id, nowOffset);
  return [a.state, a.reason, a.since / 1000 - T];
}

const ADD = (q: string, m: string, paused = false): string =>
  `MANAGER|${q}|${m}|ADDMEMBER|${paused ? 'PAUSED' : ''}`;

describe('since: changes only with the state or the reason', () => {
  it('keeps since on a repeated PAUSE with the same reason and on non-state events', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(100, 'NONE|sales|PJSIP/1|PAUSE|Break'),
      at(160, 'NONE|sales|PJSIP/1|PAUSE|Break'),
      at(170, 'NONE|sales|PJSIP/1|PENALTY|2'),
      at(180, 'NONE|NONE|NONE|CONFIGRELOAD|'),
      at(190, 'c9|sales|PJSIP/1|RINGNOANSWER|15000'),
      at(200, 'c9|sales|PJSIP/1|AGENTDUMP|'),
    ]);
    expect(brief(f, 'PJSIP/1', 300)).toEqual(['paused', 'Break', 100]);
  });

  it('starts a new segment when the pause reason changes (no UNPAUSE between)', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(100, 'NONE|sales|PJSIP/1|PAUSE|Break'),
      at(400, 'NONE|sales|PJSIP/1|PAUSE|Lunch'),
    ]);
    expect(brief(f, 'PJSIP/1', 500)).toEqual(['paused', 'Lunch', 400]);
  });

  it('keeps available since across ring attempts and PENALTY', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(50, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(65, 'c1|sales|PJSIP/1|RINGNOANSWER|15000'),
      at(70, 'NONE|sales|PJSIP/1|PENALTY|1'),
    ]);
    expect(brief(f, 'PJSIP/1', 80)).toEqual(['available', null, 0]);
  });

  it('after a call, available counts from the call end', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(50, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(60, 'c1|sales|PJSIP/1|CONNECT|10|b1|3'),
    ]);
    expect(brief(f, 'PJSIP/1', 61)).toEqual(['on_call', null, 60]);
    expect(agent(f, 'PJSIP/1', 61).callId).toBe('c1');
    feed(f, [at(180, 'c1|sales|PJSIP/1|COMPLETECALLER|10|120|1')]);
    expect(brief(f, 'PJSIP/1', 200)).toEqual(['available', null, 180]);
    expect(agent(f, 'PJSIP/1', 200).callId).toBeNull();
  });
});

describe('a call wins', () => {
  it('paused during a call: on_call until the end, then the pause since the call end', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(50, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(60, 'c1|sales|PJSIP/1|CONNECT|10|b1|3'),
      at(100, 'NONE|sales|PJSIP/1|PAUSE|Lunch'),
    ]);
    expect(brief(f, 'PJSIP/1', 120)).toEqual(['on_call', null, 60]);
    expect(agent(f, 'PJSIP/1', 120).pausedQueues).toEqual(['sales']);
    feed(f, [at(200, 'c1|sales|PJSIP/1|COMPLETEAGENT|10|140|1')]);
    expect(brief(f, 'PJSIP/1', 210)).toEqual(['paused', 'Lunch', 200]);
  });

  it('removed during a call: on_call until the end, then logged_out since the call end', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(50, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(60, 'c1|sales|PJSIP/1|CONNECT|10|b1|3'),
      at(100, 'MANAGER|sales|PJSIP/1|REMOVEMEMBER|'),
    ]);
    expect(brief(f, 'PJSIP/1', 120)).toEqual(['on_call', null, 60]);
    expect(agent(f, 'PJSIP/1', 120).queues).toEqual([]);
    feed(f, [at(200, 'c1|sales|PJSIP/1|COMPLETEAGENT|10|140|1')]);
    expect(brief(f, 'PJSIP/1', 210)).toEqual(['logged_out', null, 200]);
  });
});

describe('several queues', () => {
  it('paused only when paused in every queue; otherwise available with pausedQueues', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(0, ADD('support', 'PJSIP/1')),
      at(100, 'NONE|sales|PJSIP/1|PAUSE|Training'),
    ]);
    let a = agent(f, 'PJSIP/1', 150);
    expect([a.state, a.reason, a.since / 1000 - T]).toEqual(['available', null, 0]);
    expect(a.queues).toEqual(['sales', 'support']);
    expect(a.pausedQueues).toEqual(['sales']);
    // In sales they count as paused (sales cannot reach them), in support as available.
    const view = f.view(ms(150));
    expect(view.queues.find((q) => q.queue === 'sales')?.agents).toMatchObject({
      available: 0,
      paused: 1,
    });
    expect(view.queues.find((q) => q.queue === 'support')?.agents).toMatchObject({
      available: 1,
      paused: 0,
    });
    feed(f, [at(200, 'NONE|support|PJSIP/1|PAUSE|Training')]);
    a = agent(f, 'PJSIP/1', 250);
    expect([a.state, a.reason, a.since / 1000 - T]).toEqual(['paused', 'Training', 200]);
    feed(f, [at(300, 'NONE|sales|PJSIP/1|UNPAUSE|')]);
    expect(brief(f, 'PJSIP/1', 350)).toEqual(['available', null, 300]);
  });

  it('PAUSEALL plus per-queue PAUSE in the same second is one pause with the per-queue reason (QL05)', () => {
    const f = new FloorState();
    const changes = [
      at(0, ADD('support', 'PJSIP/501')),
      at(0, ADD('sales', 'PJSIP/501')),
      at(600, 'NONE|NONE|PJSIP/501|PAUSEALL|'),
      at(600, 'NONE|support|PJSIP/501|PAUSE|Lunch'),
      at(600, 'NONE|sales|PJSIP/501|PAUSE|Lunch'),
    ].map((e) => f.apply(e));
    expect(brief(f, 'PJSIP/501', 700)).toEqual(['paused', 'Lunch', 600]);
    // The last per-queue PAUSE repeats the reason: nothing changes.
    expect(changes[4]?.agents).toEqual([]);
    feed(f, [
      at(2400, 'NONE|NONE|PJSIP/501|UNPAUSEALL|'),
      at(2400, 'NONE|support|PJSIP/501|UNPAUSE|'),
      at(2400, 'NONE|sales|PJSIP/501|UNPAUSE|'),
    ]);
    expect(brief(f, 'PJSIP/501', 2500)).toEqual(['available', null, 2400]);
    feed(f, [
      at(3600, 'MANAGER|support|PJSIP/501|REMOVEMEMBER|'),
      at(3600, 'MANAGER|sales|PJSIP/501|REMOVEMEMBER|'),
    ]);
    expect(brief(f, 'PJSIP/501', 3700)).toEqual(['logged_out', null, 3600]);
  });
});

describe('a followed file may start mid-stream', () => {
  it('an agent first seen on a call is a logged-in member on_call, then available', () => {
    const f = new FloorState();
    feed(f, [at(10, 'c1|sales|PJSIP/7|CONNECT|4|b1|2')]);
    expect(brief(f, 'PJSIP/7', 20)).toEqual(['on_call', null, 10]);
    expect(agent(f, 'PJSIP/7', 20).queues).toEqual(['sales']);
    feed(f, [at(70, 'c1|sales|PJSIP/7|COMPLETEAGENT|4|60|1')]);
    expect(brief(f, 'PJSIP/7', 80)).toEqual(['available', null, 70]);
  });

  it('an agent first seen on a pause line is a paused member; on a ring line, available', () => {
    const f = new FloorState();
    feed(f, [at(10, 'NONE|sales|PJSIP/8|PAUSE|'), at(20, 'c2|support|PJSIP/9|RINGNOANSWER|15000')]);
    expect(brief(f, 'PJSIP/8', 30)).toEqual(['paused', '', 10]);
    expect(agent(f, 'PJSIP/8', 30).queues).toEqual(['sales']);
    expect(brief(f, 'PJSIP/9', 30)).toEqual(['available', null, 20]);
  });

  it('a COMPLETE with no CONNECT seen ends an unseen call: available from its end', () => {
    const f = new FloorState();
    feed(f, [
      at(0, 'c0|sales|PJSIP/7|RINGNOANSWER|15000'),
      at(100, 'c1|sales|PJSIP/7|COMPLETECALLER|5|80|1'),
    ]);
    expect(brief(f, 'PJSIP/7', 120)).toEqual(['available', null, 100]);
  });

  it('an agent whose queue session was seen ending does not become a member again from a ring line', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(100, 'MANAGER|sales|PJSIP/1|REMOVEMEMBER|'),
      at(150, 'c1|sales|PJSIP/1|RINGNOANSWER|0'),
    ]);
    expect(brief(f, 'PJSIP/1', 200)).toEqual(['logged_out', null, 100]);
  });
});

describe('restart (QUEUESTART)', () => {
  it('ends every call and waiting caller; members and pauses stay', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(0, ADD('sales', 'PJSIP/2')),
      at(10, 'NONE|sales|PJSIP/2|PAUSE|Meeting'),
      at(20, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(25, 'c1|sales|PJSIP/1|CONNECT|5|b1|2'),
      at(30, 'c2|sales|NONE|ENTERQUEUE||0912000002|1'),
    ]);
    expect(f.view(ms(40)).queues[0]?.waiting).toBe(1);
    feed(f, [at(50, 'NONE|NONE|NONE|QUEUESTART|')]);
    expect(brief(f, 'PJSIP/1', 60)).toEqual(['available', null, 50]);
    expect(brief(f, 'PJSIP/2', 60)).toEqual(['paused', 'Meeting', 10]);
    const q = f.view(ms(60)).queues[0];
    expect(q?.waiting).toBe(0);
    expect(q?.longestWait).toBe(0);
    expect(q?.agents).toEqual({
      available: 1,
      ringing: 0,
      onCall: 0,
      wrapUp: 0,
      paused: 1,
      loggedOut: 0,
    });
  });
});

describe('reason', () => {
  it('is "" when paused with no reason (ADDMEMBER|PAUSED) and null when not paused', () => {
    const f = new FloorState();
    feed(f, [at(0, ADD('support', 'PJSIP/701', true))]);
    expect(brief(f, 'PJSIP/701', 10)).toEqual(['paused', '', 0]);
    feed(f, [at(300, 'NONE|support|PJSIP/701|UNPAUSE|')]);
    expect(brief(f, 'PJSIP/701', 310)).toEqual(['available', null, 300]);
  });
});

describe('ringing', () => {
  it('comes only from RINGSTART and ends at CONNECT, RINGNOANSWER, RINGCANCELED or the caller leaving', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(10, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(11, 'c1|sales|PJSIP/1|RINGSTART|'),
    ]);
    expect(brief(f, 'PJSIP/1', 12)).toEqual(['ringing', null, 11]);
    expect(f.view(ms(12)).queues[0]?.agents.ringing).toBe(1);
    feed(f, [at(26, 'c1|sales|PJSIP/1|RINGNOANSWER|15000')]);
    expect(brief(f, 'PJSIP/1', 27)).toEqual(['available', null, 26]);
    feed(f, [at(30, 'c1|sales|PJSIP/1|RINGSTART|'), at(33, 'c1|sales|PJSIP/1|CONNECT|23|b|3')]);
    expect(brief(f, 'PJSIP/1', 34)).toEqual(['on_call', null, 33]);
    feed(f, [
      at(60, 'c1|sales|PJSIP/1|COMPLETEAGENT|23|27|1'),
      at(70, 'c2|sales|NONE|ENTERQUEUE||0912000002|1'),
      at(71, 'c2|sales|PJSIP/1|RINGSTART|'),
      at(75, 'c2|sales|NONE|ABANDON|1|1|5'),
    ]);
    expect(brief(f, 'PJSIP/1', 80)).toEqual(['available', null, 75]);
    feed(f, [
      at(90, 'c3|sales|NONE|ENTERQUEUE||0912000003|1'),
      at(91, 'c3|sales|PJSIP/1|RINGSTART|'),
      at(94, 'c3|sales|PJSIP/1|RINGCANCELED|3000'),
    ]);
    expect(brief(f, 'PJSIP/1', 95)).toEqual(['available', null, 94]);
  });

  it('a pause interrupted only by a ring keeps its own start', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(10, 'NONE|sales|PJSIP/1|PAUSE|Break'),
      at(20, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(21, 'c1|sales|PJSIP/1|RINGSTART|'),
    ]);
    expect(brief(f, 'PJSIP/1', 22)).toEqual(['ringing', null, 21]);
    feed(f, [at(36, 'c1|sales|PJSIP/1|RINGNOANSWER|15000')]);
    expect(brief(f, 'PJSIP/1', 40)).toEqual(['paused', 'Break', 10]);
  });

  it('a queue_log-only stream never shows ringing (RINGNOANSWER is not a ring start)', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(10, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(25, 'c1|sales|PJSIP/1|RINGNOANSWER|15000'),
    ]);
    expect(agent(f, 'PJSIP/1', 20).state).toBe('available');
  });
});

describe('wrap-up', () => {
  it('is shown only when configured, for that long after a call, then available', () => {
    const lines = [
      at(0, ADD('sales', 'PJSIP/1')),
      at(10, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(12, 'c1|sales|PJSIP/1|CONNECT|2|b|1'),
      at(100, 'c1|sales|PJSIP/1|COMPLETECALLER|2|88|1'),
    ];
    const none = new FloorState();
    feed(none, lines);
    expect(brief(none, 'PJSIP/1', 101)).toEqual(['available', null, 100]);

    const f = new FloorState({ wrapUpSeconds: 30 });
    feed(f, lines);
    expect(brief(f, 'PJSIP/1', 100)).toEqual(['wrap_up', null, 100]);
    expect(f.view(ms(129) + 999).agents[0]?.state).toBe('wrap_up');
    expect(f.view(ms(129) + 999).queues[0]?.agents.wrapUp).toBe(1);
    const done = f.view(ms(130)).agents[0];
    expect([done?.state, done?.since]).toEqual(['available', ms(130)]);
    // advance() moves the stored state and reports the change for the WebSocket delta.
    expect(f.advance(ms(129)).agents).toEqual([]);
    expect(f.advance(ms(130))).toEqual({ agents: ['PJSIP/1'], queues: ['sales'] });
    expect(brief(f, 'PJSIP/1', 131)).toEqual(['available', null, 130]);
  });

  it('is cut short when the next call connects', () => {
    const f = new FloorState({ wrapUpSeconds: 30 });
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(12, 'c1|sales|PJSIP/1|CONNECT|2|b|1'),
      at(100, 'c1|sales|PJSIP/1|COMPLETECALLER|2|88|1'),
      at(110, 'c2|sales|PJSIP/1|CONNECT|2|b|1'),
    ]);
    expect(brief(f, 'PJSIP/1', 111)).toEqual(['on_call', null, 110]);
  });
});

describe('hold', () => {
  it('HOLD / UNHOLD keep the agent on_call and since; onHold follows', () => {
    const f = new FloorState();
    feed(f, [
      at(0, ADD('sales', 'PJSIP/1')),
      at(12, 'c1|sales|PJSIP/1|CONNECT|2|b|1'),
      at(40, 'c1|sales|PJSIP/1|HOLD|'),
    ]);
    expect(brief(f, 'PJSIP/1', 41)).toEqual(['on_call', null, 12]);
    expect(agent(f, 'PJSIP/1', 41).onHold).toBe(true);
    feed(f, [at(70, 'c1|sales|PJSIP/1|UNHOLD|')]);
    expect(brief(f, 'PJSIP/1', 71)).toEqual(['on_call', null, 12]);
    expect(agent(f, 'PJSIP/1', 71).onHold).toBe(false);
  });
});

describe('waiting callers', () => {
  it('longestWait counts from entry into the current queue; an overflow restarts it', () => {
    const f = new FloorState();
    feed(f, [
      at(0, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(5, 'c2|sales|NONE|ENTERQUEUE||0912000002|2'),
    ]);
    let sales = f.queueView('sales', ms(35));
    expect([sales.waiting, sales.longestWait]).toEqual([2, 35]);
    expect(sales.waitingCalls.map((w) => [w.callId, w.since, w.callerId])).toEqual([
      ['c1', ms(0), '0912000001'],
      ['c2', ms(5), '0912000002'],
    ]);
    feed(f, [
      at(60, 'c1|sales|NONE|EXITWITHTIMEOUT|1|1|60'),
      at(60, 'c1|overflow|NONE|ENTERQUEUE||0912000001|1'),
    ]);
    sales = f.queueView('sales', ms(70));
    expect([sales.waiting, sales.longestWait]).toEqual([1, 65]);
    const overflow = f.queueView('overflow', ms(70));
    expect([overflow.waiting, overflow.longestWait]).toEqual([1, 10]);
    // A caller stops waiting at CONNECT and at ABANDON.
    feed(f, [at(80, 'c1|overflow|PJSIP/1|CONNECT|20|b|2'), at(81, 'c2|sales|NONE|ABANDON|1|2|76')]);
    expect(f.queueView('overflow', ms(90)).waiting).toBe(0);
    expect(f.queueView('sales', ms(90))).toMatchObject({ waiting: 0, longestWait: 0 });
  });

  it('links a CONNECT under another uniqueid to the one waiting call whose wait matches', () => {
    const f = new FloorState();
    feed(f, [
      at(0, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'),
      at(20, 'c2|sales|NONE|ENTERQUEUE||0912000002|2'),
      at(30, 'c1-swapped|sales|PJSIP/1|CONNECT|30|b|2'),
    ]);
    expect(f.queueView('sales', ms(31)).waitingCalls.map((w) => w.callId)).toEqual(['c2']);
  });
});

describe('member names and changes', () => {
  it('maps several member names to one person and reports only real changes', () => {
    const aliases = new Map([
      ['Local/1001@from-queue/n', 'lin.mei'],
      ['PJSIP/1001', 'lin.mei'],
    ]);
    const f = new FloorState({ aliases });
    expect(f.apply(at(0, ADD('sales', 'Local/1001@from-queue/n')))).toEqual({
      agents: ['lin.mei'],
      queues: ['sales'],
    });
    expect(f.apply(at(10, 'NONE|sales|PJSIP/1001|PAUSE|Break'))).toEqual({
      agents: ['lin.mei'],
      queues: ['sales'],
    });
    expect(f.apply(at(20, 'NONE|sales|PJSIP/1001|PAUSE|Break'))).toEqual({
      agents: [],
      queues: [],
    });
    expect(f.apply(at(30, 'NONE|sales|PJSIP/1001|PENALTY|3'))).toEqual({ agents: [], queues: [] });
    expect(f.apply(at(40, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'))).toEqual({
      agents: [],
      queues: ['sales'],
    });
    const a = agent(f, 'lin.mei', 50);
    expect(a.memberNames).toEqual(['Local/1001@from-queue/n', 'PJSIP/1001']);
    expect([a.state, a.reason, a.since]).toEqual(['paused', 'Break', ms(10)]);
    expect(f.view(ms(50)).agents.map((x) => x.agent)).toEqual(['lin.mei']);
  });

  it('applyAll returns the union of a batch’s changes', () => {
    const f = new FloorState();
    expect(
      f.applyAll([
        at(0, ADD('support', 'PJSIP/501')),
        at(0, ADD('sales', 'PJSIP/501')),
        at(0, 'c1|billing|NONE|ENTERQUEUE||0912000001|1'),
      ]),
    ).toEqual({ agents: ['PJSIP/501'], queues: ['billing', 'sales', 'support'] });
    expect(
      f.applyAll([
        at(600, 'NONE|NONE|PJSIP/501|PAUSEALL|'),
        at(600, 'NONE|support|PJSIP/501|PAUSE|Lunch'),
        at(600, 'NONE|sales|PJSIP/501|PAUSE|Lunch'),
      ]),
    ).toEqual({ agents: ['PJSIP/501'], queues: ['sales', 'support'] });
    expect(f.applyAll([at(700, 'NONE|sales|PJSIP/501|PAUSE|Lunch')])).toEqual({
      agents: [],
      queues: [],
    });
  });

  it('a queue-less logoff (chan_agent) ends every session of the agent', () => {
    const f = new FloorState();
    feed(f, [
      at(0, 'NONE|NONE|Agent/1|AGENTCALLBACKLOGIN|hint:1@default'),
      at(10, 'c1|IT|Agent/1|CONNECT|2|b|1'),
      at(70, 'c1|IT|Agent/1|COMPLETEAGENT|2|60|1'),
    ]);
    expect(brief(f, 'Agent/1', 80)).toEqual(['available', null, 70]);
    feed(f, [at(100, 'NONE|NONE|Agent/1|AGENTCALLBACKLOGOFF|hint:1@default|100')]);
    expect(brief(f, 'Agent/1', 110)).toEqual(['logged_out', null, 100]);
  });
});
