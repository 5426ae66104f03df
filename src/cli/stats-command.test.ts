/** `callfloor stats` end to end, in process: options, inputs, outputs and exit statuses. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'queue_log');
const QL01 = join(FIXTURES, 'QL01-exit-events-vs-abandon.queue_log');

async function run(
  args: string[],
  stdinText?: string,
): Promise<{ status: number; out: string; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  if (stdinText !== undefined) stdin.end(stdinText);
  const status = await main(['node', 'callfloor', ...args], {
    stdin,
    stdout,
    stderr,
    stderrIsTTY: false,
  });
  return { status, out, err };
}

function tmp(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'callfloor-cli-')), name);
  writeFileSync(file, content);
  return file;
}

describe('callfloor stats', () => {
  it('--json prints the full callfloor.stats/v1 contract with every field present', async () => {
    const { status, out, err } = await run(['stats', QL01, '--json', '--tz', 'UTC']);
    expect(status).toBe(0);
    expect(err).toBe('');
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'schema',
      'settings',
      'input',
      'totals',
      'queues',
      'agents',
    ]);
    expect(report.schema).toBe('callfloor.stats/v1');
    expect(report.settings).toEqual({
      serviceLevelThreshold: 20,
      shortAbandon: 0,
      serviceLevelFormula: 'offered',
      timeZone: 'UTC',
      from: null,
      to: null,
      interval: null,
      wrapup: 0,
      reorderWindow: 300,
      agents: null,
    });
    const queues = report.queues as Record<string, unknown>[];
    expect(Object.keys(queues[0]!).sort()).toEqual(
      [
        'queue',
        'offered',
        'answered',
        'abandoned',
        'shortAbandoned',
        'timedOut',
        'exitedWithKey',
        'exitedEmpty',
        'lost',
        'stillWaiting',
        'rejected',
        'transferred',
        'answeredWithinThreshold',
        'abandonedWithinThreshold',
        'serviceLevel',
        'abandonRate',
        'asa',
        'avgTalk',
        'aht',
        'maxWait',
        'avgAbandonWait',
      ].sort(),
    );
    // QL01: 5 offered, 1 answered within 20 s → 0.2; waits 30, 120, 45, 10, 12 → max 120.
    expect(queues[0]).toMatchObject({
      queue: 'support',
      offered: 5,
      serviceLevel: 0.2,
      maxWait: 120,
      abandonRate: 0.2,
    });
  });

  it('reports a malformed line as FILE:LINE: reason, counts it, and processes the rest', async () => {
    const file = tmp('bad.log', readFileSync(QL01, 'utf8').replace('1718002830|', 'x1718002830|'));
    const { status, out, err } = await run(['stats', file, '--json', '--tz', 'UTC']);
    expect(status).toBe(0);
    expect(err).toBe(`${file}:2: field time is not an epoch: "x1718002830"\n`);
    const report = JSON.parse(out) as {
      input: { malformed: number; lines: number };
      totals: { offered: number; stillWaiting: number };
    };
    expect(report.input).toMatchObject({ malformed: 1, lines: 11 });
    // The ABANDON line was lost, so that caller is still waiting at the end; the others are intact.
    expect(report.totals).toMatchObject({ offered: 5, stillWaiting: 1 });
  });

  it('reads stdin (-) and .gz files (by their magic bytes) to the same report', async () => {
    const text = readFileSync(QL01, 'utf8');
    const fromFile = JSON.parse((await run(['stats', QL01, '--json', '--tz', 'UTC'])).out) as {
      totals: unknown;
    };
    const fromStdin = JSON.parse(
      (await run(['stats', '-', '--json', '--tz', 'UTC'], text)).out,
    ) as { totals: unknown };
    const gz = tmp('queue_log.1.gz', gzipSync(text));
    const fromGz = JSON.parse((await run(['stats', gz, '--json', '--tz', 'UTC'])).out) as {
      totals: unknown;
    };
    expect(fromStdin.totals).toEqual(fromFile.totals);
    expect(fromGz.totals).toEqual(fromFile.totals);
  });

  it('reads a realtime-table CSV export with local times and data1..data5 (the 5th holding the rest)', async () => {
    const csv = [
      'time,callid,queuename,agent,event,data1,data2,data3,data4,data5',
      '2024-06-10 09:00:00,c1,support,NONE,ENTERQUEUE,,5550100001,1,,',
      '2024-06-10 09:00:12,c1,support,PJSIP/201,CONNECT,12,c1b,5,,',
      '2024-06-10 09:01:52,c1,support,PJSIP/201,COMPLETECALLER,12,100,1,,',
      '2024-06-10 09:02:00,c2,support,NONE,INFO,a,b,c,d,e|f',
    ].join('\n');
    const { status, out } = await run([
      'stats',
      tmp('export.csv', csv),
      '--json',
      '--tz',
      'Asia/Taipei',
      '--interval',
      '60m',
    ]);
    expect(status).toBe(0);
    const report = JSON.parse(out) as {
      queues: { asa: number; avgTalk: number }[];
      intervals: { start: string }[];
      input: { malformed: number };
    };
    expect(report.input.malformed).toBe(0);
    expect(report.queues[0]).toMatchObject({ asa: 12, avgTalk: 100 });
    expect(report.intervals[0]!.start).toBe('2024-06-10T09:00:00+08:00');
  });

  it('prints a readable table by default and CSV with --csv', async () => {
    const table = await run(['stats', QL01, '--tz', 'UTC']);
    expect(table.out).toContain('Settings: service level = answered within 20s, formula "offered"');
    expect(table.out).toMatch(/│ support │\s+5 │\s+1 │\s+1 │\s+3 │/);
    expect(table.out).toContain(
      '11 lines, 11 events, 0 malformed, 0 duplicates, 0 late, 0 unknown events; 5 unique calls',
    );
    // One of a kind is singular (it said "1 unique calls").
    const one = await run([
      'stats',
      tmp('one.queue_log', '1718000000|c1|q|NONE|ENTERQUEUE|||1\n'),
      '--tz',
      'UTC',
    ]);
    expect(one.out).toContain(
      '1 line, 1 event, 0 malformed, 0 duplicates, 0 late, 0 unknown events; 1 unique call\n',
    );
    const csv = await run(['stats', QL01, '--tz', 'UTC', '--csv']);
    expect(csv.out.split('\n')[1]).toBe(
      'support,5,1,1,0,1,1,1,0,0,0,0,1,0,0.2,0.2,12,100,100,120,30',
    );
  });

  it('exits 1 with one line for an unreadable input, and prints no report', async () => {
    const { status, out, err } = await run(['stats', '/nonexistent/queue_log', '--json']);
    expect(status).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('callfloor: /nonexistent/queue_log: no such file\n');
  });

  it('exits 2 on a usage error, naming the option', async () => {
    expect((await run(['stats', QL01, '--tz', 'Mars/Olympus'])).err).toBe(
      'callfloor: option --tz: unknown time zone "Mars/Olympus" (expected an IANA name such as Asia/Taipei)\n',
    );
    expect((await run(['stats', QL01, '--sl-threshold', 'soon'])).status).toBe(2);
    expect((await run(['stats', QL01, '--from', '2026-02-01', '--to', '2026-01-01'])).status).toBe(
      2,
    );
    expect((await run(['stats'])).status).toBe(2);
  });

  it('words a bad option or a missing argument on one line, as its own errors', async () => {
    expect(await run(['stats', QL01, '--bogus'])).toEqual({
      status: 2,
      out: '',
      err: "callfloor: unknown option '--bogus' (see --help)\n",
    });
    expect((await run(['stats', QL01, '--jsn'])).err).toBe(
      "callfloor: unknown option '--jsn' (Did you mean --json?) (see --help)\n",
    );
    expect((await run(['stats'])).err).toBe(
      "callfloor: missing required argument 'files' (see --help)\n",
    );
  });

  it('has --help with examples', async () => {
    const { status, out } = await run(['stats', '--help']);
    expect(status).toBe(0);
    expect(out).toContain('callfloor stats queue_log.1.gz queue_log --json --interval 30m');
  });
});
