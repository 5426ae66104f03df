/**
 * Every case in ../shared/cases/queue_log (copied to test/fixtures/queue_log) passes with its
 * expected figures: counts exactly, times within 1 % (cases README).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statsOf } from '../../test-support/stats.js';
import type { StatsSettings } from './report.js';
import { parseIsoInZone } from './time-zone.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'queue_log');

interface ExpectedCase {
  id: string;
  settings: {
    serviceLevelThreshold?: number;
    shortAbandon?: number;
    serviceLevelFormula?: StatsSettings['serviceLevelFormula'];
    timeZone?: string;
    to?: string;
    wrapup?: number;
  };
  totals?: Record<string, number | null>;
  queues: Record<string, Record<string, number | null>>;
  agents: Record<string, Record<string, unknown>>;
}

function expectClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    expect(actual, where).toBeCloseTo(expected, 6);
  } else if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      Math.abs(expected) * 0.01,
    );
  } else {
    expect(actual, where).toEqual(expected);
  }
}

const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.expected.json'));

describe('shared queue_log cases', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(11);
  });

  for (const file of cases) {
    const expected = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as ExpectedCase;
    it(`${expected.id} gives the expected figures`, () => {
      const text = readFileSync(
        join(FIXTURES, file.replace('.expected.json', '.queue_log')),
        'utf8',
      );
      const s = expected.settings;
      const timeZone = s.timeZone ?? 'UTC';
      const report = statsOf(text, {
        serviceLevelThreshold: s.serviceLevelThreshold ?? 20,
        shortAbandon: s.shortAbandon ?? 0,
        serviceLevelFormula: s.serviceLevelFormula ?? 'offered',
        timeZone,
        to: s.to === undefined ? null : parseIsoInZone(s.to, timeZone),
        wrapup: s.wrapup ?? 0,
      });
      expect(report.input.malformed).toBe(0);
      for (const [field, value] of Object.entries(expected.totals ?? {})) {
        expectClose(report.totals[field as keyof typeof report.totals], value, `totals.${field}`);
      }
      for (const [queue, fields] of Object.entries(expected.queues)) {
        const row = report.queues.find((q) => q.queue === queue);
        expect(row, `queue ${queue}`).toBeDefined();
        for (const [field, value] of Object.entries(fields)) {
          expectClose(row?.[field as keyof typeof row], value, `${queue}.${field}`);
        }
      }
      for (const [agent, fields] of Object.entries(expected.agents)) {
        const row = report.agents.find((a) => a.agent === agent);
        expect(row, `agent ${agent}`).toBeDefined();
        for (const [field, value] of Object.entries(fields)) {
          expectClose(row?.[field as keyof typeof row], value, `${agent}.${field}`);
        }
      }
    });
  }
});
