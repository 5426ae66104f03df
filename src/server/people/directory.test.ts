import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../cli/context.js';
import { importFiles } from '../../cli/import-command.js';
import { runStats } from '../../cli/stats-command.js';
import { parseQueueLogLine } from '../../core/telephony/queue-log.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { insertPerson, replaceMemberNames, upsertTeams } from '../../db/people.repository.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import type { AgentPayload } from '../live/floor-presenter.js';
import { FULL_VIEW } from '../live/live-hub.js';
import { PeopleDirectory } from './directory.js';
import { HARNESS_SETTINGS, peopleHarness, type PeopleHarness } from './test-harness.js';

const dialects = await testDialects();
const disposables: TestDatabase[] = [];
const harnesses: PeopleHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
afterAll(async () => {
  for (const db of disposables) await db.dispose();
});

const quiet: CliContext = {
  stdin: process.stdin,
  stdout: { write: () => true } as unknown as NodeJS.WritableStream,
  stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  stderrIsTTY: false,
  setExitCode: () => undefined,
};

function events(lines: string[]): TelephonyEvent[] {
  return lines.flatMap((line) => {
    const parsed = parseQueueLogLine(line);
    return parsed.ok ? [parsed.event] : [];
  });
}

async function seedChen(db: TestDatabase): Promise<void> {
  await upsertTeams(db.db, [{ id: 'T1', name: 'Team one', siteId: null, leadId: null }]);
  await insertPerson(
    db.db,
    { id: '1127', name: 'Chen Agent', role: 'agent', teamId: 'T1', email: null, phone: null },
    null,
    1,
  );
  await replaceMemberNames(db.db, '1127', ['Agent/1127', 'Local/1127@callback-agent']);
}

describe.each(dialects)('the people directory on $name', ({ open }) => {
  it('merges the --agents file under the register and keeps one alias map object', async () => {
    const db = await open();
    disposables.push(db);
    await seedChen(db);
    const directory = await PeopleDirectory.load(
      db.db,
      new Map([
        ['Agent/1127', 'from-file'],
        ['Agent/1141', '1141'],
      ]),
    );
    const aliases = directory.aliases();
    expect([...aliases].sort()).toEqual([
      ['Agent/1127', '1127'],
      ['Agent/1141', '1141'],
      ['Local/1127@callback-agent', '1127'],
    ]);
    expect(directory.agent('1127')).toEqual({
      id: '1127',
      name: 'Chen Agent',
      teamId: 'T1',
      teamName: 'Team one',
    });
    expect(directory.agent('Agent/1144')).toBeNull();
    expect(directory.memberNames('1127')).toEqual(['Agent/1127', 'Local/1127@callback-agent']);
    expect(directory.memberNames('1141')).toEqual(['Agent/1141']);
    expect(directory.memberNames('Agent/1144')).toEqual(['Agent/1144']);

    await replaceMemberNames(db.db, '1127', ['Agent/1127']);
    await directory.reload();
    expect(directory.aliases()).toBe(aliases);
    expect(aliases.get('Local/1127@callback-agent')).toBeUndefined();
    expect(directory.memberNames('1127')).toEqual(['Agent/1127']);
  });

  it.runIf(sharedDataAvailable())(
    'gives one floor row and one report row for a person with two member names (pbxware queue_log)',
    async () => {
      const db = await open();
      disposables.push(db);
      await seedChen(db);
      const h = await peopleHarness(db);
      harnesses.push(h);
      const path = sharedDataPath('pbxware-queue-log', 'queue_log');
      const lines = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      const result = await h.ingest.submit(events(lines));
      expect(result.accepted).toBeGreaterThan(900);

      const floor = (await h.inject({ url: '/api/floor', headers: h.manager })).json<{
        agents: AgentPayload[];
      }>();
      const ids = floor.agents.map((a) => a.agent);
      expect(ids).toContain('1127');
      expect(ids).not.toContain('Agent/1127');
      expect(ids).not.toContain('Local/1127@callback-agent');
      const chen = floor.agents.find((a) => a.agent === '1127');
      expect(chen?.name).toBe('Chen Agent');
      expect(chen?.team).toBe('Team one');
      expect(chen?.teamId).toBe('T1');
      expect(chen?.memberNames).toEqual(['Agent/1127', 'Local/1127@callback-agent']);
      const other = floor.agents.find((a) => a.agent === 'Agent/1141');
      expect(other?.name).toBe('Agent/1141');
      expect(other?.team).toBeNull();
      expect(other?.memberNames).toEqual(['Agent/1141']);

      // Reports: one row for 1127 whose counts are the two member names' rows of `callfloor stats`
      // without aliases, added up.
      const cli = await runStats([path], { tz: 'UTC', format: 'auto' }, quiet);
      const byName = new Map(cli.agents.map((a) => [a.agent, a]));
      const a1 = byName.get('Agent/1127');
      const a2 = byName.get('Local/1127@callback-agent');
      expect(a1).toBeDefined();
      expect(a2).toBeDefined();
      const report = (await h.inject({ url: '/api/reports/agents', headers: h.manager })).json<{
        agents: { agent: string; answered: number; ringNoAnswer: number }[];
      }>();
      const rows = report.agents.filter((a) => a.agent.includes('1127'));
      expect(rows.map((r) => r.agent)).toEqual(['1127']);
      expect(rows[0]?.answered).toBe((a1?.answered ?? 0) + (a2?.answered ?? 0));
      expect(rows[0]?.answered).toBe(18);
      // The whole row equals `callfloor stats --agents` with the same mapping (logged-in time of
      // the two overlapping sessions counted once: 16:30:04, not twice).
      const aliasFile = join(await mkdtemp(join(tmpdir(), 'callfloor-aliases-')), 'agents.json');
      await writeFile(
        aliasFile,
        JSON.stringify({ 'Agent/1127': '1127', 'Local/1127@callback-agent': '1127' }),
      );
      const merged = await runStats(
        [path],
        { tz: 'UTC', format: 'auto', agents: aliasFile },
        quiet,
      );
      const expected = merged.agents.find((a) => a.agent === '1127');
      expect(expected?.loggedIn).toBe(59404);
      // Live, the session still open at the end of the data runs on to `now` (2030): compare the
      // call figures here, the whole row on the imported history below.
      expect(rows[0]).toMatchObject({
        answered: expected?.answered,
        talk: expected?.talk,
        ringNoAnswer: expected?.ringNoAnswer,
        paused: expected?.paused,
      });

      // Imported history (`callfloor import` uses the same merged map): the whole row.
      const db2 = await open();
      disposables.push(db2);
      await seedChen(db2);
      const directory = await PeopleDirectory.load(db2.db);
      await importFiles(
        [path],
        { ...HARNESS_SETTINGS, reorderWindow: 300 },
        directory.aliases(),
        db2,
        quiet,
      );
      const h2 = await peopleHarness(db2);
      harnesses.push(h2);
      const imported = (await h2.inject({ url: '/api/reports/agents', headers: h2.manager })).json<{
        agents: { agent: string }[];
      }>();
      expect(imported.agents.filter((a) => a.agent.includes('1127'))).toEqual([expected]);
    },
  );

  it('applies a register change to the events that follow, without a restart', async () => {
    const db = await open();
    disposables.push(db);
    await insertPerson(
      db.db,
      { id: 'p2001', name: 'Lin Mei', role: 'agent', teamId: null, email: null, phone: null },
      null,
      1,
    );
    const t0 = Math.floor(Date.UTC(2029, 11, 31, 23) / 1000);
    const h = await peopleHarness(db);
    harnesses.push(h);
    await h.ingest.submit(events([`${t0}|NONE|sales|PJSIP/2001|ADDMEMBER|`]));
    let agents = h.hub.floor(null, FULL_VIEW).agents;
    expect(agents.map((a) => a.agent)).toEqual(['PJSIP/2001']);

    const put = await h.inject({
      method: 'PUT',
      url: '/api/people/p2001/member-names',
      payload: { memberNames: ['PJSIP/2001'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ memberNames: ['PJSIP/2001'] });

    await h.ingest.submit(events([`${t0 + 60}|NONE|sales|PJSIP/2001|PAUSE|Lunch`]));
    agents = h.hub.floor(null, FULL_VIEW).agents;
    const lin = agents.find((a) => a.agent === 'p2001');
    expect(lin?.state).toBe('paused');
    expect(lin?.reason).toBe('Lunch');
    expect(lin?.name).toBe('Lin Mei');
    // The row created under the member name before the change stays as it was.
    expect(agents.find((a) => a.agent === 'PJSIP/2001')?.state).toBe('available');
  });
  it('names the agents of the reports (JSON, CSV, XLSX) as the floor does, the id kept', async () => {
    const db = await open();
    disposables.push(db);
    await seedChen(db);
    const t0 = Math.floor(Date.UTC(2029, 11, 31, 23) / 1000);
    const h = await peopleHarness(db);
    harnesses.push(h);
    // Agent/1127 is Chen Agent (person 1127); Agent/1141 is nobody in the register. Chen answers
    // one call after 10 s and talks 50 s.
    await h.ingest.submit(
      events([
        `${t0}|NONE|sales|Agent/1127|ADDMEMBER|`,
        `${t0}|NONE|sales|Agent/1141|ADDMEMBER|`,
        `${t0 + 10}|c1|sales|NONE|ENTERQUEUE||0912345678|1`,
        `${t0 + 20}|c1|sales|Agent/1127|CONNECT|10|c1.1|2`,
        `${t0 + 70}|c1|sales|Agent/1127|COMPLETEAGENT|10|50|1`,
      ]),
    );
    const floor = h.hub.floor(null, FULL_VIEW).agents;
    expect(floor.find((a) => a.agent === '1127')?.name).toBe('Chen Agent');

    const json = (await h.inject({ url: '/api/reports/agents', headers: h.manager })).json<{
      agents: { agent: string; answered: number }[];
      names: Record<string, string>;
    }>();
    expect(json.agents.map((a) => [a.agent, a.answered])).toEqual([
      ['1127', 1],
      ['Agent/1141', 0],
    ]);
    // The rows stay the `stats` contract's; the names come beside them, the floor's names.
    expect(json.agents.every((a) => !('name' in a))).toBe(true);
    expect(json.names).toEqual({ '1127': 'Chen Agent', 'Agent/1141': 'Agent/1141' });

    const csv = await h.inject({ url: '/api/reports/agents?format=csv', headers: h.manager });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]?.split(',').slice(0, 3)).toEqual(['name', 'agent', 'answered']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([
      ['Chen Agent', '1127', '1'],
      ['Agent/1141', 'Agent/1141', '0'],
    ]);

    const xlsx = await h.inject({ url: '/api/reports/agents?format=xlsx', headers: h.manager });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('agents')!;
    expect([1, 2, 3].map((c) => sheet.getRow(1).getCell(c).value)).toEqual([
      'name',
      'agent',
      'answered',
    ]);
    expect([1, 2, 3].map((c) => sheet.getRow(2).getCell(c).value)).toEqual([
      'Chen Agent',
      '1127',
      1,
    ]);

    // A rename in the register shows in the next report, as on the floor.
    const renamed = await h.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      payload: { name: 'Chen Jie' },
    });
    expect(renamed.statusCode).toBe(200);
    const after = (await h.inject({ url: '/api/reports/agents', headers: h.manager })).json<{
      names: Record<string, string>;
    }>();
    expect(after.names['1127']).toBe('Chen Jie');
  });
});
