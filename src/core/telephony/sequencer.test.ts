import { describe, expect, it } from 'vitest';
import { parseQueueLogLine } from './queue-log.js';
import { EventSequencer, Reorderer } from './sequencer.js';
import { eventVerb, type TelephonyEvent } from './events.js';

function run(lines: string[], window = 300): { verbs: string[]; seq: EventSequencer } {
  const out: TelephonyEvent[] = [];
  const seq = new EventSequencer(window, (e) => out.push(e));
  for (const line of lines) {
    const p = parseQueueLogLine(line);
    if (p.ok) seq.push(p.event, line);
  }
  seq.flush();
  return { verbs: out.map((e) => `${e.time}:${eventVerb(e)}`), seq };
}

describe('EventSequencer', () => {
  it('orders kinds inside one second by the kpi.md rank, same kinds in file order', () => {
    const { verbs } = run([
      '10|c1|q|A|COMPLETEAGENT|1|2|1',
      '10|c2|q|A|CONNECT|1|x|1',
      '10|M|q|A|REMOVEMEMBER|',
      '10|c3|q|NONE|ENTERQUEUE||1|1',
      '10|N|q|A|PAUSE|x',
      '10|N|NONE|A|PAUSEALL|',
      '10|M|q|A|ADDMEMBER|',
      '10|N|NONE|NONE|QUEUESTART|',
      '10|c2|q|B|CONNECT|1|y|1',
    ]);
    expect(verbs).toEqual([
      '10:QUEUESTART',
      '10:ADDMEMBER',
      '10:PAUSEALL',
      '10:PAUSE',
      '10:ENTERQUEUE',
      '10:CONNECT',
      '10:CONNECT',
      '10:COMPLETEAGENT',
      '10:REMOVEMEMBER',
    ]);
  });

  it('sorts lines out of order inside the window; an older line is processed late and counted', () => {
    const { verbs, seq } = run(
      [
        '100|a|q|NONE|ENTERQUEUE||1|1',
        '50|b|q|NONE|ENTERQUEUE||1|1',
        '500|c|q|NONE|ENTERQUEUE||1|1',
        '120|d|q|NONE|ENTERQUEUE||1|1',
      ],
      300,
    );
    // 120 arrives when the newest is 500: 120 < 500 - 300, so it is late (after 100 and 50 went out).
    expect(verbs).toEqual(['50:ENTERQUEUE', '100:ENTERQUEUE', '120:ENTERQUEUE', '500:ENTERQUEUE']);
    expect(seq.late).toBe(1);
  });

  it('drops exact duplicates within the window, keeps lines that differ in any field', () => {
    const { verbs, seq } = run([
      '1|a|q|NONE|ENTERQUEUE||1|1',
      '1|a|q|NONE|ENTERQUEUE||1|1',
      '1|a|q|NONE|ENTERQUEUE||1|2',
    ]);
    expect(verbs).toHaveLength(2);
    expect(seq.duplicates).toBe(1);
  });

  it('still finds duplicates among many lines of one second', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `7|c${i}|q|NONE|ENTERQUEUE||1|1`);
    const { verbs, seq } = run([...lines, ...lines]);
    expect(verbs).toHaveLength(100);
    expect(seq.duplicates).toBe(100);
  });

  it('holds nothing back past releaseBefore', () => {
    const out: TelephonyEvent[] = [];
    const seq = new EventSequencer(300, (e) => out.push(e));
    const p = parseQueueLogLine('100|a|q|NONE|ENTERQUEUE||1|1');
    if (p.ok) seq.push(p.event, null);
    expect(out).toHaveLength(0);
    seq.releaseBefore(101);
    expect(out).toHaveLength(1);
    expect(seq.pending).toBe(0);
  });
});

describe('Reorderer', () => {
  /** Items 0 … n−1 with pseudo-random times (jitter below `jitter` s) and ranks; deterministic. */
  function items(n: number, jitter: number): { time: number; rank: number }[] {
    let x = 12345;
    const next = (m: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % m;
    };
    return Array.from({ length: n }, (_, i) => ({
      time: Math.floor(i / 3) + next(jitter),
      rank: next(12),
    }));
  }

  /** Stable order by (time, rank): what kpi.md asks for, computed by Array.prototype.sort. */
  function expected(list: { time: number; rank: number }[]): number[] {
    return list
      .map((item, index) => ({ ...item, index }))
      .sort((a, b) => a.time - b.time || a.rank - b.rank || a.index - b.index)
      .map((item) => item.index);
  }

  it('sorts thousands of held items (its ring grows several times) as a stable sort does', () => {
    const list = items(5000, 40);
    const out: number[] = [];
    const r = new Reorderer<number>(1e9, (item) => out.push(item));
    list.forEach((item, i) => r.add(i, item.time, item.rank, null));
    expect(r.pending).toBe(5000);
    r.flush();
    expect(out).toEqual(expected(list));
  });

  it('releases in order while its ring wraps around, with tags handed back', () => {
    const list = items(20_000, 8);
    const out: number[] = [];
    const tags: number[] = [];
    // Jitter (< 8 s) inside the window (10 s): nothing is late, everything comes out sorted.
    const r = new Reorderer<number>(10, (item, tag) => {
      out.push(item);
      tags.push(tag);
    });
    list.forEach((item, i) => r.add(i, item.time, item.rank, null, 2 ** 32 + i));
    r.flush();
    expect(r.late).toBe(0);
    expect(out).toEqual(expected(list));
    expect(tags).toEqual(out.map((i) => 2 ** 32 + i));
  });
});
