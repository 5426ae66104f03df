import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@node-rs/argon2';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { listMemberNames, listPeople, listSeats, listTeams } from '../../db/people.repository.js';
import { signIn } from '../../test-support/auth.js';
import { sqliteTestDatabase } from '../../test-support/databases.js';
import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import { DEMO_PASSWORD, demoUsers, seedDemoPeople } from './demo-people.js';

const dir = await mkdtemp(join(tmpdir(), 'callfloor-demo-people-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('demo people', () => {
  it('seeds the simulated agents as people in 4 teams with leads, once', async () => {
    const db = await sqliteTestDatabase();
    try {
      expect(await seedDemoPeople(db.db, 5000)).toBe(47);
      expect(await seedDemoPeople(db.db, 6000)).toBe(0);
      const people = await listPeople(db.db);
      const count = (role: string) => people.filter((p) => p.role === role).length;
      expect([
        count('agent'),
        count('team_lead'),
        count('qa'),
        count('manager'),
        count('admin'),
      ]).toEqual([40, 4, 1, 1, 1]);
      expect(await listTeams(db.db)).toEqual([
        { id: 'A', name: 'Team A', siteId: 'demo', leadId: 'lead-a' },
        { id: 'B', name: 'Team B', siteId: 'demo', leadId: 'lead-b' },
        { id: 'C', name: 'Team C', siteId: 'demo', leadId: 'lead-c' },
        { id: 'D', name: 'Team D', siteId: 'demo', leadId: 'lead-d' },
      ]);
      const teamOf = new Map(people.map((p) => [p.id, p.teamId]));
      expect([
        teamOf.get('1001'),
        teamOf.get('1010'),
        teamOf.get('1011'),
        teamOf.get('1040'),
      ]).toEqual(['A', 'A', 'B', 'D']);
      const names = await listMemberNames(db.db);
      expect(names).toHaveLength(40);
      expect(names[0]).toEqual({ memberName: 'PJSIP/1001', userId: '1001' });
      expect((await listSeats(db.db)).length).toBe(40);

      const row = await db.db
        .selectFrom('app_user')
        .select('password_hash')
        .where('id', '=', 'lead-a')
        .executeTakeFirstOrThrow();
      expect(await verify(row.password_hash ?? '', DEMO_PASSWORD)).toBe(true);

      const listed = demoUsers();
      expect(listed.map((u) => [u.id, u.role])).toEqual([
        ['admin', 'admin'],
        ['manager', 'manager'],
        ['qa', 'qa'],
        ['lead-a', 'team_lead'],
        ['lead-b', 'team_lead'],
        ['lead-c', 'team_lead'],
        ['lead-d', 'team_lead'],
        ['1001', 'agent'],
        ['1011', 'agent'],
        ['1021', 'agent'],
        ['1031', 'agent'],
      ]);
      expect(listed.every((u) => u.password === 'demo')).toBe(true);
    } finally {
      await db.dispose();
    }
  });

  it('a demo server shows people on the floor and lists the demo users on the login page', async () => {
    const config = loadConfig(
      { port: '0', db: join(dir, 'demo.db'), webRoot: join(dir, 'no-web') },
      {},
      null,
    );
    const server = await startServer(config, pino({ level: 'silent' }));
    try {
      const state = await server.app.inject('/api/auth/state');
      expect(state.json<{ demo: boolean; demoUsers: unknown[] }>()).toMatchObject({
        demo: true,
        demoUsers: demoUsers(),
      });
      const lead = await signIn(server.app, 'lead-b', DEMO_PASSWORD);
      const me = await server.app.inject({ url: '/api/auth/me', headers: lead });
      const { version } = me.json<{ confidentiality: { version: number } }>().confidentiality;
      const accepted = await server.app.inject({
        method: 'POST',
        url: '/api/confidentiality/accept',
        headers: lead,
        payload: { version, language: 'en' },
      });
      expect(accepted.statusCode).toBe(200);
      const floor = await server.app.inject({ url: '/api/floor', headers: lead });
      const agents = floor.json<{
        agents: { agent: string; name: string; team: string | null; memberNames: string[] }[];
      }>().agents;
      expect(agents.length).toBeGreaterThan(0);
      const first = agents.find((a) => a.agent === '1011');
      expect(first).toMatchObject({ name: 'Wu Jie', memberNames: ['PJSIP/1011'] });
      expect(agents.some((a) => a.agent.startsWith('PJSIP/'))).toBe(false);
      const people = await server.app.inject({ url: '/api/people', headers: lead });
      const ids = people.json<{ people: { id: string }[] }>().people.map((p) => p.id);
      expect(ids).toHaveLength(11);
      expect(ids).toContain('lead-b');
      expect(ids).toContain('1020');
      expect(ids).not.toContain('1001');
    } finally {
      await server.close();
    }
  });
});
