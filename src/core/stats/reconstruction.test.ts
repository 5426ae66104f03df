/**
 * Reconstruction and aggregation rules of kpi.md "Semantics of the hard cases", one test each,
 * with figures computed by hand (in the comments).
 */
import { describe, expect, it } from 'vitest';
import { statsOf } from '../../test-support/stats.js';
import { parseIsoInZone } from './time-zone.js';

const queue = (r: ReturnType<typeof statsOf>, name: string) =>
  r.queues.find((q) => q.queue === name)!;
const agent = (r: ReturnType<typeof statsOf>, name: string) =>
  r.agents.find((a) => a.agent === name)!;

describe('restart (QUEUESTART)', () => {
  it('ends answered calls at the restart, makes waiting calls lost, keeps pauses', () => {
    const r = statsOf(`
      1000|NONE|NONE|NONE|QUEUESTART|
      1000|M|q|A|ADDMEMBER|
      1100|NONE|q|A|PAUSE|Lunch
      1200|c1|q|NONE|ENTERQUEUE||555|1
      1210|c1|q|B|CONNECT|10|x|2
      1300|c2|q|NONE|ENTERQUEUE||556|1
      1350|NONE|NONE|NONE|QUEUESTART|
      1400|c1|q|B|COMPLETECALLER|10|190|1
      1500|NONE|q|A|UNPAUSE|
    `);
    const q = queue(r, 'q');
    // c1 answered, talk runs to the restart: 1350 - 1210 = 140; the stray COMPLETE after it is ignored.
    expect(q).toMatchObject({ offered: 2, answered: 1, lost: 1, abandoned: 0, avgTalk: 140 });
    // c2 waited 1300 → 1350.
    expect(q.maxWait).toBe(50);
    // The pause survives the restart: 1100 → 1500.
    expect(agent(r, 'A')).toMatchObject({
      paused: 400,
      pausedByReason: { Lunch: 400 },
      loggedIn: 500,
    });
    expect(agent(r, 'B')).toMatchObject({ answered: 1, talk: 140, busy: 140 });
  });

  it('CONFIGRELOAD closes nothing', () => {
    const r = statsOf(`
      1200|c1|q|NONE|ENTERQUEUE||555|1
      1210|c1|q|B|CONNECT|10|x|2
      1300|NONE|NONE|NONE|CONFIGRELOAD|
      1400|c1|q|B|COMPLETECALLER|10|190|1
    `);
    expect(queue(r, 'q')).toMatchObject({ answered: 1, lost: 0, avgTalk: 190 });
  });
});

describe('uniqueid swaps', () => {
  it('links a COMPLETE under the consult channel id to the one open call of that queue and agent', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||555|1
      110|c1|q|B|CONNECT|10|x|2
      300|c9|q|B|COMPLETEAGENT|10|190|1
    `);
    expect(r.totals).toMatchObject({
      offered: 1,
      answered: 1,
      uniqueCalls: 1,
      avgTalk: 190,
      stillWaiting: 0,
    });
  });

  it('links a CONNECT without ENTERQUEUE to the one waiting call whose wait matches (±1 s)', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||555|1
      150|c2|q|NONE|ENTERQUEUE||556|1
      131|c7|q|B|CONNECT|30|x|2
      200|c7|q|B|COMPLETEAGENT|30|69|1
      190|c2|q|NONE|ABANDON|1|1|40
    `);
    // c7 waited 30 s at 131: c1 entered at 100 (31 s ≈ 30 ± 1), c2 not yet in: one candidate.
    expect(r.totals).toMatchObject({
      offered: 2,
      answered: 1,
      abandoned: 1,
      stillWaiting: 0,
      asa: 30,
    });
  });

  it('does not link when two waiting calls match; the line stands as its own queue-call', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||555|1
      100|c2|q|NONE|ENTERQUEUE||556|1
      130|c7|q|B|CONNECT|30|x|2
      200|c7|q|B|COMPLETEAGENT|30|70|1
    `);
    expect(r.totals).toMatchObject({ offered: 3, answered: 1, stillWaiting: 2 });
  });
});

describe('wrap-up (--wrapup)', () => {
  it('adds the wrap-up to AHT and busy time, cut short by the agent’s next CONNECT', () => {
    const r = statsOf(
      `
      100|c1|q|NONE|ENTERQUEUE||1|1
      100|c1|q|A|CONNECT|0|x|1
      160|c1|q|A|COMPLETEAGENT|0|60|1
      170|c2|q|NONE|ENTERQUEUE||2|1
      170|c2|q|A|CONNECT|0|x|1
      200|c2|q|A|COMPLETEAGENT|0|30|1
    `,
      { wrapup: 30 },
    );
    // c1: 60 talk + 10 wrap (next call at 170); c2: 30 talk + 30 wrap. AHT = (70 + 60) / 2.
    expect(queue(r, 'q').aht).toBe(65);
    expect(queue(r, 'q').avgTalk).toBe(45);
    // Busy = union of [100, 170] and [170, 230] = 130.
    expect(agent(r, 'A').busy).toBe(130);
  });

  it('without a wrap-up setting AHT equals average talk', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      100|c1|q|A|CONNECT|0|x|1
      160|c1|q|A|COMPLETEAGENT|0|60|1
    `);
    expect(queue(r, 'q')).toMatchObject({ aht: 60, avgTalk: 60 });
  });
});

describe('agent busy time', () => {
  it('counts overlapping calls once and reports the overlap', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      100|c1|q|A|CONNECT|0|x|1
      150|c2|q|NONE|ENTERQUEUE||2|1
      150|c2|q|A|CONNECT|0|x|1
      200|c1|q|A|COMPLETEAGENT|0|100|1
      250|c2|q|A|COMPLETECALLER|0|100|1
    `);
    // [100, 200] ∪ [150, 250] = 150; overlap [150, 200] = 50; talk 100 + 100.
    expect(agent(r, 'A')).toMatchObject({ answered: 2, talk: 200, busy: 150, overlap: 50 });
  });
});

describe('agent busy time over many calls (bounded memory)', () => {
  it('measures busy and overlap exactly across the compaction of long call histories', () => {
    // 5000 calls every 150 s (8.7 days) for one agent: 100 s talk + 30 s wrap-up each. Every
    // 500th call has a second call connecting 80 s in (talk 40 s): it overlaps 20 s, cuts the
    // first call's wrap-up to 0, and its own wrap-up runs to the next call at 150 s.
    const lines: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const t = 1_000_000 + 150 * k;
      lines.push(`${t}|c${k}|q|NONE|ENTERQUEUE||1|1`, `${t}|c${k}|q|A|CONNECT|0|x|1`);
      if (k % 500 === 0) {
        lines.push(`${t + 80}|e${k}|q|NONE|ENTERQUEUE||1|1`, `${t + 80}|e${k}|q|A|CONNECT|0|x|1`);
        lines.push(`${t + 120}|e${k}|q|A|COMPLETEAGENT|0|40|1`);
      }
      lines.push(`${t + 100}|c${k}|q|A|COMPLETECALLER|0|100|1`);
    }
    const a = agent(statsOf(lines.join('\n'), { wrapup: 30 }), 'A');
    expect(a).toMatchObject({ answered: 5010, talk: 5000 * 100 + 10 * 40, overlap: 10 * 20 });
    // The last call's wrap-up runs to the end of the input in full.
    expect(a.busy).toBe(4990 * 130 + 10 * 150);
  });
});

describe('pauses', () => {
  it('takes the reason from PAUSE, never from UNPAUSE, and a new reason starts a new segment', () => {
    const r = statsOf(`
      0|M|q|A|ADDMEMBER|
      100|NONE|q|A|PAUSE|Break
      160|NONE|q|A|PAUSE|Break
      200|NONE|q|A|PAUSE|Training
      300|NONE|q|A|UNPAUSE|Lunch
      400|M|q|A|REMOVEMEMBER|
    `);
    expect(agent(r, 'A')).toMatchObject({
      loggedIn: 400,
      paused: 200,
      pausedByReason: { Break: 100, Training: 100 },
      occupancy: 0,
    });
  });

  it('pauses in several queues count wall-clock time once (union)', () => {
    const r = statsOf(`
      0|M|a|A|ADDMEMBER|
      0|M|b|A|ADDMEMBER|
      100|NONE|a|A|PAUSE|Lunch
      150|NONE|b|A|PAUSE|Lunch
      200|NONE|a|A|UNPAUSE|
      300|NONE|b|A|UNPAUSE|
      400|M|a|A|REMOVEMEMBER|
      500|M|b|A|REMOVEMEMBER|
    `);
    expect(agent(r, 'A')).toMatchObject({
      loggedIn: 500,
      paused: 200,
      pausedByReason: { Lunch: 200 },
    });
  });
});

describe('member names and the alias map', () => {
  it('maps several member names to one person', () => {
    const r = statsOf(
      `
      0|M|q|Local/208@from-queue/n|ADDMEMBER|
      100|c1|q|NONE|ENTERQUEUE||1|1
      110|c1|q|Agent208|CONNECT|10|x|1
      200|c1|q|Agent208|COMPLETEAGENT|10|90|1
      1000|M|q|Local/208@from-queue/n|REMOVEMEMBER|
    `,
      {},
      new Map([
        ['Local/208@from-queue/n', 'Lin Mei'],
        ['Agent208', 'Lin Mei'],
      ]),
    );
    expect(r.agents).toEqual([
      {
        agent: 'Lin Mei',
        answered: 1,
        talk: 90,
        busy: 90,
        overlap: 0,
        ringNoAnswer: 0,
        unreachable: 0,
        loggedIn: 1000,
        paused: 0,
        pausedByReason: {},
        occupancy: 0.09,
      },
    ]);
  });

  it('lists a name seen only on an ABANDON or ring line, crediting it nothing', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      105|c1|q|B|RINGNOANSWER|
      110|c1|q|C|ABANDON|1|1|10
    `);
    // A RINGNOANSWER without ringtime counts as a miss.
    expect(agent(r, 'B')).toMatchObject({ answered: 0, ringNoAnswer: 1, loggedIn: null });
    expect(agent(r, 'C')).toMatchObject({ answered: 0, talk: 0, occupancy: null });
  });
});

describe('time and ranges', () => {
  const midnight = `
    1718060400|MANAGER|support|PJSIP/301|ADDMEMBER|
    1718063990|1718063990.31|support|NONE|ENTERQUEUE||5550100031|1
    1718064005|1718063990.31|support|PJSIP/301|CONNECT|15|1718064000.32|3
    1718064245|1718063990.31|support|PJSIP/301|COMPLETECALLER|15|240|1
    1718067600|MANAGER|support|PJSIP/301|REMOVEMEMBER|
  `;

  it('a one-day report still sees a call answered after its end (look-ahead)', () => {
    const r = statsOf(midnight, { to: parseIsoInZone('2024-06-11', 'UTC') });
    expect(queue(r, 'support')).toMatchObject({ offered: 1, answered: 1, asa: 15, avgTalk: 240 });
    // Logged-in time is clipped at --to: 23:00 → 24:00.
    expect(agent(r, 'PJSIP/301')).toMatchObject({ loggedIn: 3600, answered: 1, talk: 240 });
  });

  it('the next day’s report has no queue-call but the clipped login', () => {
    const r = statsOf(midnight, { from: parseIsoInZone('2024-06-11', 'UTC') });
    expect(r.queues).toEqual([]);
    expect(agent(r, 'PJSIP/301')).toMatchObject({ loggedIn: 3600, answered: 0 });
  });

  it('cuts intervals in the zone and keeps the repeated DST hour as two buckets', () => {
    // 2026-11-01 America/New_York: 01:00-02:00 EDT (-04:00) then 01:00-02:00 EST (-05:00).
    const eq = (epoch: number, id: string): string =>
      `${epoch}|${id}|q|NONE|ENTERQUEUE||1|1\n${epoch + 5}|${id}|q|NONE|ABANDON|1|1|5`;
    const t1 = Date.UTC(2026, 10, 1, 5, 10) / 1000; // 01:10 EDT
    const t2 = Date.UTC(2026, 10, 1, 6, 10) / 1000; // 01:10 EST
    const r = statsOf(`${eq(t1, 'a')}\n${eq(t2, 'b')}`, {
      timeZone: 'America/New_York',
      interval: 60,
    });
    expect(r.intervals?.map((i) => [i.start, i.offered])).toEqual([
      ['2026-11-01T01:00:00-04:00', 1],
      ['2026-11-01T01:00:00-05:00', 1],
    ]);
  });

  it('labels 15-minute intervals with the zone offset', () => {
    const t = Date.UTC(2026, 0, 1, 1, 7, 30) / 1000; // 09:07:30 in Taipei
    const r = statsOf(`${t}|a|q|NONE|ENTERQUEUE||1|1\n${t + 3}|a|q|NONE|EXITEMPTY|1|1|3`, {
      timeZone: 'Asia/Taipei',
      interval: 15,
    });
    expect(r.intervals?.[0]).toMatchObject({
      start: '2026-01-01T09:00:00+08:00',
      queue: 'q',
      exitedEmpty: 1,
    });
  });
});

describe('real-log quirks kept as regression tests', () => {
  it('an ENTERQUEUE stamped a second after its CONNECT is the same queue-call (Anonymous Bank, line 883)', () => {
    const r = statsOf(`
      944641322|944641323.294|AA0216|Z2SPIEGEL|CONNECT|25|944641322.294b|
      944641323|944641323.294|AA0216|NONE|ENTERQUEUE||anon|1
      944641822|944641323.294|AA0216|Z2SPIEGEL|COMPLETECALLER|25|500|1
    `);
    expect(r.totals).toMatchObject({
      offered: 1,
      answered: 1,
      uniqueCalls: 1,
      asa: 25,
      avgTalk: 500,
    });
  });

  it('a missing wait on an exit line is computed from the epochs', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      142|c1|q|NONE|ABANDON|1|1
    `);
    expect(queue(r, 'q')).toMatchObject({
      abandoned: 1,
      avgAbandonWait: 42,
      abandonedWithinThreshold: 0,
    });
  });
});

describe('outcomes and counts', () => {
  it('counts JOINEMPTY/JOINUNAVAIL as rejected, not offered; ratios are null when 0/0', () => {
    const r = statsOf(`
      100|c1|q|NONE|JOINEMPTY|
      101|c2|q|NONE|JOINUNAVAIL|
    `);
    expect(queue(r, 'q')).toMatchObject({
      offered: 0,
      rejected: 2,
      serviceLevel: null,
      abandonRate: null,
      asa: null,
      maxWait: null,
    });
  });

  it('counts RINGCANCELED as no miss and 0 ms rings as unreachable', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      100|c1|q|A|RINGNOANSWER|0
      110|c1|q|B|RINGNOANSWER|10000
      112|c1|q|C|RINGCANCELED|2000
      112|c1|q|NONE|ABANDON|1|1|12
    `);
    expect(
      [agent(r, 'A'), agent(r, 'B'), agent(r, 'C')].map((a) => [a.ringNoAnswer, a.unreachable]),
    ).toEqual([
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
  });

  it('AGENTDUMP keeps the caller queued', () => {
    const r = statsOf(`
      100|c1|q|NONE|ENTERQUEUE||1|1
      105|c1|q|A|AGENTDUMP|
      130|c1|q|B|CONNECT|30|x|2
      190|c1|q|B|COMPLETEAGENT|30|60|1
    `);
    expect(queue(r, 'q')).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
  });
});
