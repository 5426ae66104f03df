import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/people/access.js';
import type { QueueCallRecord } from '../../core/stats/records.js';
import { defaultStatsSettings } from '../../core/stats/report.js';
import { insertRecords } from '../../db/records.repository.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { callsCsv, callsXlsx, listCalls } from './calls-service.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const settings = { ...defaultStatsSettings(), timeZone: 'UTC' };
const TEAMS: Record<string, string> = { 'u-ann': 'north', 'u-bob': 'south' };
const teamOf = (agent: string) => TEAMS[agent] ?? null;

function call(
  callId: string,
  offset: number,
  agent: string | null,
  callerId: string | null,
): QueueCallRecord {
  const answered = agent !== null;
  return {
    callId,
    queue: 'sales',
    attributedAt: T0 + offset,
    enteredAt: T0 + offset,
    outcome: answered ? 'answered' : 'abandoned',
    wait: 12,
    agent,
    connectedAt: answered ? T0 + offset + 12 : null,
    endedAt: T0 + offset + 100,
    talk: answered ? 88 : null,
    wrapUp: 0,
    transferred: false,
    exitKey: null,
    callerId,
    firstStint: true,
    rings: [],
  };
}

const CALLS = [
  call('c1', 10, 'u-ann', '0912345678'),
  call('c2', 20, 'u-bob', '0287654321'),
  call('c3', 30, null, '+886912000111'),
  call('c4', 40, 'PJSIP/1003', null),
];

function principal(role: Principal['role'], fields: Partial<Principal> = {}): Principal {
  return { kind: 'session', role, userId: null, name: role, teamIds: [], tokenId: null, ...fields };
}
const manager = principal('manager', { userId: 'u-max' });
const leadNorth = principal('team_lead', { userId: 'u-lena', teamIds: ['north'] });
const agentBob = principal('agent', { userId: 'u-bob', teamIds: ['south'] });
const integration = principal('integration', { kind: 'token', tokenId: 'tok-crm' });

const dialects = await testDialects();
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('calls');
  const rows: unknown[][] = [];
  sheet?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe.each(dialects)('the call list on $name', ({ open }) => {
  async function db(): Promise<TestDatabase> {
    const d = await open();
    opened.push(d);
    await insertRecords(d.db, { queueCalls: CALLS, segments: [], rejected: [], agents: new Map() });
    return d;
  }

  it('shows a manager every call with caller numbers, and says customer data was read', async () => {
    const d = await db();
    const list = await listCalls(d.db, manager, {}, settings, teamOf);
    expect(list.calls.map((c) => [c.callId, c.agent, c.callerId])).toEqual([
      ['c1', 'u-ann', '0912345678'],
      ['c2', 'u-bob', '0287654321'],
      ['c3', null, '+886912000111'],
      ['c4', 'PJSIP/1003', null],
    ]);
    expect(list.customerData).toBe(true);
    expect(list.truncated).toBe(false);
    expect(list.calls[0]).toEqual({
      callId: 'c1',
      queue: 'sales',
      attributedAt: T0 + 10,
      enteredAt: T0 + 10,
      outcome: 'answered',
      wait: 12,
      agent: 'u-ann',
      connectedAt: T0 + 22,
      endedAt: T0 + 110,
      talk: 88,
      wrapUp: 0,
      transferred: false,
      exitKey: null,
      callerId: '0912345678',
    });
  });

  it('limits a team lead to their team and an agent to themselves', async () => {
    const d = await db();
    const lead = await listCalls(d.db, leadNorth, {}, settings, teamOf);
    expect(lead.calls.map((c) => c.callId)).toEqual(['c1']);
    expect(lead.calls[0]?.callerId).toBe('0912345678'); // team leads have customer.numbers
    const agent = await listCalls(d.db, agentBob, {}, settings, teamOf);
    expect(agent.calls.map((c) => [c.callId, c.callerId])).toEqual([['c2', '0287***321']]);
    expect(agent.customerData).toBe(false);
    // Asking for another agent's calls gives nothing outside the scope.
    const other = await listCalls(d.db, agentBob, { agent: 'u-ann' }, settings, teamOf);
    expect(other.calls).toEqual([]);
  });

  it('masks caller numbers for roles without customer.numbers in JSON, CSV and XLSX', async () => {
    const d = await db();
    const list = await listCalls(d.db, integration, {}, settings, teamOf);
    expect(list.calls.map((c) => c.callerId)).toEqual([
      '0912***678',
      '0287***321',
      '+8869***111',
      null,
    ]);
    expect(list.customerData).toBe(false);
    const csv = callsCsv(list.calls);
    expect(csv.split('\r\n')[0]).toBe(
      'callId,queue,attributedAt,enteredAt,outcome,wait,agent,connectedAt,endedAt,talk,wrapUp,transferred,exitKey,callerId',
    );
    expect(csv.split('\r\n')[1]).toBe(
      `c1,sales,${T0 + 10},${T0 + 10},answered,12,u-ann,${T0 + 22},${T0 + 110},88,0,0,,0912***678`,
    );
    for (const raw of ['0912345678', '0287654321', '+886912000111']) {
      expect(csv).not.toContain(raw);
    }
    const rows = await xlsxRows(await callsXlsx(list.calls));
    expect(rows[0]?.at(-1)).toBe('callerId');
    expect(rows.slice(1).map((r) => r[13] ?? null)).toEqual([
      '0912***678',
      '0287***321',
      '+8869***111',
      null,
    ]);
    const unmasked = await listCalls(d.db, manager, {}, settings, teamOf);
    const managerRows = await xlsxRows(await callsXlsx(unmasked.calls));
    expect(managerRows.slice(1).map((r) => r[13] ?? null)).toEqual([
      '0912345678',
      '0287654321',
      '+886912000111',
      null,
    ]);
    expect(callsCsv(unmasked.calls)).toContain(',0912345678\r\n');
  });

  it('filters by range, queue and agent; truncates at the row limit', async () => {
    const d = await db();
    const range = await listCalls(
      d.db,
      manager,
      { from: '2026-01-01T00:00:20', to: '2026-01-01T00:00:40' },
      settings,
      teamOf,
    );
    expect(range.calls.map((c) => c.callId)).toEqual(['c2', 'c3']);
    expect(range.from).toBe(T0 + 20);
    expect((await listCalls(d.db, manager, { queue: 'other' }, settings, teamOf)).calls).toEqual(
      [],
    );
    const two = await listCalls(d.db, manager, {}, settings, teamOf, 2);
    expect(two.calls.map((c) => c.callId)).toEqual(['c1', 'c2']);
    expect(two.truncated).toBe(true);
    await expect(
      listCalls(d.db, manager, { from: 'yesterday' }, settings, teamOf),
    ).rejects.toMatchObject({ code: 'invalid_request', field: 'from' });
  });
});
