import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../core/telephony/events.js';
import {
  QueueLogFollower,
  parseFollowCheckpoint,
  type MalformedFollowLine,
} from './queue-log-follower.js';

const line = (n: number): string =>
  `17000000${String(n).padStart(2, '0')}|c${n}|sales|PJSIP/1|PAUSE|r${n}\n`;

interface Run {
  follower: QueueLogFollower;
  events: TelephonyEvent[];
  checkpoints: string[];
  malformed: MalformedFollowLine[];
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let dir: string;
let path: string;
const running: QueueLogFollower[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callfloor-follow-'));
  path = join(dir, 'queue_log');
});
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function follow(checkpoint: string | null, startAt?: 'beginning' | 'end'): Promise<Run> {
  const run: Run = {
    follower: null as unknown as QueueLogFollower,
    events: [],
    checkpoints: [],
    malformed: [],
  };
  run.follower = new QueueLogFollower({
    path,
    checkpoint,
    pollMs: 20,
    ...(startAt !== undefined ? { startAt } : {}),
    onMalformed: (m) => run.malformed.push(m),
  });
  running.push(run.follower);
  await run.follower.start((batch) => {
    run.events.push(...batch.events);
    if (batch.checkpoint !== null) run.checkpoints.push(batch.checkpoint);
    return Promise.resolve();
  });
  return run;
}

const reasons = (run: Run): string[] =>
  run.events.map((e) => (e.kind === 'PAUSE' ? e.reason : e.kind));

describe('QueueLogFollower', () => {
  it('reads existing lines, then appended ones, and never a line before its newline', async () => {
    writeFileSync(path, line(1) + line(2));
    const run = await follow(null);
    await until(() => run.events.length === 2, 'existing lines');
    appendFileSync(path, line(3).slice(0, 20)); // a partial line: Asterisk is mid-write
    await new Promise((r) => setTimeout(r, 150));
    expect(run.events).toHaveLength(2);
    appendFileSync(path, line(3).slice(20) + line(4));
    await until(() => run.events.length === 4, 'completed line');
    expect(reasons(run)).toEqual(['r1', 'r2', 'r3', 'r4']);
    const last = parseFollowCheckpoint(run.checkpoints.at(-1) ?? null);
    expect(last?.offset).toBe(4 * line(1).length);
  });

  it('resumes at its checkpoint: nothing lost, nothing read twice', async () => {
    writeFileSync(path, line(1) + line(2));
    const first = await follow(null);
    await until(() => first.events.length === 2, 'first run');
    const checkpoint = first.checkpoints.at(-1)!;
    await first.follower.stop();
    appendFileSync(path, line(3));
    const second = await follow(checkpoint);
    await until(() => second.events.length === 1, 'resumed run');
    await new Promise((r) => setTimeout(r, 100));
    expect(reasons(second)).toEqual(['r3']);
  });

  it('follows a rotation: drains the old file, then reads the new one from its start', async () => {
    writeFileSync(path, line(1));
    const run = await follow(null);
    await until(() => run.events.length === 1, 'first line');
    appendFileSync(path, line(2));
    renameSync(path, `${path}.1`); // logrotate: move away, then a new file
    writeFileSync(path, line(3));
    await until(() => run.events.length === 3, 'rotated lines');
    expect(reasons(run)).toEqual(['r1', 'r2', 'r3']);
  });

  it('after a rotation while stopped, finds the old file by inode and reads its rest first', async () => {
    writeFileSync(path, line(1));
    const first = await follow(null);
    await until(() => first.events.length === 1, 'first line');
    await first.follower.stop();
    appendFileSync(path, line(2));
    renameSync(path, `${path}.1`);
    writeFileSync(path, line(3));
    const second = await follow(first.checkpoints.at(-1)!);
    await until(() => second.events.length === 2, 'old rest and new file');
    expect(reasons(second)).toEqual(['r2', 'r3']);
  });

  it('starts over when the file is truncated (copytruncate)', async () => {
    writeFileSync(path, line(1) + line(2));
    const run = await follow(null);
    await until(() => run.events.length === 2, 'first lines');
    truncateSync(path, 0);
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, line(5));
    await until(() => run.events.length === 3, 'line after truncation');
    expect(reasons(run)).toEqual(['r1', 'r2', 'r5']);
  });

  it('reports a malformed line with file and byte offset and keeps going', async () => {
    const bad = '17000000xx|c|sales|PJSIP/1|PAUSE|oops\n';
    writeFileSync(path, line(1) + bad + line(2));
    const run = await follow(null);
    await until(() => run.events.length === 2, 'good lines');
    expect(run.malformed).toHaveLength(1);
    expect(run.malformed[0]).toMatchObject({ file: path, offset: line(1).length, field: 'time' });
    expect(reasons(run)).toEqual(['r1', 'r2']);
  });

  it('with startAt end and no checkpoint, reads only lines appended after start', async () => {
    writeFileSync(path, line(1));
    const run = await follow(null, 'end');
    appendFileSync(path, line(2));
    await until(() => run.events.length === 1, 'new line');
    expect(reasons(run)).toEqual(['r2']);
  });

  it('waits for a file that does not exist yet', async () => {
    const run = await follow(null);
    expect(run.follower.health().ok).toBe(false);
    writeFileSync(path, line(7));
    await until(() => run.events.length === 1, 'file creation');
    expect(run.follower.health().ok).toBe(true);
  });
});
