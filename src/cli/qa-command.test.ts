/** `callfloor qa` through the real CLI entry (main), with captured stdout/stderr. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { QaReport } from '../core/qa/index.js';
import { sharedDataAvailable, sharedDataPath } from '../test-support/shared-data.js';
import { main } from './main.js';

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test',
  'fixtures',
  'transcripts',
);
const fixture = (name: string): string => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), 'callfloor-qa-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(['node', 'callfloor', 'qa', ...args], {
    stdin: new PassThrough(),
    stdout,
    stderr,
    stderrIsTTY: false,
  });
  return { code, out, err };
}

describe('callfloor qa', () => {
  it('prints the callfloor.qa/v1 contract with --json, reports unreadable files and skips them', async () => {
    const r = await run(
      fixture('call.json'),
      fixture('bad-prefix.txt'),
      fixture('call-en.vtt'),
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `${fixture('bad-prefix.txt')}: line 2: no speaker prefix (expected Agent:, Customer:, 客服:, 坐席:, 客户:, 用户:, 顧客: or an id like spk_0:)\n`,
    );
    const report = JSON.parse(r.out) as QaReport;
    expect(report.schema).toBe('callfloor.qa/v1');
    expect(report.calls.map((c) => [c.id, c.source, c.language, c.score])).toEqual([
      ['call-0001', 'call.json', 'zh-Hans', 7 / 8],
      ['call-en', 'call-en.vtt', 'en', 1],
    ]);
    expect(report.calls[0]?.checks.map((c) => c.id)).toEqual([
      'E01',
      'E13',
      'R04',
      'E11',
      'E12',
      'E05.argue',
      'E05.deescalate',
      'E09',
      'E04',
    ]);
  });

  it('prints a readable summary by default: failed checks with their evidence turn', async () => {
    const r = await run(fixture('call-zh-hant.srt'), fixture('call.json'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'call-zh-hant  zh-Hant  score 0.00 CRITICAL\n  fail E05.argue The agent argues with or blames the customer. turn 2 @6.5s: "不好意思，這是你自己填錯的"',
    );
    expect(r.out).toContain(
      'call-0001  zh-Hans  score 0.88\n  fail E12 No thanks for waiting after a hold. turn 3 @40.0s: "订单明天送达。"',
    );
    expect(r.out).toContain('2 calls; mean score 0.44; 1 critical');
    expect(r.out).toMatch(/│ E05\.argue\s+│ no arguing\s+│ 1\s+│ 1\s+│ 0\s+│/);
  });

  it('--format forces a reader; --agent-speaker overrides the content', async () => {
    const forced = await run(fixture('speakers-ids.txt'), '--format', 'vtt');
    expect(forced.code).toBe(1);
    expect(forced.err).toContain('speakers-ids.txt: line 1: missing WEBVTT header');
    const agent = await run(fixture('speakers-ids.txt'), '--agent-speaker', 'spk_0', '--json');
    const report = JSON.parse(agent.out) as QaReport;
    expect(report.calls[0]?.checks[0]).toEqual({
      id: 'E01',
      result: 'pass',
      evidence: [{ turn: 0, start: null, text: 'yeah hi' }],
    });
    expect(report.calls[0]?.metrics.agentTurns).toBe(2);
  });

  it('reads a site config; a bad config is a usage error naming the key', async () => {
    const good = join(tmp, 'site.json');
    writeFileSync(good, JSON.stringify({ checks: { E12: { weight: 0 } } }));
    const r = await run(fixture('call.json'), '--config', good, '--json');
    expect((JSON.parse(r.out) as QaReport).calls[0]?.score).toBe(1);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ checks: { E04: { maxWordsPerMinute: 'fast' } } }));
    const b = await run(fixture('call.json'), '--config', bad);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^callfloor: --config .*bad\.json: checks\.E04\.maxWordsPerMinute: /);
  });

  it('exits 1 when no call could be scored', async () => {
    const r = await run(fixture('missing.json'), fixture('bad-turn.json'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${fixture('missing.json')}: no such file\n`);
    expect(r.err).toContain('callfloor: no call could be scored (2 unreadable file(s))');
  });
});

describe.runIf(sharedDataAvailable())('callfloor qa on the JDDC file (real data)', () => {
  it('scores all 994 sessions; the first is the qa.md example', async () => {
    const r = await run(sharedDataPath('jddc-chat-zh', 'chat_0.1per.txt'), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out) as QaReport;
    expect(report.calls).toHaveLength(994);
    const first = report.calls[0];
    expect([first?.id, first?.source, first?.score, first?.critical]).toEqual([
      '0000b82c62117aa4497508bb1bdfb53a',
      'chat_0.1per.txt',
      1,
      false,
    ]);
  });
});
