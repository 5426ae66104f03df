import { describe, expect, it } from 'vitest';
import { compileQaConfig } from './config.js';
import { scoreTranscript } from './engine.js';
import {
  applyOverrides,
  checkReport,
  groupReport,
  manualScore,
  type ReportEntry,
} from './review.js';
import type { Transcript } from './types.js';

const CALL: Transcript = {
  id: 'c1',
  source: 'c1.json',
  turns: [
    { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
    { speaker: 'customer', text: '查一下订单' },
    { speaker: 'agent', text: '订单明天送达' },
  ],
};

describe('applyOverrides', () => {
  const config = compileQaConfig();
  const result = scoreTranscript(CALL, config);

  it('gives the scorer’s result without overrides', () => {
    const reviewed = applyOverrides(result, [], config.checkOptions);
    expect(reviewed.score).toBe(result.score);
    expect(reviewed.critical).toBe(result.critical);
    expect(reviewed.checks.map((c) => c.result)).toEqual(result.checks.map((c) => c.result));
  });

  it('re-scores with the latest override per check; a critical fail sets 0', () => {
    // Automatic: E01 and R04 pass (您好, 请问), E13 fails (no closing), E05.argue and E09 pass;
    // 4 of 5 applicable checks pass.
    expect(result.score).toBe(0.8);
    const fixed = applyOverrides(
      result,
      [
        { check: 'E13', result: 'fail' },
        { check: 'E13', result: 'pass' },
      ],
      config.checkOptions,
    );
    expect(fixed.score).toBe(1);
    expect(fixed.checks.find((c) => c.id === 'E13')).toEqual({
      id: 'E13',
      result: 'pass',
      automatic: 'fail',
      overridden: true,
    });
    const profane = applyOverrides(result, [{ check: 'E09', result: 'fail' }], config.checkOptions);
    expect(profane).toMatchObject({ score: 0, critical: true, criticalFails: ['E09'] });
    const none = applyOverrides(
      result,
      ['E01', 'E13', 'R04', 'E05.argue', 'E09'].map((c) => ({
        check: c as 'E01',
        result: 'na' as const,
      })),
      config.checkOptions,
    );
    expect(none.score).toBeNull();
  });
});

describe('reports', () => {
  const config = compileQaConfig();
  const reviewed = applyOverrides(scoreTranscript(CALL, config), [], config.checkOptions);
  const critical = applyOverrides(
    scoreTranscript(CALL, config),
    [{ check: 'E09', result: 'fail' }],
    config.checkOptions,
  );
  const entries: ReportEntry[] = [
    { agent: 'a1', team: 't1', period: '2026-12-04', reviewed, manualScore: 1 },
    { agent: 'a1', team: 't1', period: '2026-12-05', reviewed: critical, manualScore: null },
    { agent: null, team: null, period: '2026-12-05', reviewed, manualScore: 0.5 },
  ];

  it('groups by agent (null last)', () => {
    expect(groupReport(entries, 'agent')).toEqual([
      {
        key: 'a1',
        evaluations: 2,
        scored: 2,
        meanScore: 0.4, // (0.8 + 0) / 2
        critical: 1,
        failedChecks: 3, // E13; E13 and E09
        meanManualScore: 1,
      },
      {
        key: null,
        evaluations: 1,
        scored: 1,
        meanScore: 0.8,
        critical: 0,
        failedChecks: 1,
        meanManualScore: 0.5,
      },
    ]);
  });

  it('counts outcomes per check', () => {
    const rows = checkReport(entries);
    expect(rows.find((r) => r.check === 'E09')).toEqual({
      check: 'E09',
      pass: 2,
      fail: 1,
      na: 0,
      failRate: 1 / 3,
    });
    expect(rows.find((r) => r.check === 'E11')).toEqual({
      check: 'E11',
      pass: 0,
      fail: 0,
      na: 3,
      failRate: null,
    });
  });

  it('averages manual items that apply', () => {
    expect(
      manualScore([
        { item: 'E02', score: 1 },
        { item: 'E10', score: 0 },
        { item: 'E06', score: null },
      ]),
    ).toBe(0.5);
    expect(manualScore([{ item: 'E06', score: null }])).toBeNull();
  });
});
