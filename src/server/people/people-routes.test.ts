import { verify } from '@node-rs/argon2';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/people/access.js';
import { getPerson, listMemberNames, listPeople } from '../../db/people.repository.js';
import { createTestUser, signIn } from '../../test-support/auth.js';
import { testDialects, type TestDatabase } from '../../test-support/databases.js';
import { AppError } from '../errors.js';
import { PeopleDirectory } from './directory.js';
import { PeopleService } from './people-service.js';
import { peopleHarness, type PeopleHarness } from './test-harness.js';

const dialects = await testDialects();
const disposables: TestDatabase[] = [];
const harnesses: PeopleHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
afterAll(async () => {
  for (const db of disposables) await db.dispose();
});

const TEAMS_CSV = 'id,name,site,lead\nA,Team A,tpe,\nB,Team B,,\n';
const PEOPLE_CSV = [
  'id,name,role,team,email,phone,member_names',
  'lead-a,Lin Lead,team_lead,,lin@example.com,,',
  '1127,Chen Agent,agent,A,,PJSIP/1127,Agent/1127|Local/1127@callback-agent',
  '1141,"Wang, Jun",agent,B,,,Agent/1141',
  '',
].join('\n');

function principal(
  role: Principal['role'],
  userId: string | null,
  teamIds: string[] = [],
): Principal {
  return { kind: 'session', role, userId, name: userId ?? role, teamIds, tokenId: null };
}

async function start(
  open: () => Promise<TestDatabase>,
): Promise<{ h: PeopleHarness; db: TestDatabase }> {
  const db = await open();
  disposables.push(db);
  const h = await peopleHarness(db);
  harnesses.push(h);
  return { h, db };
}

async function importCsv(h: PeopleHarness, kind: string, csv: string) {
  return h.inject({
    method: 'POST',
    url: `/api/import/${kind}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });
}

describe.each(dialects)('people routes on $name', ({ open }) => {
  it('imports teams then people then seats (all rows), and upserts on re-import', async () => {
    const { h, db } = await start(open);
    const teams = await importCsv(h, 'teams', TEAMS_CSV);
    expect(teams.statusCode).toBe(200);
    expect(teams.json()).toEqual({ kind: 'teams', created: 2, updated: 0, sitesCreated: 1 });

    const people = await importCsv(h, 'people', PEOPLE_CSV);
    expect(people.statusCode).toBe(200);
    expect(people.json()).toEqual({ kind: 'people', created: 3, updated: 0, sitesCreated: 0 });
    const chen = await getPerson(db.db, '1127');
    expect(chen).toMatchObject({
      name: 'Chen Agent',
      role: 'agent',
      teamId: 'A',
      phone: 'PJSIP/1127',
      hasPassword: false,
      mustChangePassword: true,
    });
    expect((await getPerson(db.db, '1141'))?.name).toBe('Wang, Jun');
    expect(h.people.aliases().get('Local/1127@callback-agent')).toBe('1127');

    // The lead can now be set (second pass of the teams file).
    const leads = await importCsv(h, 'teams', 'id,name,site,lead\nA,Team A,tpe,lead-a\n');
    expect(leads.json()).toEqual({ kind: 'teams', created: 0, updated: 1, sitesCreated: 0 });

    const seats = await importCsv(
      h,
      'seats',
      'id,label,site,ip_address,equipment,user\nS-1,Row 1 seat 1,tpe,10.0.4.12,PC 12|headset H-340,1127\nS-2,Row 1 seat 2,khh,,,\n',
    );
    expect(seats.json()).toEqual({ kind: 'seats', created: 2, updated: 0, sitesCreated: 1 });
    const list = (await h.inject('/api/seats')).json<{ seats: unknown[] }>();
    expect(list.seats).toEqual([
      {
        id: 'S-1',
        label: 'Row 1 seat 1',
        siteId: 'tpe',
        ipAddress: '10.0.4.12',
        equipment: ['PC 12', 'headset H-340'],
        userId: '1127',
        notes: null,
      },
      {
        id: 'S-2',
        label: 'Row 1 seat 2',
        siteId: 'khh',
        ipAddress: null,
        equipment: [],
        userId: null,
        notes: null,
      },
    ]);

    // Re-import: a member name moves from 1141 to 1127 inside one file.
    const again = await importCsv(
      h,
      'people',
      'id,name,role,team,email,phone,member_names\n1127,Chen A.,agent,A,,,Agent/1127|Agent/1141\n1141,Wang Jun,agent,B,,,PJSIP/1141\n',
    );
    expect(again.json()).toEqual({ kind: 'people', created: 0, updated: 2, sitesCreated: 0 });
    expect(await listMemberNames(db.db)).toEqual([
      { memberName: 'Agent/1127', userId: '1127' },
      { memberName: 'Agent/1141', userId: '1127' },
      { memberName: 'PJSIP/1141', userId: '1141' },
    ]);
  });

  it('reports every bad row of an import with line, field and reason, and imports nothing', async () => {
    const { h, db } = await start(open);
    await importCsv(h, 'teams', TEAMS_CSV);
    const csv = [
      'id,name,role,team,email,phone,member_names',
      '1001,Good One,agent,A,,,PJSIP/1001',
      ',No Id,agent,A,,,',
      '1002,,boss,Z,not-an-email,,PJSIP/1001',
      '1001,Twice,agent,A,,,',
      '1003,Short row,agent',
      '"1004,Unclosed,agent,A,,,',
    ].join('\n');
    const res = await importCsv(h, 'people', csv);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string }; problems: unknown[] }>();
    expect(body.error.code).toBe('invalid_request');
    // An unclosed quote stops the parser: that one problem is reported (its line).
    expect(body.problems).toHaveLength(1);
    expect(body.problems[0]).toMatchObject({ field: 'csv' });

    const res2 = await importCsv(h, 'people', csv.split('\n').slice(0, -1).join('\n'));
    expect(res2.statusCode).toBe(400);
    expect(res2.json<{ problems: unknown[] }>().problems).toEqual([
      { line: 3, field: 'id', reason: 'required' },
      { line: 4, field: 'name', reason: 'required' },
      {
        line: 4,
        field: 'role',
        reason: 'unknown role "boss" (agent, team_lead, qa, manager, admin)',
      },
      { line: 4, field: 'email', reason: 'not an email address' },
      { line: 5, field: 'id', reason: 'duplicate of line 2' },
      { line: 6, field: 'csv', reason: '3 cells where the header has 7' },
    ]);
    expect(await listPeople(db.db)).toEqual([]);

    // Register checks: unknown team, a member name of someone outside the file.
    await importCsv(
      h,
      'people',
      'id,name,role,team,email,phone,member_names\n9,Nine,agent,,,,PJSIP/1001\n',
    );
    const res3 = await importCsv(
      h,
      'people',
      'id,name,role,team,email,phone,member_names\n1001,One,agent,Z,,,PJSIP/1001\n1002,Two,agent,A,,,\n',
    );
    expect(res3.statusCode).toBe(400);
    expect(res3.json<{ problems: unknown[] }>().problems).toEqual([
      { line: 2, field: 'team', reason: 'unknown team Z' },
      { line: 2, field: 'member_names', reason: '"PJSIP/1001" is already 9\'s member name' },
    ]);
    expect((await listPeople(db.db)).map((p) => p.id)).toEqual(['9']);

    const header = await importCsv(h, 'seats', 'id,label,ip\nS1,x,1.2.3.4\n');
    expect(header.json<{ problems: unknown[] }>().problems).toEqual([
      {
        line: 1,
        field: 'site',
        reason: 'missing column (expected id,label,site,ip_address,equipment,user)',
      },
      {
        line: 1,
        field: 'ip_address',
        reason: 'missing column (expected id,label,site,ip_address,equipment,user)',
      },
      {
        line: 1,
        field: 'equipment',
        reason: 'missing column (expected id,label,site,ip_address,equipment,user)',
      },
      {
        line: 1,
        field: 'user',
        reason: 'missing column (expected id,label,site,ip_address,equipment,user)',
      },
      { line: 1, field: 'ip', reason: 'unknown column' },
    ]);
    const seats = await importCsv(
      h,
      'seats',
      'id,label,site,ip_address,equipment,user\nS1,x,,10.0.0.300,,\nS2,y,,,,ghost\n',
    );
    expect(seats.json<{ problems: unknown[] }>().problems).toEqual([
      { line: 2, field: 'ip_address', reason: '"10.0.0.300" is not an IPv4 or IPv6 address' },
    ]);
    const teams = await importCsv(h, 'teams', 'id,name,site,lead\nC,Team C,,9\nD,Team D,,ghost\n');
    expect(teams.json<{ problems: unknown[] }>().problems).toEqual([
      { line: 2, field: 'lead', reason: '9 is agent, not team_lead' },
      { line: 3, field: 'lead', reason: 'unknown person ghost (import people first)' },
    ]);
  });

  it('creates, changes and lists people, teams, sites and seats through the API', async () => {
    const { h, db } = await start(open);
    const site = await h.inject({
      method: 'POST',
      url: '/api/sites',
      payload: { id: 'tpe', name: 'Taipei', timeZone: 'Asia/Taipei' },
    });
    expect(site.statusCode).toBe(201);
    const badZone = await h.inject({
      method: 'PATCH',
      url: '/api/sites/tpe',
      payload: { timeZone: 'Mars/Olympus' },
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json<{ error: { field: string } }>().error.field).toBe('timeZone');

    const lead = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: { id: 'lead-a', name: 'Lin Lead', role: 'team_lead', password: 'temporary-1' },
    });
    expect(lead.statusCode).toBe(201);
    expect(lead.json()).toMatchObject({
      id: 'lead-a',
      hasPassword: true,
      mustChangePassword: true,
    });
    expect(lead.body).not.toContain('argon2');
    expect(lead.body).not.toContain('temporary-1');

    const team = await h.inject({
      method: 'POST',
      url: '/api/teams',
      payload: { id: 'A', name: 'Team A', siteId: 'tpe', leadId: 'lead-a' },
    });
    expect(team.statusCode).toBe(201);
    expect(team.json()).toEqual({ id: 'A', name: 'Team A', siteId: 'tpe', leadId: 'lead-a' });

    const agent = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: {
        id: '1127',
        name: 'Chen',
        role: 'agent',
        teamId: 'A',
        memberNames: ['Agent/1127'],
      },
    });
    expect(agent.statusCode).toBe(201);
    expect(agent.json()).toMatchObject({
      teamId: 'A',
      memberNames: ['Agent/1127'],
      hasPassword: false,
    });

    const dup = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: { id: '1127', name: 'Again', role: 'agent' },
    });
    expect(dup.statusCode).toBe(409);
    const noTeam = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: { id: '1128', name: 'X', role: 'agent', teamId: 'nope' },
    });
    expect(noTeam.statusCode).toBe(400);
    expect(noTeam.json<{ error: { field: string } }>().error.field).toBe('teamId');
    const taken = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: { id: '1128', name: 'X', role: 'agent', memberNames: ['Agent/1127'] },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<{ error: { field: string } }>().error.field).toBe('memberNames[0]');
    const shortPassword = await h.inject({
      method: 'POST',
      url: '/api/people',
      payload: { id: '1128', name: 'X', role: 'agent', password: 'short' },
    });
    expect(shortPassword.statusCode).toBe(400);

    const patched = await h.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      payload: { name: 'Chen Yu-ting', password: 'new-temporary' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Chen Yu-ting',
      teamId: 'A',
      hasPassword: true,
      mustChangePassword: true,
    });
    const row = await db.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', '1127')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verify(row.password_hash ?? '', 'new-temporary')).toBe(true);
    const audit = await db.db
      .selectFrom('audit_log')
      .select(['action', 'target', 'detail'])
      .where('action', 'like', 'people.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['people.create', 'lead-a'],
      ['people.create', '1127'],
      ['people.update', '1127'],
    ]);
    expect(JSON.parse(audit[2]?.detail ?? '{}')).toEqual({ fields: ['name', 'password'] });
    expect(JSON.stringify(audit)).not.toContain('temporary');

    const off = await h.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      payload: { active: false },
    });
    expect(off.json()).toMatchObject({ active: false });
    expect((await h.inject('/api/people/nobody')).statusCode).toBe(404);

    const seat = await h.inject({
      method: 'POST',
      url: '/api/seats',
      payload: {
        id: 'S-1',
        label: 'Seat 1',
        ipAddress: '10.0.0.1',
        equipment: ['PC 1'],
        userId: '1127',
      },
    });
    expect(seat.statusCode).toBe(201);
    const moved = await h.inject({
      method: 'PATCH',
      url: '/api/seats/S-1',
      payload: { ipAddress: 'fe80::1' },
    });
    expect(moved.json()).toEqual({
      id: 'S-1',
      label: 'Seat 1',
      siteId: null,
      ipAddress: 'fe80::1',
      equipment: ['PC 1'],
      userId: '1127',
      notes: null,
    });
    const badIp = await h.inject({
      method: 'PATCH',
      url: '/api/seats/S-1',
      payload: { ipAddress: '999.1.1.1' },
    });
    expect(badIp.statusCode).toBe(400);

    const list = (await h.inject('/api/people')).json<{ people: { id: string }[] }>();
    expect(list.people.map((p) => p.id)).toEqual(['1127', 'lead-a']);
    expect((await h.inject('/api/teams')).json()).toEqual({
      teams: [{ id: 'A', name: 'Team A', siteId: 'tpe', leadId: 'lead-a' }],
    });
  });

  it('limits team leads to their teams and keeps admin rights to admins', async () => {
    const db = await open();
    disposables.push(db);
    const directory = await PeopleDirectory.load(db.db);
    const service = new PeopleService(db.db, directory, () => 1000);
    await service.saveTeam({ id: 'A', name: 'A', siteId: null, leadId: null }, true);
    await service.saveTeam({ id: 'B', name: 'B', siteId: null, leadId: null }, true);
    await service.createPerson(null, { id: 'lead-a', name: 'Lead A', role: 'team_lead' });
    await service.saveTeam({ id: 'A', name: 'A', siteId: null, leadId: 'lead-a' }, false);
    await service.createPerson(null, { id: 'a1', name: 'Agent 1', role: 'agent', teamId: 'A' });
    await service.createPerson(null, { id: 'b1', name: 'Agent 2', role: 'agent', teamId: 'B' });
    await service.createPerson(null, { id: 'boss', name: 'Admin', role: 'admin' });

    const lead = principal('team_lead', 'lead-a', ['A']);
    expect((await service.listPeople(lead)).map((p) => p.id)).toEqual(['a1', 'lead-a']);
    expect((await service.listTeams(lead)).map((t) => t.id)).toEqual(['A']);
    await expect(service.getPerson(lead, 'b1')).rejects.toMatchObject({ code: 'not_found' });
    expect((await service.listPeople(principal('manager', 'm'))).length).toBe(4);

    // Only an admin creates or promotes admins; a token with the admin role is an admin.
    const integration: Principal = { ...principal('integration', null), kind: 'token' };
    await expect(
      service.createPerson(integration, { id: 'x', name: 'X', role: 'admin' }),
    ).rejects.toBeInstanceOf(AppError);
    const admin = principal('admin', 'boss');
    const promoted = await service.updatePerson(admin, 'a1', { role: 'admin' });
    expect(promoted.role).toBe('admin');
    // The last active admin cannot be demoted or deactivated.
    await service.updatePerson(admin, 'a1', { active: false });
    await expect(service.updatePerson(admin, 'boss', { role: 'manager' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'role',
    });
  });

  it('signed-in people: team leads read their teams only, writes need people.manage and CSRF', async () => {
    const { h, db } = await start(open);
    await importCsv(h, 'teams', TEAMS_CSV);
    await createTestUser(db.db, { id: 'lead-a', role: 'team_lead' });
    await createTestUser(db.db, { id: 'qa1', role: 'qa' });
    await createTestUser(db.db, { id: 'adm', role: 'admin' });
    await importCsv(h, 'teams', 'id,name,site,lead\nA,Team A,tpe,lead-a\n');
    await importCsv(
      h,
      'people',
      'id,name,role,team,email,phone,member_names\n1127,Chen,agent,A,,,\n1141,Wang,agent,B,,,\n',
    );
    await createTestUser(db.db, { id: 'a1', role: 'agent', teamId: 'A' });

    const lead = await signIn(h.app, 'lead-a');
    const people = await h.app.inject({ url: '/api/people', headers: lead });
    expect(people.statusCode).toBe(200);
    expect(people.json<{ people: { id: string }[] }>().people.map((p) => p.id)).toEqual([
      '1127',
      'a1',
      'lead-a',
    ]);
    expect((await h.app.inject({ url: '/api/people/1141', headers: lead })).statusCode).toBe(404);
    expect((await h.app.inject({ url: '/api/teams', headers: lead })).json()).toEqual({
      teams: [{ id: 'A', name: 'Team A', siteId: 'tpe', leadId: 'lead-a' }],
    });
    const leadWrite = await h.app.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      headers: lead,
      payload: { name: 'x' },
    });
    expect(leadWrite.statusCode).toBe(403);

    const agent = await signIn(h.app, 'a1');
    expect((await h.app.inject({ url: '/api/people', headers: agent })).statusCode).toBe(403);
    expect((await h.app.inject('/api/people')).statusCode).toBe(401);

    const qa = await signIn(h.app, 'qa1');
    expect((await h.app.inject({ url: '/api/seats', headers: qa })).statusCode).toBe(200);
    const qaImport = await h.app.inject({
      method: 'POST',
      url: '/api/import/teams',
      headers: { ...qa, 'content-type': 'text/csv' },
      payload: TEAMS_CSV,
    });
    expect(qaImport.statusCode).toBe(403);

    const adm = await signIn(h.app, 'adm');
    const noCsrf = await h.app.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      headers: { cookie: adm.cookie ?? '' },
      payload: { name: 'Chen Yu-ting' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const ok = await h.app.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      headers: adm,
      payload: { name: 'Chen Yu-ting' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Chen Yu-ting' });
    const promote = await h.app.inject({
      method: 'PATCH',
      url: '/api/people/1127',
      headers: adm,
      payload: { role: 'admin' },
    });
    expect(promote.json()).toMatchObject({ role: 'admin' });
  });
});
