/** Reading raw queue_log files: lines split across read chunks (issue #2: small worker chunks). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueueLogLines } from './queue-log-reader.js';

async function linesOf(text: string, chunkBytes?: number): Promise<[string, number][]> {
  const file = join(mkdtempSync(join(tmpdir(), 'callfloor-reader-')), 'queue_log');
  writeFileSync(file, text);
  const lines: [string, number][] = [];
  await readQueueLogLines(
    file,
    { timeZone: 'UTC', onMalformed: () => undefined, chunkBytes },
    (line, lineNo) => lines.push([line, lineNo]),
  );
  return lines;
}

describe('readQueueLogLines', () => {
  it('gives the same lines and numbers whatever the chunk size (CRLF, blank lines, no final newline)', async () => {
    const text =
      '1718000000|NONE|NONE|NONE|QUEUESTART|\r\n\r\n' +
      '1718000001|c1|support|NONE|ENTERQUEUE||0911|1\n\n\r\n' +
      '1718000002|c1|support|PJSIP/1001|CONNECT|2|b1|1\r\n' +
      '1718000099|c1|support|PJSIP/1001|COMPLETECALLER|2|97|1';
    const expected: [string, number][] = [
      ['1718000000|NONE|NONE|NONE|QUEUESTART|', 1],
      ['1718000001|c1|support|NONE|ENTERQUEUE||0911|1', 3],
      ['1718000002|c1|support|PJSIP/1001|CONNECT|2|b1|1', 6],
      ['1718000099|c1|support|PJSIP/1001|COMPLETECALLER|2|97|1', 7],
    ];
    expect(await linesOf(text)).toEqual(expected);
    for (const size of [1, 2, 3, 7, 16, 41]) expect(await linesOf(text, size)).toEqual(expected);
  });
});

describe('format detection', () => {
  it('reads a raw log whose first line is malformed as raw: that line reported, the rest kept (newcomer bug)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'callfloor-reader-')), 'queue_log');
    writeFileSync(
      file,
      'garbage written by a crashed logger\n' +
        '1718000001|c1|support|NONE|ENTERQUEUE||0911|1\n' +
        '1718000002|c1|support|PJSIP/1001|CONNECT|2|b1|1\n',
    );
    const malformed: number[] = [];
    const lines: number[] = [];
    await readQueueLogLines(
      file,
      { timeZone: 'UTC', onMalformed: (m) => malformed.push(m.line) },
      (_line, lineNo) => lines.push(lineNo),
    );
    // The reader hands every raw line on (the parser reports line 1); nothing is rejected whole.
    expect(lines).toEqual([1, 2, 3]);
    expect(malformed).toEqual([]);
  });
});
