import { describe, expect, it } from 'vitest';
import { agent, queue, snapshot, T0 } from './fixtures.js';
import {
  agentTitle,
  applyLiveMessage,
  EMPTY_FLOOR,
  filterAgents,
  liveLongestWait,
  parseLiveMessage,
  teamsOf,
  type FloorState,
} from './floor-state.js';
import type { FloorAlert, LiveMessage } from './types.js';

const alert = (id: string, since: number): FloorAlert => ({
  id,
  norm: 'R12',
  rule: 'absence.unapproved',
  severity: 'warning',
  agent: 'PJSIP/1001',
  queue: null,
  since,
  message: `alert ${id}`,
});

function loaded(clientNow = T0): FloorState {
  return applyLiveMessage(EMPTY_FLOOR, { type: 'snapshot', data: snapshot() }, clientNow);
}

describe('applyLiveMessage', () => {
  it('a snapshot replaces the floor, sorts agents by name and queues by name, and sets the clock offset', () => {
    const s = loaded(T0 - 2500);
    expect(s.agents.map((a) => a.name)).toEqual(['Lin Mei', 'Wang Wei']);
    expect(s.queues.map((q) => q.queue)).toEqual(['sales', 'support']);
    expect(s.clockOffsetMs).toBe(2500);
    expect(s.queueAt).toEqual({ sales: T0, support: T0 });
    expect(s.demo).toBe(false);
  });

  it('marks the demo floor', () => {
    const s = applyLiveMessage(
      EMPTY_FLOOR,
      { type: 'snapshot', data: snapshot({ demo: true }) },
      T0,
    );
    expect(s.demo).toBe(true);
  });

  it('an agent delta replaces the agent with the same id and keeps the others', () => {
    const s = applyLiveMessage(
      loaded(),
      {
        type: 'agent',
        data: agent({ agent: 'PJSIP/1001', name: 'Lin Mei', state: 'available', since: T0 + 5000 }),
      },
      T0 + 5000,
    );
    expect(s.agents).toHaveLength(2);
    const lin = s.agents.find((a) => a.agent === 'PJSIP/1001');
    expect(lin?.state).toBe('available');
    expect(lin?.since).toBe(T0 + 5000);
    expect(s.agents.find((a) => a.agent === 'PJSIP/1002')?.state).toBe('on_call');
  });

  it('an agent delta for a new agent adds it in name order', () => {
    const s = applyLiveMessage(
      loaded(),
      { type: 'agent', data: agent({ agent: 'PJSIP/1003', name: 'Chen Hao' }) },
      T0,
    );
    expect(s.agents.map((a) => a.name)).toEqual(['Chen Hao', 'Lin Mei', 'Wang Wei']);
  });

  it('a queue delta replaces the queue and records when its figures are from (server clock)', () => {
    const base = loaded(T0 - 1000); // server is 1 s ahead
    const s = applyLiveMessage(
      base,
      { type: 'queue', data: queue({ queue: 'sales', waiting: 3 }) },
      T0 + 9000,
    );
    expect(s.queues.find((q) => q.queue === 'sales')?.waiting).toBe(3);
    expect(s.queues).toHaveLength(2);
    expect(s.queueAt.sales).toBe(T0 + 10_000);
    expect(s.queueAt.support).toBe(T0);
  });

  it('alerts are kept newest first; alert-cleared removes by id; a repeated id replaces', () => {
    let s = loaded();
    s = applyLiveMessage(s, { type: 'alert', data: alert('a-1', T0) }, T0);
    s = applyLiveMessage(s, { type: 'alert', data: alert('a-2', T0 + 60_000) }, T0);
    expect(s.alerts.map((a) => a.id)).toEqual(['a-2', 'a-1']);
    s = applyLiveMessage(
      s,
      { type: 'alert', data: { ...alert('a-1', T0), message: 'updated' } },
      T0,
    );
    expect(s.alerts).toHaveLength(2);
    expect(s.alerts.find((a) => a.id === 'a-1')?.message).toBe('updated');
    s = applyLiveMessage(s, { type: 'alert-cleared', id: 'a-2' }, T0);
    expect(s.alerts.map((a) => a.id)).toEqual(['a-1']);
  });

  it('does not modify the input state', () => {
    const s = loaded();
    const before = JSON.stringify(s);
    applyLiveMessage(
      s,
      { type: 'agent', data: agent({ agent: 'PJSIP/1001', state: 'logged_out' }) },
      T0,
    );
    applyLiveMessage(s, { type: 'alert-cleared', id: 'x' }, T0);
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('sources', () => {
  it('come with the snapshot and are replaced by a sources message', () => {
    const health = {
      kind: 'ami',
      name: 'pbx:5038',
      ok: true,
      lastEventAt: T0,
      lagSeconds: 0.4,
      error: null,
    };
    const s = applyLiveMessage(
      EMPTY_FLOOR,
      { type: 'snapshot', data: { ...snapshot(), sources: [health] } },
      T0,
    );
    expect(s.sources).toEqual([health]);
    expect(loaded().sources).toEqual([]); // an older server sends none
    const down = { ...health, ok: false, error: 'connection refused' };
    const message = parseLiveMessage(JSON.stringify({ type: 'sources', data: [down] }));
    expect(message).toEqual({ type: 'sources', data: [down] });
    expect(applyLiveMessage(s, message as LiveMessage, T0 + 1000).sources).toEqual([down]);
    expect(parseLiveMessage('{"type":"sources","data":{}}')).toBeNull();
  });
});

describe('parseLiveMessage', () => {
  it('accepts the five message types', () => {
    expect(parseLiveMessage('{"type":"alert-cleared","id":"a-1"}')).toEqual({
      type: 'alert-cleared',
      id: 'a-1',
    });
    expect(parseLiveMessage(JSON.stringify({ type: 'snapshot', data: snapshot() }))?.type).toBe(
      'snapshot',
    );
  });
  it('rejects non-JSON, unknown types and missing payloads', () => {
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('{"type":"hello","data":{}}')).toBeNull();
    expect(parseLiveMessage('{"type":"agent"}')).toBeNull();
    expect(parseLiveMessage('{"type":"alert-cleared","id":7}')).toBeNull();
    expect(parseLiveMessage('null')).toBeNull();
  });
});

describe('filters', () => {
  const agents = [
    agent({ agent: 'a', team: 'A', queues: ['sales'] }),
    agent({ agent: 'b', team: 'B', queues: ['sales', 'support'] }),
    agent({ agent: 'c', team: null, queues: ['support'] }),
  ];
  it('filters by queue, by team and by both', () => {
    expect(filterAgents(agents, { queue: 'support', team: null }).map((a) => a.agent)).toEqual([
      'b',
      'c',
    ]);
    expect(filterAgents(agents, { queue: null, team: 'A' }).map((a) => a.agent)).toEqual(['a']);
    expect(filterAgents(agents, { queue: 'support', team: 'B' }).map((a) => a.agent)).toEqual([
      'b',
    ]);
    expect(filterAgents(agents, { queue: null, team: null })).toHaveLength(3);
  });
  it('lists the teams, without the agents that have none', () => {
    expect(teamsOf(agents)).toEqual(['A', 'B']);
  });
});

describe('agentTitle', () => {
  it('gives the whole name and the member names the agent appears under', () => {
    const long = 'Alexandra Montgomery-Whitfield';
    expect(long).toHaveLength(30);
    expect(agentTitle(agent({ agent: 'p1004', name: long, memberNames: ['PJSIP/1004'] }))).toBe(
      'Alexandra Montgomery-Whitfield (PJSIP/1004)',
    );
    expect(
      agentTitle(
        agent({ agent: '1127', name: '歐陽雅婷', memberNames: ['Agent/1127', 'Local/1127'] }),
      ),
    ).toBe('歐陽雅婷 (Agent/1127, Local/1127)');
  });
  it('is the id alone for an agent with no person (name = id), with or without member names', () => {
    expect(agentTitle(agent({ agent: 'PJSIP/1001', memberNames: ['PJSIP/1001'] }))).toBe(
      'PJSIP/1001',
    );
    expect(agentTitle(agent({ agent: 'PJSIP/1001' }))).toBe('PJSIP/1001');
    expect(agentTitle(agent({ agent: 'p7', name: 'Wu Jie', memberNames: [] }))).toBe('Wu Jie (p7)');
  });
});

describe('liveLongestWait', () => {
  it('counts from the oldest waiting call', () => {
    const q = queue({
      queue: 'sales',
      waiting: 2,
      longestWait: 5,
      waitingCalls: [
        { callId: '1', since: T0 - 35_000 },
        { callId: '2', since: T0 - 4_000 },
      ],
    });
    expect(liveLongestWait(q, T0, T0)).toBe(35);
    expect(liveLongestWait(q, T0 + 10_999, T0)).toBe(45);
  });
  it('ages the reported figure when the calls are not listed', () => {
    const q = queue({ queue: 'sales', waiting: 1, longestWait: 12, waitingCalls: [] });
    expect(liveLongestWait(q, T0 + 3_000, T0)).toBe(15);
  });
  it('is 0 when nobody waits', () => {
    expect(liveLongestWait(queue({ queue: 'sales', waiting: 0, longestWait: 99 }), T0, T0)).toBe(0);
  });
});
