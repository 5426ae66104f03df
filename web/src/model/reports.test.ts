import { describe, expect, it } from 'vitest';
import { ZERO_KPIS } from './fixtures.js';
import {
  aggregateIntervals,
  fillIntervals,
  intervalLabel,
  reportRows,
  reportUrl,
  serviceLevelOf,
  withAgentNames,
  type AgentRow,
  type IntervalRow,
} from './reports.js';

describe('reportUrl', () => {
  it('asks for whole local days with the zone, interval, queue and format', () => {
    const url = reportUrl(
      'intervals',
      {
        fromDate: '2026-01-01',
        toDate: '2026-01-31',
        timeZone: 'Asia/Taipei',
        intervalMinutes: 15,
        queue: 'sales',
      },
      'csv',
    );
    const u = new URL(url, 'http://x');
    expect(u.pathname).toBe('/api/reports/intervals');
    expect(u.searchParams.get('from')).toBe('2026-01-01T00:00:00');
    expect(u.searchParams.get('to')).toBe('2026-02-01T00:00:00');
    expect(u.searchParams.get('tz')).toBe('Asia/Taipei');
    expect(u.searchParams.get('interval')).toBe('15m');
    expect(u.searchParams.get('queue')).toBe('sales');
    expect(u.searchParams.get('format')).toBe('csv');
  });
  it('leaves out the queue when all queues are wanted', () => {
    const url = reportUrl(
      'agents',
      {
        fromDate: '2026-03-01',
        toDate: '2026-03-01',
        timeZone: 'UTC',
        intervalMinutes: 60,
        queue: null,
      },
      'xlsx',
    );
    expect(url).toBe(
      '/api/reports/agents?from=2026-03-01T00%3A00%3A00&to=2026-03-02T00%3A00%3A00&tz=UTC&interval=60m&format=xlsx',
    );
  });
});

describe('reportRows', () => {
  it('reads a bare array, the kind key, rows or data', () => {
    expect(reportRows([1, 2], 'queues')).toEqual([1, 2]);
    expect(reportRows({ settings: {}, agents: [3] }, 'agents')).toEqual([3]);
    expect(reportRows({ rows: [4] }, 'intervals')).toEqual([4]);
    expect(reportRows({ data: [5] }, 'intervals')).toEqual([5]);
    expect(reportRows({ nothing: true }, 'intervals')).toEqual([]);
    expect(reportRows(null, 'intervals')).toEqual([]);
  });
});

describe('withAgentNames', () => {
  const agent = (id: string): AgentRow => ({
    agent: id,
    answered: 3,
    talk: 120,
    busy: 120,
    overlap: 0,
    ringNoAnswer: 0,
    unreachable: 0,
    loggedIn: 3600,
    paused: 0,
    pausedByReason: {},
    occupancy: 0.5,
  });
  it("names each agent from the report's names map; unnamed agents keep their id", () => {
    const rows = [agent('1127'), agent('PJSIP/1001'), agent('toString')];
    const body = { agents: rows, names: { '1127': 'Chen Jie', 'PJSIP/1001': '  ' } };
    expect(withAgentNames(rows, body).map((r) => [r.agent, r.name, r.answered])).toEqual([
      ['1127', 'Chen Jie', 3],
      ['PJSIP/1001', 'PJSIP/1001', 3],
      ['toString', 'toString', 3],
    ]);
  });
  it('keeps the ids when the answer has no names map (an older server)', () => {
    expect(withAgentNames([agent('1127')], { agents: [] })[0]?.name).toBe('1127');
    expect(withAgentNames([agent('1127')], null)[0]?.name).toBe('1127');
  });
});

const row = (start: string, queue: string, over: Partial<IntervalRow>): IntervalRow => ({
  ...ZERO_KPIS,
  start,
  queue,
  ...over,
});

describe('serviceLevelOf', () => {
  // 10 offered, 7 answered (6 within 20 s), 3 abandoned (1 short, 2 within threshold).
  const k = {
    offered: 10,
    answered: 7,
    abandoned: 3,
    shortAbandoned: 1,
    answeredWithinThreshold: 6,
    abandonedWithinThreshold: 2,
  };
  it('computes each formula of kpi.md', () => {
    expect(serviceLevelOf(k, 'offered')).toBeCloseTo(6 / 9);
    expect(serviceLevelOf(k, 'answered')).toBeCloseTo(6 / 7);
    expect(serviceLevelOf(k, 'asteriskSL2')).toBeCloseTo(8 / 10);
    expect(serviceLevelOf(k, 'lateAbandons')).toBeCloseTo(6 / 8);
    expect(serviceLevelOf(k, 'answeredAbandoned')).toBeCloseTo(6 / 9);
  });
  it('is null on a zero denominator', () => {
    expect(serviceLevelOf({ ...k, offered: 0, shortAbandoned: 0 }, 'offered')).toBeNull();
  });
});

describe('aggregateIntervals', () => {
  it('sums queues per interval and recomputes the service level from the sums', () => {
    const rows = [
      row('2026-01-01T09:30:00+08:00', 'sales', {
        offered: 2,
        answered: 2,
        answeredWithinThreshold: 2,
      }),
      row('2026-01-01T09:00:00+08:00', 'sales', {
        offered: 4,
        answered: 3,
        abandoned: 1,
        answeredWithinThreshold: 3,
      }),
      row('2026-01-01T09:00:00+08:00', 'support', {
        offered: 6,
        answered: 3,
        abandoned: 3,
        answeredWithinThreshold: 1,
      }),
    ];
    const points = aggregateIntervals(rows, 'offered');
    expect(points).toEqual([
      {
        start: '2026-01-01T09:00:00+08:00',
        offered: 10,
        answered: 6,
        abandoned: 4,
        serviceLevel: 0.4,
      },
      {
        start: '2026-01-01T09:30:00+08:00',
        offered: 2,
        answered: 2,
        abandoned: 0,
        serviceLevel: 1,
      },
    ]);
    // the input rows are not modified by the sums
    expect(rows[1]?.offered).toBe(4);
  });
});

describe('intervalLabel', () => {
  it('shows the local clock, with the date for multi-day ranges', () => {
    expect(intervalLabel('2026-01-01T09:15:00+08:00')).toBe('09:15');
    expect(intervalLabel('2026-01-01T09:15:00+08:00', true)).toBe('01-01 09:15');
    expect(intervalLabel('garbage')).toBe('garbage');
  });
});

describe('fillIntervals', () => {
  const p = (start: string, offered: number) => ({
    start,
    offered,
    answered: offered,
    abandoned: 0,
    serviceLevel: 1,
  });
  it('fills the empty intervals between reported ones with zeros', () => {
    const slots = fillIntervals(
      [
        p('2026-01-01T10:30:00+08:00', 4),
        p('2026-01-01T09:00:00+08:00', 2),
        p('2026-01-01T09:30:00+08:00', 1),
      ],
      30,
    );
    expect(slots.map((s) => [s.startMs, s.offered, s.serviceLevel])).toEqual([
      [Date.UTC(2026, 0, 1, 1, 0), 2, 1],
      [Date.UTC(2026, 0, 1, 1, 30), 1, 1],
      [Date.UTC(2026, 0, 1, 2, 0), 0, null],
      [Date.UTC(2026, 0, 1, 2, 30), 4, 1],
    ]);
  });
  it('steps in absolute time across a DST change (America/New_York, 2026-11-01)', () => {
    // 01:00-04:00 (EDT) and 01:00-05:00 (EST): two different instants, one hour apart.
    const slots = fillIntervals(
      [p('2026-11-01T01:00:00-04:00', 1), p('2026-11-01T01:00:00-05:00', 1)],
      60,
    );
    expect(slots).toHaveLength(2);
    expect(slots[1]!.startMs - slots[0]!.startMs).toBe(3_600_000);
  });
  it('returns nothing for no points', () => {
    expect(fillIntervals([], 15)).toEqual([]);
  });
});
