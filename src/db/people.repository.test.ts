import { afterAll, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test-support/databases.js';
import {
  countPeople,
  deactivatePerson,
  getPerson,
  getSeat,
  getTeam,
  insertMissingSites,
  insertPerson,
  listMemberNames,
  listPeople,
  listSeats,
  listSites,
  listTeams,
  mapMemberName,
  memberNamesOf,
  replaceMemberNames,
  setPasswordHash,
  teamIdsLedBy,
  unmapMemberName,
  updatePerson,
  upsertPeople,
  upsertSeats,
  upsertSites,
  upsertTeams,
} from './people.repository.js';

const dialects = await testDialects();
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

describe.each(dialects)('people register on $name', ({ open }) => {
  it('creates, changes, lists and deactivates people without exposing the hash', async () => {
    const handle = await open();
    opened.push(handle);
    const db = handle.db;
    await upsertSites(db, [{ id: 'tpe', name: 'Taipei', timeZone: 'Asia/Taipei' }]);
    await upsertTeams(db, [
      { id: 'T1', name: 'Team one', siteId: 'tpe', leadId: 'L1' },
      { id: 'T2', name: 'Team two', siteId: null, leadId: null },
    ]);
    await insertPerson(
      db,
      { id: 'L1', name: 'Lin Lead', role: 'team_lead', teamId: null, email: null, phone: null },
      { hash: '$argon2id$fake', mustChange: false },
      1000,
    );
    await insertPerson(
      db,
      {
        id: '1127',
        name: 'Chen Agent',
        role: 'agent',
        teamId: 'T1',
        email: 'chen@example.com',
        phone: 'PJSIP/1127',
      },
      null,
      2000,
    );
    await expect(
      insertPerson(
        db,
        { id: '1127', name: 'Dup', role: 'agent', teamId: null, email: null, phone: null },
        null,
        3000,
      ),
    ).rejects.toThrow();

    const agent = await getPerson(db, '1127');
    expect(agent).toEqual({
      id: '1127',
      name: 'Chen Agent',
      role: 'agent',
      teamId: 'T1',
      siteId: null,
      email: 'chen@example.com',
      phone: 'PJSIP/1127',
      language: null,
      active: true,
      hasPassword: false,
      mustChangePassword: true,
      createdAt: 2000,
      updatedAt: 2000,
    });
    expect(JSON.stringify(await listPeople(db))).not.toContain('argon2');
    expect((await getPerson(db, 'L1'))?.hasPassword).toBe(true);
    expect((await getPerson(db, 'L1'))?.mustChangePassword).toBe(false);
    expect(await countPeople(db)).toBe(2);

    expect((await listPeople(db, { teamIds: ['T1'] })).map((p) => p.id)).toEqual(['1127']);
    expect(await listPeople(db, { teamIds: [] })).toEqual([]);
    expect(await teamIdsLedBy(db, 'L1')).toEqual(['T1']);

    const changed = await updatePerson(db, '1127', { name: 'Chen A.', teamId: 'T2' }, 5000);
    expect(changed?.name).toBe('Chen A.');
    expect(changed?.teamId).toBe('T2');
    expect(changed?.email).toBe('chen@example.com');
    expect(changed?.updatedAt).toBe(5000);
    expect(await updatePerson(db, 'nobody', { name: 'x' }, 5000)).toBeNull();

    expect(await setPasswordHash(db, '1127', '$argon2id$other', true, 6000)).toBe(true);
    expect((await getPerson(db, '1127'))?.hasPassword).toBe(true);

    expect(await deactivatePerson(db, '1127', 7000)).toBe(true);
    expect((await getPerson(db, '1127'))?.active).toBe(false);
    expect((await listPeople(db, { includeInactive: false })).map((p) => p.id)).toEqual(['L1']);
    expect(await deactivatePerson(db, 'nobody', 7000)).toBe(false);

    // Import upsert: the existing person keeps password and activity; a new one has none.
    await upsertPeople(
      db,
      [
        { id: '1127', name: 'Chen Again', role: 'agent', teamId: 'T1', email: null, phone: null },
        { id: '1141', name: 'Wang', role: 'agent', teamId: 'T1', email: null, phone: null },
      ],
      8000,
    );
    const again = await getPerson(db, '1127');
    expect(again?.name).toBe('Chen Again');
    expect(again?.hasPassword).toBe(true);
    expect(again?.active).toBe(false);
    expect(again?.createdAt).toBe(2000);
    const fresh = await getPerson(db, '1141');
    expect(fresh?.hasPassword).toBe(false);
    expect(fresh?.mustChangePassword).toBe(true);
    expect(fresh?.createdAt).toBe(8000);
  });

  it('keeps teams, sites, seats and member names', async () => {
    const handle = await open();
    opened.push(handle);
    const db = handle.db;
    await upsertSites(db, [{ id: 'tpe', name: 'Taipei', timeZone: null }]);
    await insertMissingSites(db, [
      { id: 'tpe', name: 'ignored', timeZone: null },
      { id: 'khh', name: 'khh', timeZone: null },
    ]);
    expect(await listSites(db)).toEqual([
      { id: 'khh', name: 'khh', timeZone: null },
      { id: 'tpe', name: 'Taipei', timeZone: null },
    ]);

    await upsertTeams(db, [{ id: 'T1', name: 'One', siteId: 'tpe', leadId: null }]);
    await upsertTeams(db, [{ id: 'T1', name: 'One bis', siteId: null, leadId: 'L1' }]);
    expect(await getTeam(db, 'T1')).toEqual({
      id: 'T1',
      name: 'One bis',
      siteId: null,
      leadId: 'L1',
    });
    expect(await getTeam(db, 'T9')).toBeNull();
    expect((await listTeams(db, ['T1', 'T9'])).map((t) => t.id)).toEqual(['T1']);

    await upsertSeats(db, [
      {
        id: 'S-12',
        siteId: 'tpe',
        label: 'Row 1 seat 12',
        ipAddress: '10.0.4.12',
        equipment: ['PC 12', 'headset H-340'],
        userId: '1127',
        notes: null,
      },
    ]);
    expect(await getSeat(db, 'S-12')).toEqual({
      id: 'S-12',
      siteId: 'tpe',
      label: 'Row 1 seat 12',
      ipAddress: '10.0.4.12',
      equipment: ['PC 12', 'headset H-340'],
      userId: '1127',
      notes: null,
    });
    await upsertSeats(db, [
      {
        id: 'S-12',
        siteId: 'tpe',
        label: 'Row 1 seat 12',
        ipAddress: '10.0.4.13',
        equipment: [],
        userId: null,
        notes: 'moved',
      },
    ]);
    expect((await getSeat(db, 'S-12'))?.equipment).toEqual([]);
    expect(await listSeats(db, ['1127'])).toEqual([]);
    expect((await listSeats(db)).map((s) => s.ipAddress)).toEqual(['10.0.4.13']);

    await mapMemberName(db, 'Agent/1127', '1127');
    await mapMemberName(db, 'Local/1127@callback-agent', '1127');
    await mapMemberName(db, 'Agent/1141', '1127');
    await mapMemberName(db, 'Agent/1141', '1141');
    expect(await memberNamesOf(db, '1127')).toEqual(['Agent/1127', 'Local/1127@callback-agent']);
    expect(await listMemberNames(db)).toEqual([
      { memberName: 'Agent/1127', userId: '1127' },
      { memberName: 'Agent/1141', userId: '1141' },
      { memberName: 'Local/1127@callback-agent', userId: '1127' },
    ]);
    await replaceMemberNames(db, '1127', ['PJSIP/1127', 'Agent/1127']);
    expect(await memberNamesOf(db, '1127')).toEqual(['Agent/1127', 'PJSIP/1127']);
    expect(await unmapMemberName(db, 'PJSIP/1127')).toBe(true);
    expect(await unmapMemberName(db, 'PJSIP/1127')).toBe(false);
    expect(await memberNamesOf(db, '1127')).toEqual(['Agent/1127']);
  });
});
