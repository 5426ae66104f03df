import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../telephony/events.js';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import { EventSequencer } from '../telephony/sequencer.js';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import { FloorState, type FloorChanges, type FloorSnapshot } from './floor-state.js';

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'fixtures',
);

/** Replays queue_log text through the parser and the sequencer (window 300 s) into a FloorState. */
function replay(text: string, floor: FloorState): { lastEventMs: number } {
  let last = 0;
  const sequencer = new EventSequencer(300, (event) => {
    floor.apply(event);
    last = event.time * 1000;
  });
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseQueueLogLine(line);
    if (!parsed.ok) throw new Error(`line ${index + 1}: ${parsed.reason}`);
    sequencer.push(parsed.event, line);
  });
  sequencer.flush();
  return { lastEventMs: last };
}

interface CaseExpectation {
  other?: { agents?: Record<string, { state_at_end?: string }> };
  settings?: { to?: string };
}

function caseFile(id: string, ext: string): string {
  const dir = join(FIXTURES, 'queue_log');
  const files: Record<string, string> = {
    QL07: 'QL07-added-paused-and-logoff-while-paused',
    QL10: 'QL10-caller-hangs-up-after-agent-answers',
    QL12: 'QL12-transfers-end-the-agent-leg',
    QL18: 'QL18-ringnoanswer-storm-and-autopause',
    QL13: 'QL13-agent-in-two-queues-counted-once',
    QL15: 'QL15-overflow-multi-stint',
  };
  const base = files[id];
  if (base === undefined) throw new Error(`no case ${id}`);
  return readFileSync(join(dir, `${base}.${ext}`), 'utf8');
}

describe('shared queue_log cases: state_at_end', () => {
  for (const id of ['QL07', 'QL10', 'QL12', 'QL18']) {
    it(`${id} reproduces every other.agents.*.state_at_end`, () => {
      const expected = JSON.parse(caseFile(id, 'expected.json')) as CaseExpectation;
      const floor = new FloorState();
      const { lastEventMs } = replay(caseFile(id, 'queue_log'), floor);
      const end =
        expected.settings?.to === undefined ? lastEventMs : Date.parse(expected.settings.to);
      const view = floor.view(end);
      const wanted = Object.entries(expected.other?.agents ?? {}).filter(
        ([, v]) => v.state_at_end !== undefined,
      );
      expect(wanted.length).toBeGreaterThan(0);
      for (const [name, v] of wanted) {
        expect(view.agents.find((a) => a.agent === name)?.state, name).toBe(v.state_at_end);
      }
    });
  }

  it('QL07: paused "" from ADDMEMBER|PAUSED, Break from T+900, logged out at T+1500', () => {
    const T = 1718030000;
    const floor = new FloorState();
    const text = caseFile('QL07', 'queue_log').split('\n');
    const seen: [string, string | null, number][] = [];
    for (const line of text) {
      if (line === '') continue;
      const parsed = parseQueueLogLine(line);
      if (!parsed.ok) throw new Error(parsed.reason);
      floor.apply(parsed.event);
      const a = floor.agentView('PJSIP/701', parsed.event.time * 1000);
      seen.push([a.state, a.reason, a.since / 1000 - T]);
    }
    expect(seen).toEqual([
      ['paused', '', 0],
      ['available', null, 300],
      ['available', null, 300], // ENTERQUEUE does not touch the agent
      ['on_call', null, 410],
      ['available', null, 500],
      ['paused', 'Break', 900],
      ['logged_out', null, 1500],
    ]);
  });

  it('QL18: the auto-paused agent is paused with reason Auto-Pause since T+35; the unreachable one available', () => {
    const floor = new FloorState();
    replay(caseFile('QL18', 'queue_log'), floor);
    const view = floor.view(1718170600 * 1000);
    const a372 = view.agents.find((a) => a.agent === 'PJSIP/372');
    expect([a372?.state, a372?.reason, a372?.since]).toEqual([
      'paused',
      'Auto-Pause',
      1718170035000,
    ]);
    expect(view.agents.find((a) => a.agent === 'PJSIP/371')?.state).toBe('available');
    expect(view.queues[0]).toMatchObject({ queue: 'support', waiting: 0, longestWait: 0 });
  });
});

describe('shared queue_log cases: the floor during the case', () => {
  const prefix = (id: string, lines: number): string =>
    caseFile(id, 'queue_log').split('\n').slice(0, lines).join('\n');

  it('QL13: an agent in two queues on a support call counts as onCall in both', () => {
    // First 7 lines (an out-of-order ENTERQUEUE included), viewed at 1718120110.
    const floor = new FloorState();
    replay(prefix('QL13', 7), floor);
    const view = floor.view(1718120110000);
    const a321 = view.agents.find((a) => a.agent === 'PJSIP/321');
    expect([a321?.state, a321?.since, a321?.callId, a321?.queues]).toEqual([
      'on_call',
      1718120106000,
      '1718120100.131',
      ['sales', 'support'],
    ]);
    expect(
      view.queues.map((q) => [q.queue, q.waiting, q.agents.onCall, q.agents.available]),
    ).toEqual([
      ['sales', 0, 2, 0],
      ['support', 0, 1, 0],
    ]);
  });

  it('QL15: an overflow moves the caller and restarts longestWait', () => {
    const floor = new FloorState();
    replay(prefix('QL15', 3), floor);
    const view = floor.view(1718140070000);
    // Entered support at 1718140061: 9 s at 1718140070 (not 70 s from the sales entry).
    expect(view.queues.map((q) => [q.queue, q.waiting, q.longestWait])).toEqual([
      ['sales', 0, 0],
      ['support', 1, 9],
    ]);
    replay(caseFile('QL15', 'queue_log').split('\n').slice(3).join('\n'), floor);
    const end = floor.view(1718140201000);
    expect(end.agents.map((a) => [a.agent, a.state, a.since])).toEqual([
      ['PJSIP/341', 'available', 1718140201000],
    ]);
  });
});

describe.runIf(sharedDataAvailable())('real PBXware queue_log (../shared/data)', () => {
  it('a logoff during a call keeps the agent on_call until the call ends (lines 1-892)', () => {
    const text = readFileSync(sharedDataPath('pbxware-queue-log', 'queue_log'), 'utf8');
    const head = text.split('\n').slice(0, 892).join('\n');
    const floor = new FloorState({
      aliases: new Map([['Local/1144@callback-agent', 'Agent/1144']]),
    });
    replay(head, floor);
    const a = floor.agentView('Agent/1144', 1543936560000);
    expect([a.state, a.since, a.callId, a.queues]).toEqual([
      'on_call',
      1543936271000,
      '1543936185.1258',
      [],
    ]);
  });

  it('replays with the Local/NNNN@callback-agent → Agent/NNNN alias map', () => {
    const text = readFileSync(sharedDataPath('pbxware-queue-log', 'queue_log'), 'utf8');
    const aliases = new Map<string, string>();
    for (const n of ['1109', '1126', '1127', '1128', '1141', '1144']) {
      aliases.set(`Local/${n}@callback-agent`, `Agent/${n}`);
    }
    const floor = new FloorState({ aliases });
    const { lastEventMs } = replay(text, floor);
    // The last line: 1543942851|1543942842.2438|IT|NONE|ENTERQUEUE||15550000031|2
    expect(lastEventMs).toBe(1543942851000);
    const view = floor.view(lastEventMs);
    const byId = new Map(view.agents.map((a) => [a.agent, a]));
    expect([...byId.keys()]).toEqual([
      'Agent/1109',
      'Agent/1126',
      'Agent/1127',
      'Agent/1128',
      'Agent/1141',
      'Agent/1144',
    ]);
    // Logged in at the end (read from the file): 1109 (ADDMEMBER 1543914611), 1126 (1543914611),
    // 1127 (1543940942), 1141 (1543940699). 1144 logged off at 1543936560 during a call,
    // 1128 at 1543941762.
    const loggedIn = view.agents.filter((a) => a.state !== 'logged_out').map((a) => a.agent);
    expect(loggedIn).toEqual(['Agent/1109', 'Agent/1126', 'Agent/1127', 'Agent/1141']);
    const pick = (id: string): unknown[] => {
      const a = byId.get(id);
      return [a?.state, a?.since, a?.callId, a?.queues];
    };
    // 1109: CONNECT 1543942390 on 1543942358.2226, no end in the file.
    expect(pick('Agent/1109')).toEqual(['on_call', 1543942390000, '1543942358.2226', ['IT']]);
    // 1127: CONNECT 1543942206 on 1543942189.2194, no end in the file.
    expect(pick('Agent/1127')).toEqual(['on_call', 1543942206000, '1543942189.2194', ['IT']]);
    // 1141: COMPLETECALLER 1543942782; ring attempts after it do not reset since.
    expect(pick('Agent/1141')).toEqual(['available', 1543942782000, null, ['IT']]);
    // 1126: COMPLETEAGENT 1543936004, then only ring attempts and custom OUT* verbs.
    expect(pick('Agent/1126')).toEqual(['available', 1543936004000, null, ['IT']]);
    expect(pick('Agent/1128')).toEqual(['logged_out', 1543941762000, null, []]);
    // 1144 logged off (line 890-892, 1543936560) while on call 1543936185.1258 (CONNECT
    // 1543936271, COMPLETEAGENT 1543937094 on line 904): a call wins, logged_out from its end.
    expect(pick('Agent/1144')).toEqual(['logged_out', 1543937094000, null, []]);
    expect(byId.get('Agent/1127')?.memberNames).toEqual([
      'Local/1127@callback-agent',
      'Agent/1127',
    ]);
    // Two callers wait: 1543942788.2389 since 1543942799, 1543942842.2438 since 1543942851.
    expect(view.queues).toHaveLength(1);
    const itQueue = view.queues[0];
    expect(itQueue?.waitingCalls.map((w) => [w.callId, w.since])).toEqual([
      ['1543942788.2389', 1543942799000],
      ['1543942842.2438', 1543942851000],
    ]);
    expect(itQueue?.longestWait).toBe(52);
    expect(itQueue?.agents).toEqual({
      available: 2,
      ringing: 0,
      onCall: 2,
      wrapUp: 0,
      paused: 0,
      loggedOut: 2,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Snapshot → restore → continue equals an uninterrupted run.

const AGENTS = ['PJSIP/1', 'PJSIP/2', 'Local/1@from-queue/n', 'PJSIP/3'];
const QUEUES = ['sales', 'support', 'NONE'];
const CALLS = ['c1', 'c2', 'c3', 'c4'];
const VERBS = [
  'ADDMEMBER',
  'ADDMEMBER|PAUSED',
  'REMOVEMEMBER',
  'PAUSE|Lunch',
  'PAUSE|Break',
  'PAUSE|',
  'UNPAUSE|',
  'PAUSEALL|',
  'UNPAUSEALL|',
  'ENTERQUEUE',
  'RINGSTART',
  'RINGNOANSWER|15000',
  'RINGCANCELED|2000',
  'CONNECT|5|b|2',
  'COMPLETEAGENT|5|60|1',
  'BLINDTRANSFER|200|ctx|5|30|1',
  'ABANDON|1|1|10',
  'EXITWITHTIMEOUT|1|1|60',
  'HOLD',
  'UNHOLD',
  'QUEUESTART',
  'CONFIGRELOAD',
  'PENALTY|2',
] as const;

const lineArb = fc.record({
  dt: fc.integer({ min: 0, max: 90 }),
  agent: fc.constantFrom(...AGENTS),
  queue: fc.constantFrom(...QUEUES),
  call: fc.constantFrom(...CALLS),
  verb: fc.constantFrom(...VERBS),
});

function toEvents(lines: readonly LineSpec[]): TelephonyEvent[] {
  let time = 1767225600;
  const events: TelephonyEvent[] = [];
  for (const l of lines) {
    time += l.dt;
    const [verb, ...data] = l.verb.split('|');
    let text: string;
    if (verb === 'QUEUESTART' || verb === 'CONFIGRELOAD') text = `${time}|NONE|NONE|NONE|${verb}|`;
    else if (verb === 'ENTERQUEUE') text = `${time}|${l.call}|${l.queue}|NONE|ENTERQUEUE||0912|1`;
    else text = `${time}|${l.call}|${l.queue}|${l.agent}|${verb}|${data.join('|')}`;
    const parsed = parseQueueLogLine(text);
    if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
    events.push(parsed.event);
  }
  return events;
}

interface LineSpec {
  dt: number;
  agent: string;
  queue: string;
  call: string;
  verb: string;
}

describe('snapshot / restore', () => {
  it('restore(snapshot) after a JSON round trip continues exactly like an uninterrupted run', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.constantFrom(0, 30),
        (lines, cut, wrapUpSeconds) => {
          const events = toEvents(lines);
          const k = cut % (events.length + 1);
          const aliases = new Map([['Local/1@from-queue/n', 'PJSIP/1']]);
          const whole = new FloorState({ aliases, wrapUpSeconds });
          const wholeChanges: FloorChanges[] = events.map((e) => whole.apply(e));

          const first = new FloorState({ aliases, wrapUpSeconds });
          for (const e of events.slice(0, k)) first.apply(e);
          const stored = JSON.parse(JSON.stringify(first.snapshot())) as FloorSnapshot;
          const resumed = FloorState.restore(stored);
          const resumedChanges = events.slice(k).map((e) => resumed.apply(e));

          expect(resumedChanges).toEqual(wholeChanges.slice(k));
          const lastTime = (events[events.length - 1]?.time ?? 0) * 1000;
          for (const now of [lastTime, lastTime + 29_999, lastTime + 3_600_000]) {
            expect(resumed.view(now)).toEqual(whole.view(now));
          }
          expect(resumed.snapshot()).toEqual(whole.snapshot());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the view invariants on any stream', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 80 }), (lines) => {
        const floor = new FloorState({ wrapUpSeconds: 30 });
        const events = toEvents(lines);
        for (const e of events) floor.apply(e);
        const now = (events[events.length - 1]?.time ?? 0) * 1000 + 1000;
        const view = floor.view(now);
        for (const a of view.agents) {
          // reason is a string exactly when paused; a call id exactly when on a call.
          expect(a.reason !== null).toBe(a.state === 'paused');
          expect(a.callId !== null).toBe(a.state === 'on_call');
          if (a.state === 'logged_out') expect(a.queues).toEqual([]);
          if (a.state === 'paused') expect(a.pausedQueues).toEqual(a.queues);
          for (const q of a.pausedQueues) expect(a.queues).toContain(q);
          expect(a.since).toBeLessThanOrEqual(now);
        }
        for (const q of view.queues) {
          expect(q.waiting).toBe(q.waitingCalls.length);
          expect(q.longestWait).toBe(
            q.waiting === 0 ? 0 : Math.floor((now - (q.waitingCalls[0]?.since ?? 0)) / 1000),
          );
        }
        // A caller waits in one queue at most.
        const ids = view.queues.flatMap((q) => q.waitingCalls.map((w) => w.callId));
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects something that is not a floor snapshot', () => {
    expect(() => FloorState.restore({ version: 2 } as unknown as FloorSnapshot)).toThrow(
      /version-1 floor snapshot/,
    );
  });
});
