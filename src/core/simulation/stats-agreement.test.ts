/**
 * The statistics engine against the simulator's ground truth: on simulated logs the stats report
 * must reproduce exactly what the simulator decided (counts, waits, talk, logged-in and paused time).
 */
import { describe, expect, it } from 'vitest';
import { statsOf } from '../../test-support/stats.js';
import { createLiveSimulator, generate, type GroundTruth } from './index.js';

const START = 1767571200; // 2026-01-05T00:00:00Z

function compare(truth: GroundTruth, text: string): void {
  const report = statsOf(text);
  expect(report.input.malformed).toBe(0);
  expect(report.input.lines).toBe(truth.lines);
  expect(report.totals.uniqueCalls).toBe(truth.uniqueCalls);
  for (const q of truth.queues) {
    const got = report.queues.find((x) => x.queue === q.queue);
    expect(got, q.queue).toBeDefined();
    if (got === undefined) continue;
    expect(
      {
        offered: got.offered,
        answered: got.answered,
        abandoned: got.abandoned,
        timedOut: got.timedOut,
        exitedWithKey: got.exitedWithKey,
        exitedEmpty: got.exitedEmpty,
        lost: got.lost,
        stillWaiting: got.stillWaiting,
        rejected: got.rejected,
        transferred: got.transferred,
        answeredWithinThreshold: got.answeredWithinThreshold,
        abandonedWithinThreshold: got.abandonedWithinThreshold,
        maxWait: got.maxWait ?? 0,
      },
      q.queue,
    ).toEqual({
      offered: q.offered,
      answered: q.answered,
      abandoned: q.abandoned,
      timedOut: q.timedOut,
      exitedWithKey: q.exitedWithKey,
      exitedEmpty: q.exitedEmpty,
      lost: q.lost,
      stillWaiting: q.stillWaiting,
      rejected: q.rejected,
      transferred: q.transferred,
      answeredWithinThreshold: q.answeredWithinThreshold,
      abandonedWithinThreshold: q.abandonedWithinThreshold,
      maxWait: q.maxWait,
    });
    expect(got.asa, q.queue).toBeCloseTo(q.answered > 0 ? q.holdTimeSum / q.answered : NaN, 9);
  }
  for (const a of truth.agents) {
    const got = report.agents.find((x) => x.agent === a.agent);
    expect(got, a.agent).toBeDefined();
    if (got === undefined) continue;
    const reasons = (r: Readonly<Record<string, number>>) =>
      Object.fromEntries(Object.entries(r).filter(([, s]) => s > 0));
    expect(
      {
        answered: got.answered,
        talk: got.talk,
        ringNoAnswer: got.ringNoAnswer,
        unreachable: got.unreachable,
        loggedIn: got.loggedIn,
        paused: got.paused,
        pausedByReason: reasons(got.pausedByReason),
      },
      a.agent,
    ).toEqual({
      answered: a.answered,
      // kpi.md "Restart": a call cut by QUEUESTART ends there; its talk runs to the restart.
      talk: a.talk + a.talkCutByRestart,
      ringNoAnswer: a.ringNoAnswer,
      unreachable: a.unreachable,
      loggedIn: a.loggedIn,
      paused: a.paused,
      pausedByReason: reasons(a.pausedByReason),
    });
  }
}

describe('stats engine agrees with the simulator ground truth', () => {
  it('on a two-week log with restarts', () => {
    const log = generate({ seed: 2026, calls: 8000, startEpoch: START, restartEveryDays: 3 });
    const text = [...log].join('\n');
    const truth = log.truth();
    expect(truth.restarts).toBeGreaterThan(0);
    compare(truth, text);
  });

  it('on a live floor cut in the middle of the day (calls still waiting and talking)', () => {
    const live = createLiveSimulator({ seed: 77, startEpoch: START });
    const text = live.advance(START + 2 * 3600).join('\n');
    const truth = live.truth();
    expect(truth.queues.some((q) => q.talking > 0)).toBe(true);
    compare(truth, text);
  });
});
