import { describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import type { TelephonyEvent } from '../telephony/events.js';
import { createLiveSimulator, generate, type GroundTruth } from './index.js';

const START = 1767225600; // 2026-01-01T00:00:00Z, a Thursday

function run(
  calls: number,
  seed: number,
  extra: Partial<Parameters<typeof generate>[0]> = {},
): { lines: string[]; truth: GroundTruth } {
  const log = generate({ seed, calls, startEpoch: START, ...extra });
  const lines = [...log];
  return { lines, truth: log.truth() };
}

function events(lines: readonly string[]): TelephonyEvent[] {
  return lines.map((line, i) => {
    const result = parseQueueLogLine(line);
    if (!result.ok) throw new Error(`line ${i + 1} does not parse: ${result.reason}: ${line}`);
    return result.event;
  });
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

// One shared medium-size log (about 2 weeks of a 40-agent floor) with restarts every ~2 days.
const medium = run(12_000, 42, { restartEveryDays: 2 });
const mediumEvents = events(medium.lines);

describe('generate: determinism and format', () => {
  it('same seed gives identical output, another seed a different one', () => {
    const a = run(2000, 7).lines;
    const b = run(2000, 7).lines;
    const c = run(2000, 8).lines;
    expect(a.length).toBeGreaterThan(4000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('chunks() yields the same text as the line iterator', () => {
    const lines = run(1500, 3).lines;
    const text = [...generate({ seed: 3, calls: 1500, startEpoch: START }).chunks(100)].join('');
    expect(text).toBe(lines.join('\n') + '\n');
  });

  it('a log can be iterated only once', () => {
    const log = generate({ seed: 1, calls: 10, startEpoch: START });
    expect([...log].length).toBeGreaterThan(0);
    expect(() => [...log]).toThrow(/only once/);
  });

  it('every line parses, and times never go backwards', () => {
    expect(mediumEvents.length).toBe(medium.lines.length);
    for (let i = 1; i < mediumEvents.length; i++) {
      const prev = mediumEvents[i - 1] as TelephonyEvent;
      const cur = mediumEvents[i] as TelephonyEvent;
      if (cur.time < prev.time) throw new Error(`line ${i + 1} goes back in time`);
    }
    expect(mediumEvents.some((e) => e.kind === 'UNKNOWN' || e.kind === 'INFORMATIONAL')).toBe(
      false,
    );
    expect(medium.truth.lines).toBe(medium.lines.length);
    expect(medium.truth.firstEpoch).toBe(START);
    expect(medium.truth.lastEpoch).toBe(mediumEvents.at(-1)?.time);
  });

  it('writes every verb of the brief, with Asterisk field counts', () => {
    const verbs = countBy(medium.lines, (l) => l.split('|')[4] ?? null);
    for (const verb of [
      'QUEUESTART',
      'ADDMEMBER',
      'REMOVEMEMBER',
      'PAUSE',
      'UNPAUSE',
      'PAUSEALL',
      'UNPAUSEALL',
      'ENTERQUEUE',
      'CONNECT',
      'COMPLETEAGENT',
      'COMPLETECALLER',
      'ABANDON',
      'EXITWITHTIMEOUT',
      'EXITWITHKEY',
      'RINGNOANSWER',
      'RINGCANCELED',
      'BLINDTRANSFER',
      'ATTENDEDTRANSFER',
      'JOINEMPTY',
    ]) {
      expect(verbs.get(verb) ?? 0, verb).toBeGreaterThan(0);
    }
    const dataFields: Record<string, number> = {
      ENTERQUEUE: 3,
      CONNECT: 3,
      COMPLETEAGENT: 3,
      COMPLETECALLER: 3,
      ABANDON: 3,
      EXITWITHTIMEOUT: 3,
      EXITEMPTY: 3,
      EXITWITHKEY: 4,
      RINGNOANSWER: 1,
      RINGCANCELED: 1,
      BLINDTRANSFER: 5,
      ATTENDEDTRANSFER: 5,
      PAUSE: 1,
      UNPAUSE: 1,
      ADDMEMBER: 1,
      REMOVEMEMBER: 1,
    };
    for (const line of medium.lines) {
      const fields = line.split('|');
      const verb = fields[4] ?? '';
      const expected = dataFields[verb];
      if (expected !== undefined && fields.length - 5 !== expected) {
        throw new Error(`${verb} should have ${expected} data fields: ${line}`);
      }
      if (verb === 'ATTENDEDTRANSFER') expect(fields[5]).toMatch(/^(BRIDGE|APP)$/);
      if (verb === 'ENTERQUEUE') expect(fields[6]).toMatch(/^09\d{8}$/);
    }
    // PAUSEALL is written with queue NONE and no reason, then one PAUSE per queue with the reason.
    const i = medium.lines.findIndex((l) => l.split('|')[4] === 'PAUSEALL');
    const [time, callId, queue, agent, , reason] = (medium.lines[i] ?? '').split('|');
    expect([callId, queue, reason]).toEqual(['NONE', 'NONE', '']);
    const next = (medium.lines[i + 1] ?? '').split('|');
    expect([next[0], next[3], next[4]]).toEqual([time, agent, 'PAUSE']);
    const reasons = countBy(mediumEvents, (e) => (e.kind === 'PAUSE' ? e.reason : null));
    for (const reason of ['Break', 'Lunch', 'Training', 'Meeting']) {
      expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
  });

  it('data fields agree with the epochs (holdtime, calltime, waittime, ringtime)', () => {
    const entered = new Map<string, number>();
    const connected = new Map<string, number>();
    let checked = 0;
    for (const e of mediumEvents) {
      const key = `${e.callId}|${e.queue}`;
      if (e.kind === 'ENTERQUEUE') {
        entered.set(key, e.time);
      } else if (e.kind === 'CONNECT') {
        const enter = entered.get(key);
        expect(enter).toBeDefined();
        expect(e.holdTime).toBe(e.time - (enter ?? 0));
        expect(e.ringTime).toBeGreaterThanOrEqual(1);
        expect(e.ringTime).toBeLessThanOrEqual(e.holdTime ?? 0);
        connected.set(key, e.time);
      } else if (
        e.kind === 'COMPLETEAGENT' ||
        e.kind === 'COMPLETECALLER' ||
        e.kind === 'BLINDTRANSFER' ||
        e.kind === 'ATTENDEDTRANSFER'
      ) {
        const connect = connected.get(key);
        expect(connect).toBeDefined();
        expect(e.callTime).toBe(e.time - (connect ?? 0));
        expect(e.holdTime).toBe((connect ?? 0) - (entered.get(key) ?? 0));
        checked++;
      } else if (
        e.kind === 'ABANDON' ||
        e.kind === 'EXITWITHTIMEOUT' ||
        e.kind === 'EXITWITHKEY' ||
        e.kind === 'EXITEMPTY'
      ) {
        const enter = entered.get(key);
        expect(e.waitTime).toBe(e.time - (enter ?? NaN));
        expect(e.position).toBeGreaterThanOrEqual(1);
        expect(e.origPosition).toBeGreaterThanOrEqual(1);
        if (e.kind === 'EXITWITHKEY') expect(e.key).toMatch(/^[01]$/);
      } else if (e.kind === 'RINGNOANSWER') {
        expect([0, 15000]).toContain(e.ringTimeMs);
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe('generate: ground truth', () => {
  it('offered = answered + abandoned + timedOut + exitedWithKey + exitedEmpty + lost + stillWaiting', () => {
    for (const q of medium.truth.queues) {
      expect(q.stillWaiting, q.queue).toBe(0);
      expect(q.talking, q.queue).toBe(0);
      expect(
        q.answered + q.abandoned + q.timedOut + q.exitedWithKey + q.exitedEmpty + q.lost,
        q.queue,
      ).toBe(q.offered);
      expect(q.ended + q.cutByRestart, q.queue).toBe(q.answered);
    }
    expect(medium.truth.arrivals).toBe(12_000);
    expect(medium.truth.restarts).toBeGreaterThan(0);
  });

  it('matches an independent recount of the lines', () => {
    const truth = medium.truth;
    const byQueue = (kinds: readonly string[]) =>
      countBy(mediumEvents, (e) => (kinds.includes(e.kind) ? e.queue : null));
    const offered = byQueue(['ENTERQUEUE']);
    const answered = byQueue(['CONNECT']);
    const abandoned = byQueue(['ABANDON']);
    const timedOut = byQueue(['EXITWITHTIMEOUT']);
    const key = byQueue(['EXITWITHKEY']);
    const rejected = byQueue(['JOINEMPTY']);
    const transferred = byQueue(['BLINDTRANSFER', 'ATTENDEDTRANSFER']);
    for (const q of truth.queues) {
      expect(q.offered, q.queue).toBe(offered.get(q.queue) ?? 0);
      expect(q.answered, q.queue).toBe(answered.get(q.queue) ?? 0);
      expect(q.abandoned, q.queue).toBe(abandoned.get(q.queue) ?? 0);
      expect(q.timedOut, q.queue).toBe(timedOut.get(q.queue) ?? 0);
      expect(q.exitedWithKey, q.queue).toBe(key.get(q.queue) ?? 0);
      expect(q.rejected, q.queue).toBe(rejected.get(q.queue) ?? 0);
      expect(q.transferred, q.queue).toBe(transferred.get(q.queue) ?? 0);
    }
    const callIds = new Set(
      mediumEvents.filter((e) => e.kind === 'ENTERQUEUE').map((e) => e.callId),
    );
    expect(truth.uniqueCalls).toBe(callIds.size);
    expect(truth.uniqueCalls).toBeLessThan(truth.queues.reduce((s, q) => s + q.offered, 0)); // some callers overflow or are transferred into a second queue

    // Per agent: answered, talk, ring misses; logged-in and paused time by reason, replayed.
    const agentAnswered = countBy(mediumEvents, (e) => (e.kind === 'CONNECT' ? e.agent : null));
    const talk = new Map<string, number>();
    const misses = countBy(mediumEvents, (e) =>
      e.kind === 'RINGNOANSWER' && (e.ringTimeMs ?? 0) > 0 ? e.agent : null,
    );
    const end = mediumEvents.at(-1)?.time ?? 0;
    const login = new Map<string, number>();
    const loggedIn = new Map<string, number>();
    const pause = new Map<string, { at: number; reason: string }>();
    const pausedByReason = new Map<string, Record<string, number>>();
    const closePause = (agent: string, t: number) => {
      const p = pause.get(agent);
      if (p === undefined) return;
      const rec = pausedByReason.get(agent) ?? {};
      rec[p.reason] = (rec[p.reason] ?? 0) + t - p.at;
      pausedByReason.set(agent, rec);
      pause.delete(agent);
    };
    for (const e of mediumEvents) {
      const agent = e.agent;
      if (agent === null) continue;
      if (
        e.kind === 'COMPLETEAGENT' ||
        e.kind === 'COMPLETECALLER' ||
        e.kind === 'BLINDTRANSFER' ||
        e.kind === 'ATTENDEDTRANSFER'
      ) {
        talk.set(agent, (talk.get(agent) ?? 0) + (e.callTime ?? 0));
      } else if (e.kind === 'ADDMEMBER') {
        if (!login.has(agent)) login.set(agent, e.time);
      } else if (e.kind === 'REMOVEMEMBER') {
        const at = login.get(agent);
        if (at !== undefined) loggedIn.set(agent, (loggedIn.get(agent) ?? 0) + e.time - at);
        login.delete(agent);
        closePause(agent, e.time);
      } else if (e.kind === 'PAUSE') {
        if (!pause.has(agent)) pause.set(agent, { at: e.time, reason: e.reason });
      } else if (e.kind === 'UNPAUSE') {
        closePause(agent, e.time);
      }
    }
    for (const [agent, at] of login) loggedIn.set(agent, (loggedIn.get(agent) ?? 0) + end - at);
    for (const agent of [...pause.keys()]) closePause(agent, end);
    for (const a of truth.agents) {
      expect(a.answered, a.agent).toBe(agentAnswered.get(a.agent) ?? 0);
      expect(a.talk, a.agent).toBe(talk.get(a.agent) ?? 0);
      expect(a.ringNoAnswer, a.agent).toBe(misses.get(a.agent) ?? 0);
      expect(a.loggedIn, a.agent).toBe(loggedIn.get(a.agent) ?? 0);
      const reasons = Object.fromEntries(
        Object.entries(pausedByReason.get(a.agent) ?? {}).filter(([, s]) => s > 0),
      );
      const truthReasons = Object.fromEntries(
        Object.entries(a.pausedByReason).filter(([, s]) => s > 0),
      );
      expect(truthReasons, a.agent).toEqual(reasons);
      expect(a.paused).toBe(Object.values(a.pausedByReason).reduce((s, x) => s + x, 0));
    }
  });

  it('produces a plausible floor (abandon rate, ASA, talk time, occupancy)', () => {
    const totals = { offered: 0, answered: 0, abandoned: 0, hold: 0, talk: 0, ended: 0 };
    for (const q of medium.truth.queues) {
      totals.offered += q.offered;
      totals.answered += q.answered;
      totals.abandoned += q.abandoned;
      totals.hold += q.holdTimeSum;
      totals.talk += q.talkSum;
      totals.ended += q.ended;
    }
    const abandonRate = totals.abandoned / totals.offered;
    expect(abandonRate).toBeGreaterThan(0.02);
    expect(abandonRate).toBeLessThan(0.2);
    const asa = totals.hold / totals.answered;
    expect(asa).toBeGreaterThan(3);
    expect(asa).toBeLessThan(60);
    // Mean talk of the defaults, weighted by answered calls: between the queues' means 180..300 s.
    const avgTalk = totals.talk / totals.ended;
    expect(avgTalk).toBeGreaterThan(180);
    expect(avgTalk).toBeLessThan(300);
    const sales = medium.truth.queues.find((q) => q.queue === 'sales');
    expect((sales?.talkSum ?? 0) / (sales?.ended ?? 1)).toBeGreaterThan(180 * 0.9);
    expect((sales?.talkSum ?? 0) / (sales?.ended ?? 1)).toBeLessThan(180 * 1.1);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => generate({ seed: 1, calls: -1, startEpoch: START })).toThrow(/calls/);
    expect(() =>
      generate({ seed: 1, calls: 1, startEpoch: START, agents: [{ name: 'a', queues: ['x'] }] }),
    ).toThrow(/unknown queue "x"/);
    expect(() => generate({ seed: Number.NaN, calls: 1, startEpoch: START })).toThrow(/seed/);
  });
});

describe('createLiveSimulator', () => {
  it('advance(t1) then advance(t2) equals one advance(t2)', () => {
    const split = createLiveSimulator({ seed: 5, startEpoch: START });
    const whole = createLiveSimulator({ seed: 5, startEpoch: START });
    const perSecond = createLiveSimulator({ seed: 5, startEpoch: START });
    const a = split.advance(START + 1234);
    const b = split.advance(START + 3600);
    const c = whole.advance(START + 3600);
    const d: string[] = [];
    for (let t = START; t <= START + 3600; t++) d.push(...perSecond.advance(t));
    expect(c.length).toBeGreaterThan(1000);
    expect([...a, ...b]).toEqual(c);
    expect(d).toEqual(c);
    expect(split.truth()).toEqual(whole.truth());
    expect(whole.now).toBe(START + 3600);
  });

  it('shows a living floor within the first minute', () => {
    const live = createLiveSimulator({ seed: 11, startEpoch: START });
    const lines = live.advance(START + 60);
    const evs = events(lines);
    const logins = new Set(evs.filter((e) => e.kind === 'ADDMEMBER').map((e) => e.agent));
    expect(logins.size).toBe(40);
    expect(evs.filter((e) => e.kind === 'ENTERQUEUE').length).toBeGreaterThanOrEqual(3);
    expect(evs.filter((e) => e.kind === 'CONNECT').length).toBeGreaterThanOrEqual(1);
    expect(new Set(evs.flatMap((e) => (e.queue === null ? [] : [e.queue])))).toEqual(
      new Set(['sales', 'support', 'billing', 'vip']),
    );
    for (const e of evs) {
      expect(e.time).toBeGreaterThanOrEqual(START);
      expect(e.time).toBeLessThanOrEqual(START + 60);
    }
  });

  it('after an hour has pauses with reasons, abandons and transfers; truth counts open calls', () => {
    const live = createLiveSimulator({ seed: 12, startEpoch: START });
    const evs = events(live.advance(START + 3 * 3600));
    const kinds = countBy(evs, (e) => e.kind);
    for (const kind of ['PAUSE', 'UNPAUSE', 'ABANDON', 'BLINDTRANSFER', 'COMPLETECALLER']) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    // Waiting = entered and not yet connected or exited, recounted from the lines.
    const open = new Map<string, string>();
    for (const e of evs) {
      const key = `${e.callId}|${e.queue}`;
      if (e.kind === 'ENTERQUEUE') open.set(key, e.queue ?? '');
      if (['CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY'].includes(e.kind)) {
        open.delete(key);
      }
    }
    const waiting = countBy([...open.values()], (q) => q);
    for (const q of live.truth().queues) {
      expect(q.stillWaiting, q.queue).toBe(waiting.get(q.queue) ?? 0);
      expect(
        q.answered +
          q.abandoned +
          q.timedOut +
          q.exitedWithKey +
          q.exitedEmpty +
          q.lost +
          q.stillWaiting,
      ).toBe(q.offered);
    }
  });

  it('returns nothing for a time that is not after the last one', () => {
    const live = createLiveSimulator({ seed: 1, startEpoch: START });
    expect(live.advance(START - 10)).toEqual([]);
    expect(live.advance(START + 100).length).toBeGreaterThan(0);
    expect(live.advance(START + 100)).toEqual([]);
    expect(live.advance(START + 50)).toEqual([]);
  });
});
