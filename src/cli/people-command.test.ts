import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { verify } from '@node-rs/argon2';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { listMemberNames, listPeople, listTeams } from '../db/people.repository.js';
import { sharedDataAvailable, sharedDataPath } from '../test-support/shared-data.js';
import { main } from './main.js';

const dir = await mkdtemp(join(tmpdir(), 'callfloor-people-cli-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(
  args: string[],
  stdin = '',
): Promise<{ out: string; err: string; code: number }> {
  const input = new PassThrough();
  input.end(stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await main(['node', 'callfloor', ...args], {
    stdin: input,
    stdout,
    stderr,
    stderrIsTTY: false,
  });
  return {
    out: Buffer.concat(out).toString('utf8'),
    err: Buffer.concat(err).toString('utf8'),
    code,
  };
}

describe('callfloor user / people', () => {
  it('adds the first admin with a password from stdin and imports teams and people', async () => {
    const db = join(dir, 'a.db');
    const added = await run(
      [
        'user',
        'add',
        'admin',
        '--name',
        'Ada Admin',
        '--role',
        'admin',
        '--password-stdin',
        '--db',
        db,
      ],
      'a long secret\n',
    );
    expect(added).toMatchObject({ code: 0, out: 'added admin (Ada Admin, admin)\n' });

    const dup = await run([
      'user',
      'add',
      'admin',
      '--name',
      'Again',
      '--role',
      'admin',
      '--no-password',
      '--db',
      db,
    ]);
    expect(dup.code).toBe(1);
    expect(dup.err).toBe('callfloor: id: person admin already exists\n');

    const badRole = await run(['user', 'add', 'x', '--name', 'X', '--role', 'boss', '--db', db]);
    expect(badRole.code).toBe(2);

    // No terminal and no --password-stdin: refused, nothing asked.
    const noTty = await run(['user', 'add', 'x', '--name', 'X', '--role', 'agent', '--db', db]);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toContain('--password-stdin');

    const teams = join(dir, 'teams.csv');
    await writeFile(teams, 'id,name,site,lead\nA,Team A,tpe,\n');
    expect(await run(['people', 'import', teams, '--db', db])).toMatchObject({
      code: 0,
      out: `imported teams from ${teams}: 1 created, 0 updated, 1 site(s) created\n`,
    });

    const bad = join(dir, 'staff.csv');
    await writeFile(
      bad,
      'id,name,role,team,email,phone,member_names\n1127,Chen,agent,A,,,Agent/1127\n1128,,agent,Q,,,\n',
    );
    const rejected = await run(['people', 'import', bad, '--kind', 'people', '--db', db]);
    expect(rejected.code).toBe(1);
    expect(rejected.err).toBe(
      `${bad}:3: name: required\n` +
        `callfloor: ${bad}: 1 problem(s) in the import; nothing was imported\n`,
    );
    const noKind = await run(['people', 'import', bad, '--db', db]);
    expect(noKind.code).toBe(2);

    await writeFile(
      bad,
      'id,name,role,team,email,phone,member_names\n1127,Chen,agent,A,,,Agent/1127|Local/1127@callback-agent\n',
    );
    expect(await run(['people', 'import', bad, '--kind', 'people', '--db', db])).toMatchObject({
      code: 0,
      out: `imported people from ${bad}: 1 created, 0 updated\n`,
    });

    const reset = await run(
      ['user', 'password', '1127', '--password-stdin', '--db', db],
      'temporary-9\n',
    );
    expect(reset.code).toBe(0);

    const handle = await openDatabase({ path: db, url: null });
    try {
      expect(
        (await listPeople(handle.db)).map((p) => [p.id, p.role, p.teamId, p.mustChangePassword]),
      ).toEqual([
        ['1127', 'agent', 'A', true],
        ['admin', 'admin', null, false],
      ]);
      expect(await listTeams(handle.db)).toEqual([
        { id: 'A', name: 'Team A', siteId: 'tpe', leadId: null },
      ]);
      expect((await listMemberNames(handle.db)).map((m) => m.memberName)).toEqual([
        'Agent/1127',
        'Local/1127@callback-agent',
      ]);
      const hashes = await handle.db
        .selectFrom('app_user')
        .select(['id', 'password_hash'])
        .orderBy('id')
        .execute();
      expect(await verify(hashes[0]?.password_hash ?? '', 'temporary-9')).toBe(true);
      expect(await verify(hashes[1]?.password_hash ?? '', 'a long secret')).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it.runIf(sharedDataAvailable())(
    'callfloor import maps member names through the register (pbxware queue_log)',
    async () => {
      const db = join(dir, 'import.db');
      const added = await run([
        'user',
        'add',
        '1127',
        '--name',
        'Chen',
        '--role',
        'agent',
        '--no-password',
        '--member-name',
        'Agent/1127',
        'Local/1127@callback-agent',
        '--db',
        db,
      ]);
      expect(added.code).toBe(0);
      const imported = await run([
        'import',
        sharedDataPath('pbxware-queue-log', 'queue_log'),
        '--tz',
        'UTC',
        '--db',
        db,
      ]);
      expect(imported.code).toBe(0);
      const handle = await openDatabase({ path: db, url: null });
      try {
        const seen = await handle.db
          .selectFrom('agent_seen')
          .select('agent')
          .orderBy('agent')
          .execute();
        const agents = seen.map((r) => r.agent);
        expect(agents).toContain('1127');
        expect(agents.filter((a) => a.includes('1127'))).toEqual(['1127']);
        expect(agents).toContain('Agent/1141');
      } finally {
        await handle.close();
      }
    },
  );
});
