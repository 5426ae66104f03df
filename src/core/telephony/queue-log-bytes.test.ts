/**
 * The byte-level parser must give exactly the string parser's events: compared line by line on
 * every fixture, the real logs in ../shared/data, a simulated log and hand-made odd lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import { generate } from '../simulation/index.js';
import type { TelephonyEvent } from './events.js';
import {
  addBatchNames,
  allocateColumns,
  batchEvent,
  ByteLine,
  ByteLineParser,
  type EventBatch,
} from './queue-log-bytes.js';
import { parseQueueLogLine } from './queue-log.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'queue_log');
const encoder = new TextEncoder();

/** Reads `buf[start, end)` as a {@link ByteLine} and writes it to the parser. */
function write(parser: ByteLineParser, buf: Uint8Array, start: number, end: number): boolean {
  const line = new ByteLine();
  line.read(buf, start, end, false);
  return parser.write(line);
}

interface Compared {
  /** Lines the byte path parsed itself. */
  fast: number;
  /** Lines it left to the string parser. */
  slow: number;
}

/**
 * Parses each line both ways and expects the same event (or, for lines the byte path leaves to
 * the string parser, that the string parser is what gives the result). Small batches, so that
 * name ids carry across batches.
 */
function compare(lines: readonly string[]): Compared {
  const parser = new ByteLineParser(allocateColumns(64, 64 * 256));
  const names: string[] = [];
  const expected: (TelephonyEvent | null)[] = [];
  const got: TelephonyEvent[] = [];
  let fast = 0;
  let slow = 0;
  const drain = (): void => {
    const batch: EventBatch = parser.take(allocateColumns(64, 64 * 256));
    const text = new TextDecoder().decode(batch.text.subarray(0, batch.textLength));
    addBatchNames(batch, text, names);
    let side = 0;
    for (let i = 0; i < batch.count; i++) {
      got.push(batchEvent(batch, i, names, text, () => batch.events[side++]!));
    }
  };
  for (const line of lines) {
    const parsed = parseQueueLogLine(line);
    const bytes = encoder.encode(`#${line}#`); // the line inside a larger buffer
    // Read as the reader gives it: with the ASCII check done per chunk when the bytes are ASCII.
    const ascii = bytes.every((b) => b < 0x80);
    const read = new ByteLine();
    read.read(bytes, 1, bytes.length - 1, ascii);
    const unchecked = new ByteLine();
    expect(unchecked.read(bytes, 1, bytes.length - 1, false), line).toBe(read.ok);
    if (parser.write(read)) {
      fast++;
      expect(parsed.ok, line).toBe(true);
    } else {
      slow++;
      if (!parsed.ok) continue;
      parser.addEvent(parsed.event);
    }
    if (parsed.ok) expected.push(parsed.event);
    if (parser.size === parser.capacity) drain();
  }
  drain();
  expect(got).toEqual(expected);
  return { fast, slow };
}

function textOf(batch: EventBatch): string {
  return new TextDecoder().decode(batch.text.subarray(0, batch.textLength));
}

function fixtureLines(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.queue_log'))
    .sort()
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'))
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.length > 0);
}

describe('byte-level queue_log parser', () => {
  it('gives the string parser’s events on every fixture line', () => {
    // 101 lines; the three informational ones (DID, INFO, PENALTY) carry data arrays.
    expect(compare(fixtureLines())).toEqual({ fast: 98, slow: 3 });
  });

  it('gives the string parser’s events on a simulated log, nearly all on the byte path', () => {
    const log = generate({ seed: 5, calls: 3000, startEpoch: Date.UTC(2026, 0, 5) / 1000 });
    const lines = [...log.chunks(1 << 16)].join('').split('\n').filter(Boolean);
    const { fast, slow } = compare(lines);
    expect(slow).toBe(0);
    expect(fast).toBe(lines.length);
  });

  it('leaves odd lines to the string parser and agrees on the rest', () => {
    const byteLines = [
      '1718000000|c1|q|NONE|ENTERQUEUE||0912345678|1|Chen',
      '1718000000|c1|q|NONE|ENTERQUEUE|url|||',
      '1718000000|c1|q|NONE|ENTERQUEUE',
      '1718000000|c1|q|NONE|ENTERQUEUE|',
      '1718000001|c1|q|PJSIP/1|CONNECT|12|b1|3',
      '1718000002|c1|q|PJSIP/1|COMPLETECALLER|12|60|1',
      '1718000002|c1|q|PJSIP/1|COMPLETEAGENT|12|60',
      '1718000002|c1|q|PJSIP/1|TRANSFER|200|from-internal|12|60|1',
      '1718000002|c1|q|PJSIP/1|TRANSFER|200||12|60|1',
      '1718000002|c1|q|PJSIP/1|TRANSFER||ctx|12|60|1',
      '1718000002|c1|q|PJSIP/1|BLINDTRANSFER|200|ctx|12|60|1',
      '1718000002|c1|q|PJSIP/1|ATTENDEDTRANSFER|BRIDGE|chan|12|60|1',
      '1718000002|c1|q|PJSIP/1|ATTENDEDTRANSFER|LINK|a|b|12|60|1',
      '1718000002|c1|q|PJSIP/1|ATTENDEDTRANSFER|APP',
      '1718000003|c2|q|NONE|ABANDON|1|1|30',
      '1718000003|c2|q|NONE|EXITWITHTIMEOUT|1|1|300',
      '1718000003|c2|q|NONE|EXITEMPTY|1|1',
      '1718000003|c2|q|NONE|EXITWITHKEY|5|1|1|30',
      '1718000003|c2|q|NONE|EXITWITHKEY||1|1|30',
      '1718000004|NONE|q|PJSIP/1|ADDMEMBER|',
      '1718000004|NONE|q|PJSIP/1|ADDMEMBER| paused ',
      '1718000004|NONE|q|PJSIP/1|ADDMEMBER|PAUSED',
      '1718000004|NONE|q|PJSIP/1|ADDMEMBER',
      '1718000004|NONE|q|PJSIP/1|AGENTLOGIN|PAUSEDX',
      '1718000005|NONE|q|PJSIP/1|PAUSE|Lunch',
      '1718000005|NONE|q|PJSIP/1|PAUSE|',
      '1718000005|NONE|q|PJSIP/1|PAUSE',
      '1718000005|NONE|q|PJSIP/1|UNPAUSE|Lunch|extra',
      '1718000006|c3|q|PJSIP/2|RINGNOANSWER|15000',
      '1718000006|c3|q|PJSIP/2|RINGNOANSWER|',
      '1718000006|c3|q|PJSIP/2|RINGCANCELED|0',
      '1718000006|c3|q|PJSIP/2|RINGSTART',
      '1718000006|c3|q|PJSIP/2|HOLD|',
      '1718000007|c3|q|NONE|JOINEMPTY|',
      '1718000007|NONE|NONE|NONE|QUEUESTART|',
      '1718000007|NONE|NONE|NONE|CONFIGRELOAD',
      '1718000008|c3|q|NONE|ENTERQUEUE||0912\r', // a second \r: ignored by both
      '1718000008||||ENTERQUEUE',
      `1718000008|c4|q|${'Local/1001@from-queue'.repeat(3)}|CONNECT|1|b|2`,
      '12345678901234567890|c|q|a|PAUSE|r',
    ];
    const stringLines = [
      '1718000001|c1|q|PJSIP/1|CONNECT| 12|b1|3', // space: Number() semantics
      '1718000001|c1|q|PJSIP/1|CONNECT|x|b1|3', // malformed number
      '1718000001.5|c1|q|PJSIP/1|CONNECT|12|b1|3', // fractional epoch
      '1718000002|c1|q|陳小明|CONNECT|12|b1|3', // non-ASCII member
      '1718000005|NONE|NONE|PJSIP/1|PAUSEALL|午餐', // non-ASCII reason
      '1718000007|c3|q|NONE|DID|5551234', // informational: a data array
      '1718000007|c3|q|NONE|CUSTOM_EVENT|a|b', // unknown verb
      '1718000007|c3|q|NONE|notaverb|a', // malformed verb
      '1718000007|c3|q|NONE', // four fields
      'x1718000007|c3|q|NONE|ENTERQUEUE', // time
      `1718000008|c4|q|a|CUSTOM${'|x'.repeat(40)}`, // many fields
      '123456789012345678901|c|q|a|PAUSE|r', // 21 digits: not an epoch
    ];
    expect(compare(byteLines)).toEqual({ fast: byteLines.length, slow: 0 });
    for (const line of stringLines) expect(compare([line]), line).toEqual({ fast: 0, slow: 1 });
    // Mixed, in batches: the string parser's events keep their place.
    expect(compare([...byteLines, ...stringLines].sort())).toEqual({
      fast: byteLines.length,
      slow: stringLines.length,
    });
  });

  it('leaves a line to the string parser exactly when a field read as a number is not digits', () => {
    // verb → data fields with every numeric one plain digits (kpi.md field layouts).
    const layouts: Record<string, string[]> = {
      ENTERQUEUE: ['url', '0912', '1', 'Chen'],
      RINGNOANSWER: ['15000'],
      CONNECT: ['12', 'chan', '3'],
      ABANDON: ['1', '1', '30'],
      EXITWITHTIMEOUT: ['1', '1', '300'],
      EXITEMPTY: ['1', '1', '5'],
      EXITWITHKEY: ['5', '1', '1', '30'],
      COMPLETEAGENT: ['12', '60', '1'],
      TRANSFER: ['200', 'ctx', '12', '60', '1'],
      BLINDTRANSFER: ['200', 'ctx', '12', '60', '1'],
      ATTENDEDTRANSFER: ['LINK', 'a', 'b', '12', '60', '1'],
    };
    for (const [verb, data] of Object.entries(layouts)) {
      const line = (fields: string[]): string =>
        `1718000000|c|q|PJSIP/1|${verb}|${fields.join('|')}`;
      expect(compare([line(data)]), verb).toEqual({ fast: 1, slow: 0 });
      data.forEach((value, k) => {
        const changed = [...data];
        changed[k] = `${value}x`;
        const numeric = /^\d+$/.test(value) && parseQueueLogLine(line(changed)).ok === false;
        // A field read as a number fails the string parser: the byte path leaves it; any other
        // field (a caller id, a key, a context) is text and stays on the byte path.
        expect(compare([line(changed)]), `${verb} field ${k}`).toEqual(
          numeric ? { fast: 0, slow: 1 } : { fast: 1, slow: 0 },
        );
      });
    }
  });

  /** The batch's names as strings, applied to `names`. */
  function namesOf(batch: EventBatch, names: string[] = []): string[] {
    addBatchNames(batch, textOf(batch), names);
    return names;
  }

  it('keeps name ids across batches', () => {
    const parser = new ByteLineParser(allocateColumns(2, 512));
    const line = encoder.encode('1718000000|c1|support|PJSIP/1|CONNECT|5|b|1');
    expect(write(parser, line, 0, line.length)).toBe(true);
    const first = parser.take(allocateColumns(2, 512));
    const names = namesOf(first);
    expect(names).toEqual(['support', 'PJSIP/1', 'c1']);
    expect(write(parser, line, 0, line.length)).toBe(true);
    const second = parser.take(allocateColumns(2, 512));
    expect(namesOf(second, names)).toEqual(['support', 'PJSIP/1', 'c1']);
    expect(second.resetNames).toBe(false);
    expect(Array.from(second.refs.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('starts the name table over between batches once it holds more than 100,000 names', () => {
    const columns = (): ReturnType<typeof allocateColumns> => allocateColumns(1 << 17, 1 << 20);
    const parser = new ByteLineParser(columns());
    for (let call = 0; call <= 100_000; call++) {
      const line = encoder.encode(`1718000000|call-${call}|q|NONE|ENTERQUEUE`);
      expect(write(parser, line, 0, line.length)).toBe(true);
    }
    const big = parser.take(columns());
    const names = namesOf(big);
    expect(names).toHaveLength(100_002); // q and 100,001 callids
    expect(names.slice(0, 3)).toEqual(['q', 'call-0', 'call-1']);
    expect(big.resetNames).toBe(false);
    const line = encoder.encode('1718000001|call-7|q|NONE|ENTERQUEUE');
    write(parser, line, 0, line.length);
    const after = parser.take(columns());
    expect(after.resetNames).toBe(true);
    expect(namesOf(after, names)).toEqual(['q', 'call-7']);
    const noSideEvents = (): never => {
      throw new Error('no event from the string parser here');
    };
    expect(batchEvent(after, 0, names, textOf(after), noSideEvents)).toMatchObject({
      queue: 'q',
      callId: 'call-7',
    });
  });

  it.runIf(sharedDataAvailable())(
    'gives the string parser’s events on the real logs in ../shared/data',
    () => {
      for (const file of [
        sharedDataPath('anonymous-bank-dec1999-subset', 'queue_log'),
        sharedDataPath('pbxware-queue-log', 'queue_log'),
      ]) {
        const lines = readFileSync(file, 'utf8')
          .split('\n')
          .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
          .filter((l) => l.length > 0);
        const { fast } = compare(lines);
        expect(fast, file).toBeGreaterThan(lines.length / 2);
      }
    },
  );
});
