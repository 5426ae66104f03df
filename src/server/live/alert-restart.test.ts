/**
 * Floor alerts over a restart of the ingest and the hub on the same database (SQLite and
 * PostgreSQL). Bug kept here: alerts were evaluated on the tick and kept nowhere, so after a
 * restart every open alert was raised again as new (an `alert` message to every console), and
 * `queue.no_agents` / `queue.service_level` came back with a new `since` and id.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FloorAlert } from '../../core/floor/alerts.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { queueLogEvent } from '../../core/telephony/queue-log.js';
import { startTestFloor } from '../../test-support/app.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { FULL_VIEW, LiveHub } from './live-hub.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function ev(t: number, callId: string, queue: string, agent: string, verb: string, data: string[]) {
  const parsed = queueLogEvent(T0 + t, callId, queue, agent, verb, data);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

/**
 * 1001 (sales) paused at +100 s, 1002 (support) at +200 s, 1003 (billing) at +300 s; a caller
 * waits in sales from +990 s with its only agent paused.
 */
const FLOOR: TelephonyEvent[] = [
  ev(0, 'NONE', 'sales', 'PJSIP/1001', 'ADDMEMBER', ['']),
  ev(0, 'NONE', 'support', 'PJSIP/1002', 'ADDMEMBER', ['']),
  ev(0, 'NONE', 'billing', 'PJSIP/1003', 'ADDMEMBER', ['']),
  ev(100, 'NONE', 'sales', 'PJSIP/1001', 'PAUSE', ['Break']),
  ev(200, 'NONE', 'support', 'PJSIP/1002', 'PAUSE', ['Break']),
  ev(300, 'NONE', 'billing', 'PJSIP/1003', 'PAUSE', ['Break']),
  ev(990, 'w1', 'sales', 'NONE', 'ENTERQUEUE', ['', '0911222333', '1']),
];

const dialects = await testDialects();
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.dispose();
});

describe.each(dialects)('floor alerts over a restart on $name', ({ open }) => {
  it('keeps open alerts with their id and since, raises none again, keeps cleared ones cleared', async () => {
    const db = await open();
    databases.push(db);
    let nowMs = (T0 + 1000) * 1000;
    const now = () => nowMs;
    /** Ingest and a hub on `db`, as `serve` starts them (no timed commits or ticks). */
    async function start() {
      const floor = await startTestFloor({
        db,
        disposeDb: false,
        now,
        ingest: { commitIntervalMs: 3_600_000, tickMs: 3_600_000 },
      });
      const hub = new LiveHub({
        engine: () => floor.ingest.live,
        mode: 'live',
        serviceLevelTarget: 0.8,
        alerts: { serviceLevelMinOffered: 1000 }, // no service-level alert in this test
        now,
      });
      const messages: { type: string; id?: string; data?: unknown }[] = [];
      const snapshot = () => hub.floor('en', FULL_VIEW).alerts;
      return { floor, hub, messages, snapshot };
    }
    const brief = (alerts: readonly { id: string; rule: string; since: number }[]) =>
      alerts.map((a) => [a.id, a.rule, a.since]).sort();

    // First run: 1001, 1002 and 1003 are over the 600 s absence threshold, sales has a caller and
    // no available agent. Then 1003 comes back: its alert clears before the stop.
    const first = await start();
    first.floor.ingest.live.accept('test', FLOOR, null, nowMs);
    first.hub.tick({ agents: [], queues: [] });
    const raisedAt = nowMs;
    nowMs += 1500;
    first.floor.ingest.live.accept(
      'test',
      [ev(1001, 'NONE', 'billing', 'PJSIP/1003', 'UNPAUSE', ['Break'])],
      null,
      nowMs,
    );
    first.hub.tick({ agents: [], queues: [] });
    const open1 = [
      [
        `absence.unapproved:PJSIP/1001:${(T0 + 700) * 1000}`,
        'absence.unapproved',
        (T0 + 700) * 1000,
      ],
      [
        `absence.unapproved:PJSIP/1002:${(T0 + 800) * 1000}`,
        'absence.unapproved',
        (T0 + 800) * 1000,
      ],
      [`queue.no_agents:sales:${raisedAt}`, 'queue.no_agents', raisedAt],
    ].sort();
    expect(brief(first.snapshot())).toEqual(open1);
    await first.floor.close();

    // Restart 30 s later: a console connects at once and sees the same alerts, same since.
    nowMs += 30_000;
    const second = await start();
    second.hub.subscribe((m) => second.messages.push(JSON.parse(m) as never), 'en', FULL_VIEW);
    const snap = second.messages[0] as { type: string; data: { alerts: FloorAlert[] } };
    expect(snap.type).toBe('snapshot');
    expect(brief(snap.data.alerts)).toEqual(open1);
    // 1002 comes back meanwhile; the next tick clears its alert and raises nothing again.
    second.floor.ingest.live.accept(
      'test',
      [ev(1025, 'NONE', 'support', 'PJSIP/1002', 'UNPAUSE', ['Break'])],
      null,
      nowMs,
    );
    second.hub.tick({ agents: [], queues: [] });
    const cleared = `absence.unapproved:PJSIP/1002:${(T0 + 800) * 1000}`;
    const alertMessages = second.messages.filter((m) => m.type.startsWith('alert'));
    expect(alertMessages).toEqual([{ type: 'alert-cleared', id: cleared }]);
    const open2 = open1.filter((a) => a[0] !== cleared);
    expect(brief(second.snapshot())).toEqual(open2);
    await second.floor.close();

    // A third start: the alert cleared in the second run stays cleared.
    nowMs += 10_000;
    const third = await start();
    expect(brief(third.snapshot())).toEqual(open2);
    third.hub.tick({ agents: [], queues: [] });
    expect(brief(third.snapshot())).toEqual(open2);
    await third.floor.close();
  });
});
