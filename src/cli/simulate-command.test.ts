import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../core/simulation/index.js';
import { parseQueueLogLine } from '../core/telephony/queue-log.js';
import { UsageError, type CliContext } from './context.js';
import { parseSimulateOptions, registerSimulateCommand } from './simulate-command.js';

const defaults = {
  calls: '1000',
  seed: '1',
  start: '2026-01-05T00:00:00Z',
  agents: '40',
  restartEveryDays: '30',
};

async function runCli(args: string[]): Promise<{ out: string; code: number }> {
  const stdout = new PassThrough();
  const parts: Buffer[] = [];
  stdout.on('data', (b: Buffer) => parts.push(b));
  let code = -1;
  const ctx: CliContext = {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    stderrIsTTY: false,
    setExitCode: (c) => {
      code = c;
    },
  };
  const program = new Command('callfloor').exitOverride();
  registerSimulateCommand(program, ctx);
  await program.parseAsync(['node', 'callfloor', 'simulate', ...args]);
  return { out: Buffer.concat(parts).toString('utf8'), code };
}

const dir = await mkdtemp(join(tmpdir(), 'callfloor-simulate-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('callfloor simulate', () => {
  it('writes the same log as generate() for the options, and the ground truth file', async () => {
    const truthFile = join(dir, 'truth.json');
    const { out, code } = await runCli([
      '--calls',
      '300',
      '--seed',
      '9',
      '--start',
      '2026-03-02T08:00:00+08:00',
      '--truth',
      truthFile,
    ]);
    expect(code).toBe(0);
    const log = generate({
      seed: 9,
      calls: 300,
      startEpoch: Date.UTC(2026, 2, 2, 0, 0, 0) / 1000,
      utcOffsetMinutes: 480,
      restartEveryDays: 30,
      agents: 40,
    });
    const expected = [...log].join('\n') + '\n';
    expect(out).toBe(expected);
    expect(out.split('\n')[0]).toBe(`${Date.UTC(2026, 2, 2) / 1000}|NONE|NONE|NONE|QUEUESTART|`);
    for (const line of out.trimEnd().split('\n')) expect(parseQueueLogLine(line).ok).toBe(true);
    const truth = JSON.parse(await readFile(truthFile, 'utf8')) as { arrivals: number };
    expect(truth.arrivals).toBe(300);
  });

  it('validates its options', () => {
    expect(parseSimulateOptions(defaults)).toEqual({
      calls: 1000,
      seed: 1,
      startEpoch: Date.UTC(2026, 0, 5) / 1000,
      utcOffsetMinutes: 0,
      agents: 40,
      restartEveryDays: 30,
      truth: null,
    });
    expect(parseSimulateOptions({ ...defaults, start: '2026-01-05T09:00' }).startEpoch).toBe(
      Date.UTC(2026, 0, 5, 9) / 1000,
    );
    expect(
      parseSimulateOptions({ ...defaults, start: '2026-01-05T09:00-05:30' }).utcOffsetMinutes,
    ).toBe(-330);
    expect(
      parseSimulateOptions({ ...defaults, start: '2026-01-05T09:00+08:00', utcOffset: '60' })
        .utcOffsetMinutes,
    ).toBe(60);
    expect(() => parseSimulateOptions({ ...defaults, calls: '-5' })).toThrow(UsageError);
    expect(() => parseSimulateOptions({ ...defaults, calls: '1e3' })).toThrow(/--calls/);
    expect(() => parseSimulateOptions({ ...defaults, seed: '4294967296' })).toThrow(/--seed/);
    expect(() => parseSimulateOptions({ ...defaults, start: 'yesterday' })).toThrow(/--start/);
    expect(() => parseSimulateOptions({ ...defaults, utcOffset: '900' })).toThrow(/--utc-offset/);
  });

  it('turns a bad option into a usage error', async () => {
    await expect(runCli(['--calls', 'many'])).rejects.toThrow(UsageError);
  });
});
