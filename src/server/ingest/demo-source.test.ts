import { describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { DemoSource } from './demo-source.js';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z

async function firstBatches(source: DemoSource): Promise<TelephonyEvent[]> {
  const events: TelephonyEvent[] = [];
  await source.start((batch) => {
    events.push(...batch.events);
    return Promise.resolve();
  });
  await source.stop();
  return events;
}

describe('DemoSource', () => {
  it('starts with an hour of history on a fresh database', async () => {
    const events = await firstBatches(new DemoSource({ now: () => T * 1000, tickMs: 60_000 }));
    expect(events[0]!.time).toBe(T - 3600);
    expect(events.at(-1)!.time).toBeLessThanOrEqual(T);
  });

  it('restarted 10 minutes later, resumes after the stored events with a QUEUESTART (newcomer bug: history doubled)', async () => {
    const first = await firstBatches(new DemoSource({ now: () => T * 1000, tickMs: 60_000 }));
    const lastStored = Math.max(...first.map((e) => e.time));
    const second = await firstBatches(
      new DemoSource({ now: () => (T + 600) * 1000, tickMs: 60_000, resumeAfter: lastStored }),
    );
    expect(second[0]).toMatchObject({ kind: 'QUEUESTART', time: Math.floor(lastStored) + 1 });
    expect(second.every((e) => e.time > lastStored)).toBe(true);
    const entered = (events: TelephonyEvent[]) =>
      events.filter((e) => e.kind === 'ENTERQUEUE').length;
    // Ten minutes of calls, not another hour of them.
    expect(entered(second)).toBeLessThan(entered(first) / 3);
  });
});
