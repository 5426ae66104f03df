import { describe, expect, it } from 'vitest';
import { actionRequest, canControlAgents, NO_ACCESS } from './supervisor.js';

describe('supervisor actions in the console', () => {
  it('show only to roles with agents.control', () => {
    const lead = { permissions: ['floor.view', 'agents.control'], csrfToken: 'c1' };
    const ami = [{ kind: 'queue_log' }, { kind: 'ami' }];
    expect(canControlAgents(lead, ami)).toBe(true);
    expect(canControlAgents(lead, [{ kind: 'freeswitch' }])).toBe(true);
    expect(canControlAgents({ permissions: ['floor.view'], csrfToken: null }, ami)).toBe(false);
    expect(canControlAgents(NO_ACCESS, ami)).toBe(false);
    // queue_log alone or the demo floor cannot carry actions to the PBX: no buttons.
    expect(canControlAgents(lead, [{ kind: 'queue_log' }])).toBe(false);
    expect(canControlAgents(lead, [{ kind: 'demo' }])).toBe(false);
    expect(canControlAgents(lead, undefined)).toBe(false);
  });

  it('build the requests of the endpoints', () => {
    expect(actionRequest('PJSIP/1001', { kind: 'pause', reason: ' Lunch ' })).toEqual({
      url: '/api/agents/PJSIP%2F1001/pause',
      body: { paused: true, reason: 'Lunch' },
    });
    expect(actionRequest('alice', { kind: 'pause', reason: '' }).body).toEqual({ paused: true });
    expect(actionRequest('alice', { kind: 'unpause' })).toEqual({
      url: '/api/agents/alice/pause',
      body: { paused: false },
    });
    expect(actionRequest('alice', { kind: 'logoff' })).toEqual({
      url: '/api/agents/alice/logoff',
      body: {},
    });
    expect(actionRequest('alice', { kind: 'spy', mode: 'barge' })).toEqual({
      url: '/api/agents/alice/spy',
      body: { mode: 'barge' },
    });
  });
});
