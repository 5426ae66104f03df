import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  ROLES,
  ROLE_PERMISSIONS,
  agentScope,
  can,
  inScope,
  maskNumber,
  type Principal,
} from './access.js';

const person = (role: Principal['role'], teamIds: string[] = [], userId = 'u1'): Principal => ({
  kind: 'session',
  role,
  userId,
  name: userId,
  teamIds,
  tokenId: null,
});

describe('maskNumber (X05)', () => {
  it.each([
    ['0912345678', '0912***678'], // floor-api.md's example
    ['+886912345678', '+8869***678'],
    ['12345678', '1234***678'],
    ['1234567', '12***67'],
    ['12345', '12***45'],
    ['1234', '***'],
    ['', '***'],
    ['Lin Mei', '***'],
    ['anonymous', '***'],
  ])('%s → %s', (input, expected) => {
    expect(maskNumber(input)).toBe(expected);
  });
  it('keeps null', () => {
    expect(maskNumber(null)).toBeNull();
  });
});

describe('scope', () => {
  it('team leads see the teams they lead, agents themselves, the others everyone', () => {
    const lead = agentScope(person('team_lead', ['A', 'C']));
    expect(inScope(lead, { id: 'x', teamId: 'A' })).toBe(true);
    expect(inScope(lead, { id: 'x', teamId: 'B' })).toBe(false);
    expect(inScope(lead, { id: 'PJSIP/9', teamId: null })).toBe(false);
    const agent = agentScope(person('agent', ['A'], 'lin'));
    expect(inScope(agent, { id: 'lin', teamId: 'A' })).toBe(true);
    expect(inScope(agent, { id: 'amy', teamId: 'A' })).toBe(false);
    for (const role of ['qa', 'manager', 'admin', 'wallboard', 'integration'] as const) {
      expect(inScope(agentScope(person(role)), { id: 'PJSIP/9', teamId: null })).toBe(true);
    }
  });
});

describe('the policy', () => {
  it('gives customer numbers to team leads, QA and managers only (least privilege)', () => {
    expect(ROLES.filter((r) => can(person(r), 'customer.numbers'))).toEqual([
      'team_lead',
      'qa',
      'manager',
    ]);
  });

  it('is the table printed in docs/security.md', () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of doc.split('\n')) {
      const m = /^\|\s*`([a-z_.]+)`\s*\|(.*)\|$/.exec(line);
      if (m === null) continue;
      const cells = m[2]!.split('|').map((c) => c.trim());
      rows.set(
        m[1]!,
        ROLES.filter((_, i) => cells[i] === '✓'),
      );
    }
    expect([...rows.keys()]).toEqual([...PERMISSIONS]);
    for (const permission of PERMISSIONS) {
      expect(rows.get(permission), permission).toEqual(
        ROLES.filter((r) => ROLE_PERMISSIONS[r].has(permission)),
      );
    }
  });
});
