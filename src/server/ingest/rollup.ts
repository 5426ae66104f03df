/**
 * 15-minute rollups of closed queue-calls: the counters and sums of kpi.md's queue KPIs for one
 * queue and one 15-minute interval, with the server's service-level and short-abandon thresholds.
 */
import type { QueueCallRecord } from '../../core/stats/records.js';
import { intervalStart } from '../../core/stats/time-zone.js';
import type { RollupDelta } from '../../db/ingest.repository.js';

/** Rollup interval, minutes. */
export const ROLLUP_MINUTES = 15;

/** Thresholds the rollup counts with (seconds). */
export interface RollupSettings {
  readonly serviceLevelThreshold: number;
  readonly shortAbandon: number;
  readonly timeZone: string;
}

/**
 * Sums queue-calls into rollup deltas, one per (queue, interval start). Within threshold is
 * wait ≤ T; short abandons are abandons with wait < S (kpi.md "Queue KPIs").
 */
export function rollupDeltas(
  records: readonly QueueCallRecord[],
  settings: RollupSettings,
): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const r of records) {
    const start = intervalStart(r.attributedAt, ROLLUP_MINUTES, settings.timeZone);
    const key = `${r.queue}\u0000${start}`;
    let d = byKey.get(key);
    if (d === undefined) {
      d = {
        queue: r.queue,
        start_at: start,
        offered: 0,
        answered: 0,
        abandoned: 0,
        short_abandoned: 0,
        timed_out: 0,
        exited_with_key: 0,
        exited_empty: 0,
        lost: 0,
        still_waiting: 0,
        transferred: 0,
        answered_within_threshold: 0,
        abandoned_within_threshold: 0,
        wait_answered_sum: 0,
        talk_sum: 0,
        talk_count: 0,
        abandon_wait_sum: 0,
        max_wait: null,
        sl_threshold: settings.serviceLevelThreshold,
        short_abandon: settings.shortAbandon,
      };
      byKey.set(key, d);
    }
    d.offered++;
    const wait = r.wait;
    if (wait !== null) d.max_wait = d.max_wait === null ? wait : Math.max(d.max_wait, wait);
    switch (r.outcome) {
      case 'answered':
        d.answered++;
        if (r.transferred) d.transferred++;
        if (wait !== null) {
          d.wait_answered_sum += wait;
          if (wait <= settings.serviceLevelThreshold) d.answered_within_threshold++;
        }
        if (r.talk !== null) {
          d.talk_sum += r.talk;
          d.talk_count++;
        }
        break;
      case 'abandoned':
        d.abandoned++;
        if (wait !== null) {
          d.abandon_wait_sum += wait;
          if (wait <= settings.serviceLevelThreshold) d.abandoned_within_threshold++;
          if (wait < settings.shortAbandon) d.short_abandoned++;
        }
        break;
      case 'timedOut':
        d.timed_out++;
        break;
      case 'exitedWithKey':
        d.exited_with_key++;
        break;
      case 'exitedEmpty':
        d.exited_empty++;
        break;
      case 'lost':
        d.lost++;
        break;
      case 'waiting':
        d.still_waiting++;
        break;
    }
  }
  return [...byKey.values()];
}
