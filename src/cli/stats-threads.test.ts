/**
 * `callfloor stats` reads large inputs on a worker thread (issue #2). The report and every message
 * must be exactly those of the single-threaded path, whatever the input holds.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../core/simulation/index.js';
import type { CliContext } from './context.js';
import { prestartReader } from '../io/ordered-line-reader.js';
import { runStats, type ReadMode } from './stats-command.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'queue_log');

function tmp(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'callfloor-threads-')), name);
  writeFileSync(file, content);
  return file;
}

interface Outcome {
  report: unknown;
  err: string;
  error: string | null;
}

async function stats(
  files: string[],
  mode: ReadMode,
  extra: Record<string, string> = {},
): Promise<Outcome> {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ctx: CliContext = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    stderrIsTTY: false,
    setExitCode: () => undefined,
  };
  try {
    const report = await runStats(
      files,
      { tz: 'UTC', format: 'auto', interval: '30m', ...extra },
      ctx,
      mode,
    );
    return { report, err, error: null };
  } catch (error) {
    return { report: null, err, error: (error as Error).message };
  }
}

async function expectSame(files: string[], extra: Record<string, string> = {}): Promise<Outcome> {
  const inline = await stats(files, 'inline', extra);
  const threaded = await stats(files, 'thread', extra);
  expect(threaded).toEqual(inline);
  return inline;
}

/** Every fixture line, shuffled a little across seconds, with duplicates and malformed lines. */
function messyLog(): string {
  const lines = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.queue_log'))
    .sort()
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'))
    .filter((l) => l.trim().length > 0);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i % 17 === 3) out.push(`x${line}`); // time not an epoch
    if (i % 19 === 5) out.push(line.replace(/\|[A-Z]+\|/, '|bad verb|')); // verb
    if (i % 23 === 7) out.push('1718000000|only|three'); // too few fields
    if (i % 29 === 11 && line.includes('|CONNECT|')) out.push(line.replace(/\|\d+\|/, '|x|')); // data
    out.push(i % 13 === 0 ? `${line}\r` : line);
    if (i % 11 === 0) out.push(line); // exact duplicate
  });
  // Out of order: swap neighbours now and then (the reorder window puts them back).
  for (let i = 5; i + 1 < out.length; i += 31) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  return `${out.join('\n')}\n`;
}

describe('stats on a worker thread', () => {
  it('gives the same report and messages as one thread on a messy multi-file input', async () => {
    const text = messyLog();
    const half = text.indexOf('\n', text.length >> 1) + 1;
    const first = tmp('queue_log.1.gz', gzipSync(text.slice(0, half)));
    const second = tmp('queue_log', text.slice(half));
    const junk = tmp(
      'queue_log.0',
      `1718000000|NONE|NONE|NONE|QUEUESTART|\n${'junk\n'.repeat(120)}`,
    );
    const outcome = await expectSame([first, second, junk]);
    expect(outcome.error).toBeNull();
    const input = (outcome.report as { input: Record<string, number> }).input;
    expect(input).toMatchObject({ malformed: 133, duplicates: 10, late: 24 });
    expect(outcome.err).toMatch(/… and 33 more malformed lines \(133 in all\)\n$/);
    // The same with a small window: some lines come too late.
    await expectSame([first, second, junk], { reorderWindow: '0' });
  });

  it('gives the same report on a simulated log of many batches (backpressure)', async () => {
    const log = generate({ seed: 3, calls: 12_000, startEpoch: Date.UTC(2026, 0, 5) / 1000 });
    const file = tmp('queue_log', [...log.chunks(16_384)].join(''));
    const outcome = await expectSame([file], { wrapup: '5' });
    expect((outcome.report as { input: { lines: number } }).input.lines).toBe(log.truth().lines);
  });

  it('uses a reader thread started ahead of time (as bin/callfloor.js does), or stops it', async () => {
    const log = generate({ seed: 5, calls: 3_000, startEpoch: Date.UTC(2026, 0, 5) / 1000 });
    const file = tmp('queue_log', [...log.chunks(16_384)].join(''));
    const inline = await stats([file], 'inline');
    prestartReader();
    expect(await stats([file], 'thread')).toEqual(inline);
    // Read inline after all: the waiting thread is stopped, and the next read starts its own.
    prestartReader();
    expect(await stats([file], 'inline')).toEqual(inline);
    expect(await stats([file], 'thread')).toEqual(inline);
    expect((inline.report as { input: { lines: number } }).input.lines).toBe(log.truth().lines);
  });

  it('finds duplicates among many lines of one second (the keys are then looked up by hash)', async () => {
    // 120 callers join in the same second; every fifth line comes again, some of them twice.
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      const line = `1718000000|c${i}|q${i % 3}|NONE|ENTERQUEUE||0912${i}|1`;
      lines.push(line);
      if (i % 5 === 0) lines.push(line);
      if (i % 40 === 0) lines.push(line);
    }
    lines.push('1718000300|c0|q0|PJSIP/1|CONNECT|300|b|1');
    const outcome = await expectSame([tmp('queue_log', `${lines.join('\n')}\n`)]);
    const report = outcome.report as { input: Record<string, number>; totals: { offered: number } };
    expect(report.input).toMatchObject({ lines: 148, duplicates: 27, malformed: 0 });
    expect(report.totals.offered).toBe(120);
  });

  it('reads CSV exports on the thread too', async () => {
    const csv = [
      'time,callid,queuename,agent,event,data1,data2,data3,data4,data5',
      '2024-06-10 09:00:00,c1,support,NONE,ENTERQUEUE,,0911,1,,',
      '2024-06-10 09:00:10,c1,support,PJSIP/1,CONNECT,10,b1,2,,',
      'not a time,c1,support,PJSIP/1,CONNECT,10,b1,2,,',
      '2024-06-10 09:02:10,c1,support,PJSIP/1,COMPLETECALLER,10,120,1,,',
      '',
    ].join('\n');
    const outcome = await expectSame([tmp('export.csv', csv)]);
    expect(outcome.err).toContain('export.csv:4:');
  });

  it('stops at an unreadable input with the same messages as one thread', async () => {
    const bad = tmp(
      'queue_log',
      '1718002800|c|q|NONE|ENTERQUEUE|||1\nx1718002830|c|q|NONE|ENTERQUEUE|||1\n',
    );
    const outcome = await expectSame([bad, '/nonexistent/queue_log']);
    expect(outcome.error).toBe('/nonexistent/queue_log: no such file');
    expect(outcome.err).toBe(`${bad}:2: field time is not an epoch: "x1718002830"\n`);
  });
});
