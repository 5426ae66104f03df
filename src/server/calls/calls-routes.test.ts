/**
 * `GET /api/calls` on a running floor. Bug kept here: the route read the stored calls only, so a
 * call that had just ended was missing until the next commit (up to half a second).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queueLogEvent } from '../../core/telephony/queue-log.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { closeTestApps, startTestApp } from '../../test-support/app.js';
import { tokenHeaders } from '../../test-support/auth.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function event(t: number, agent: string, verb: string, data: string[]): TelephonyEvent {
  const parsed = queueLogEvent(T0 + t, 'r1', 'support', agent, verb, data);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

afterEach(closeTestApps);

describe('GET /api/calls on a live floor', () => {
  it('lists a call closed in the engine before the commit tick stores it', async () => {
    const nowMs = (T0 + 120) * 1000;
    const { app, db, ingest } = await startTestApp({
      now: () => nowMs,
      restore: false,
      ingest: { commitIntervalMs: 3_600_000, tickMs: 3_600_000 },
    });
    const headers = await tokenHeaders(db.db, 'manager');
    ingest.live.accept(
      'test',
      [
        event(0, 'NONE', 'ENTERQUEUE', ['', '0922111333', '1']),
        event(7, 'PJSIP/1004', 'CONNECT', ['7', 'b1', '2']),
        event(67, 'PJSIP/1004', 'COMPLETECALLER', ['7', '60', '1']),
      ],
      null,
      nowMs,
    );
    ingest.live.tick(nowMs); // the engine closes r1; the commit has not run
    expect(await db.db.selectFrom('queue_call').selectAll().execute()).toEqual([]);

    const response = await app.inject({ method: 'GET', url: '/api/calls', headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      calls: [
        {
          callId: 'r1',
          queue: 'support',
          attributedAt: T0,
          enteredAt: T0,
          outcome: 'answered',
          wait: 7,
          agent: 'PJSIP/1004',
          connectedAt: T0 + 7,
          endedAt: T0 + 67,
          talk: 60,
          wrapUp: 0,
          transferred: false,
          exitKey: null,
          callerId: '0922111333',
        },
      ],
      truncated: false,
    });
  });
});
