/**
 * Property tests (fast-check) over random valid queue_log streams: the invariants of kpi.md hold,
 * and duplicating lines or reordering them (within one second by kind, or across seconds inside
 * the reorder window) changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statsOf } from '../../test-support/stats.js';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import { eventRank } from '../telephony/events.js';
import type { StatsReport } from './report.js';

const QUEUES = ['sales', 'support', 'vip'];
const AGENTS = ['PJSIP/1', 'PJSIP/2', 'PJSIP/3', 'PJSIP/4'];
const REASONS = ['Lunch', 'Break', ''];
const T0 = 1_767_225_600;

type Outcome =
  'answered' | 'abandoned' | 'timedOut' | 'exitedWithKey' | 'exitedEmpty' | 'waiting' | 'transfer';

interface CallSpec {
  queue: number;
  enter: number;
  wait: number;
  talk: number;
  agent: number;
  outcome: Outcome;
  rings: number;
}

interface SessionSpec {
  agent: number;
  queues: number[];
  start: number;
  length: number;
  pauses: { offset: number; length: number; reason: number }[];
}

const callArb: fc.Arbitrary<CallSpec> = fc.record({
  queue: fc.integer({ min: 0, max: QUEUES.length - 1 }),
  enter: fc.integer({ min: 0, max: 3000 }),
  wait: fc.integer({ min: 0, max: 90 }),
  talk: fc.integer({ min: 1, max: 400 }),
  agent: fc.integer({ min: 0, max: AGENTS.length - 1 }),
  outcome: fc.constantFrom<Outcome>(
    'answered',
    'answered',
    'answered',
    'abandoned',
    'timedOut',
    'exitedWithKey',
    'exitedEmpty',
    'waiting',
    'transfer',
  ),
  rings: fc.integer({ min: 0, max: 2 }),
});

const sessionArb: fc.Arbitrary<SessionSpec> = fc.record({
  agent: fc.integer({ min: 0, max: AGENTS.length - 1 }),
  queues: fc.uniqueArray(fc.integer({ min: 0, max: QUEUES.length - 1 }), {
    minLength: 1,
    maxLength: 3,
  }),
  start: fc.integer({ min: 0, max: 1500 }),
  length: fc.integer({ min: 200, max: 3000 }),
  pauses: fc.array(
    fc.record({
      offset: fc.integer({ min: 1, max: 150 }),
      length: fc.integer({ min: 1, max: 300 }),
      reason: fc.integer({ min: 0, max: REASONS.length - 1 }),
    }),
    { maxLength: 3 },
  ),
});

/** Writes the specs as queue_log lines, in time order (stable for equal times). */
function toLog(calls: CallSpec[], sessions: SessionSpec[]): string[] {
  const lines: { time: number; line: string }[] = [];
  const add = (time: number, rest: string): void => {
    lines.push({ time: T0 + time, line: `${T0 + time}|${rest}` });
  };
  calls.forEach((c, i) => {
    const id = `${T0}.${i}`;
    const q = QUEUES[c.queue]!;
    const a = AGENTS[c.agent]!;
    add(c.enter, `${id}|${q}|NONE|ENTERQUEUE||55501${i}|1`);
    for (let r = 0; r < c.rings; r++) {
      add(
        c.enter + r,
        `${id}|${q}|${AGENTS[(c.agent + 1) % AGENTS.length]}|RINGNOANSWER|${r * 1000}`,
      );
    }
    const end = c.enter + c.wait;
    switch (c.outcome) {
      case 'answered':
        add(end, `${id}|${q}|${a}|CONNECT|${c.wait}|${id}b|1`);
        add(end + c.talk, `${id}|${q}|${a}|COMPLETECALLER|${c.wait}|${c.talk}|1`);
        break;
      case 'transfer':
        add(end, `${id}|${q}|${a}|CONNECT|${c.wait}|${id}b|1`);
        add(end + c.talk, `${id}|${q}|${a}|BLINDTRANSFER|2000|from-internal|${c.wait}|${c.talk}|1`);
        break;
      case 'abandoned':
        add(end, `${id}|${q}|NONE|ABANDON|1|1|${c.wait}`);
        break;
      case 'timedOut':
        add(end, `${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|${c.wait}`);
        break;
      case 'exitedWithKey':
        add(end, `${id}|${q}|NONE|EXITWITHKEY|5|1|1|${c.wait}`);
        break;
      case 'exitedEmpty':
        add(end, `${id}|${q}|NONE|EXITEMPTY|1|1|${c.wait}`);
        break;
      case 'waiting':
        break;
    }
  });
  // One session per agent at most, so sessions of an agent never overlap.
  const byAgent = new Map<number, SessionSpec>();
  for (const s of sessions) if (!byAgent.has(s.agent)) byAgent.set(s.agent, s);
  for (const s of byAgent.values()) {
    const a = AGENTS[s.agent]!;
    for (const q of s.queues) add(s.start, `MANAGER|${QUEUES[q]}|${a}|ADDMEMBER|`);
    let t = s.start;
    for (const p of s.pauses) {
      const from = t + p.offset;
      const to = from + p.length;
      if (to >= s.start + s.length) break;
      add(from, `NONE|NONE|${a}|PAUSEALL|`);
      for (const q of s.queues) add(from, `NONE|${QUEUES[q]}|${a}|PAUSE|${REASONS[p.reason]}`);
      add(to, `NONE|NONE|${a}|UNPAUSEALL|`);
      for (const q of s.queues) add(to, `NONE|${QUEUES[q]}|${a}|UNPAUSE|`);
      t = to;
    }
    for (const q of s.queues) add(s.start + s.length, `MANAGER|${QUEUES[q]}|${a}|REMOVEMEMBER|`);
  }
  return lines.sort((x, y) => x.time - y.time).map((l) => l.line);
}

const logArb = fc
  .tuple(fc.array(callArb, { maxLength: 40 }), fc.array(sessionArb, { maxLength: 4 }))
  .map(([calls, sessions]) => toLog(calls, sessions));

/** The report without the input counters, which legitimately differ between the variants. */
function figures(report: StatsReport): Omit<StatsReport, 'input'> {
  const rest: Partial<StatsReport> = { ...report };
  delete rest.input;
  return rest as Omit<StatsReport, 'input'>;
}

const OUTCOME_FIELDS = [
  'answered',
  'abandoned',
  'timedOut',
  'exitedWithKey',
  'exitedEmpty',
  'lost',
  'stillWaiting',
] as const;

describe('statistics properties over random valid streams', () => {
  it('offered = answered + abandoned + timedOut + exitedWithKey + exitedEmpty + lost + stillWaiting', () => {
    fc.assert(
      fc.property(logArb, (lines) => {
        const r = statsOf(lines.join('\n'));
        for (const q of [...r.queues, r.totals]) {
          expect(OUTCOME_FIELDS.reduce((sum, f) => sum + q[f], 0)).toBe(q.offered);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('totals equal the sum over queues; paused ≤ loggedIn', () => {
    fc.assert(
      fc.property(logArb, (lines) => {
        const r = statsOf(lines.join('\n'));
        for (const field of [
          'offered',
          ...OUTCOME_FIELDS,
          'rejected',
          'transferred',
          'answeredWithinThreshold',
        ] as const) {
          expect(r.totals[field]).toBe(r.queues.reduce((sum, q) => sum + q[field], 0));
        }
        for (const a of r.agents) {
          if (a.loggedIn !== null) expect(a.paused).toBeLessThanOrEqual(a.loggedIn);
          const byReason = Object.values(a.pausedByReason).reduce((x, y) => x + y, 0);
          expect(byReason).toBe(a.paused);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('duplicating lines changes nothing but the duplicate count', () => {
    fc.assert(
      fc.property(logArb, fc.array(fc.nat(), { maxLength: 20 }), (lines, picks) => {
        if (lines.length === 0) return;
        const copy = [...lines];
        let added = 0;
        for (const p of picks) {
          const i = p % copy.length;
          copy.splice(i + 1, 0, copy[i]!);
          added++;
        }
        const original = statsOf(lines.join('\n'));
        const duplicated = statsOf(copy.join('\n'));
        expect(figures(duplicated)).toEqual(figures(original));
        expect(duplicated.input.duplicates).toBe(original.input.duplicates + added);
      }),
      { numRuns: 150 },
    );
  });

  it('reordering lines of different kinds within one second changes nothing', () => {
    fc.assert(
      fc.property(
        logArb,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (lines, randoms) => {
          // Give each (second, kind rank) group a random sort key: kinds move, each kind keeps its order.
          const keyOf = new Map<string, number>();
          const keyed = lines.map((line, i) => {
            const parsed = parseQueueLogLine(line);
            if (!parsed.ok) throw new Error(parsed.reason);
            const group = `${parsed.event.time}/${eventRank(parsed.event)}`;
            if (!keyOf.has(group)) keyOf.set(group, randoms.next().value as number);
            return { line, time: parsed.event.time, key: keyOf.get(group)!, i };
          });
          keyed.sort((a, b) => a.time - b.time || a.key - b.key || a.i - b.i);
          const reordered = keyed.map((k) => k.line);
          expect(figures(statsOf(reordered.join('\n')))).toEqual(
            figures(statsOf(lines.join('\n'))),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lines out of order across seconds inside the reorder window change nothing and are not late', () => {
    fc.assert(
      fc.property(logArb, fc.infiniteStream(fc.integer({ min: 0, max: 120 })), (lines, jitters) => {
        // Each second's block of lines moves by up to 120 s (< the 300 s window), keeping its order.
        const jitterOf = new Map<number, number>();
        const moved = lines
          .map((line, i) => {
            const time = Number(line.slice(0, line.indexOf('|')));
            if (!jitterOf.has(time)) jitterOf.set(time, jitters.next().value as number);
            return { line, key: time + jitterOf.get(time)!, time, i };
          })
          .sort((a, b) => a.key - b.key || a.time - b.time || a.i - b.i)
          .map((x) => x.line);
        const report = statsOf(moved.join('\n'));
        expect(figures(report)).toEqual(figures(statsOf(lines.join('\n'))));
        expect(report.input.late).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
