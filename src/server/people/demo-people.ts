/**
 * Demo people (issue #4 "the demo mode creates demo users and says so on the login page"): the
 * simulated agents of the demo floor (`PJSIP/1001`…`PJSIP/1040`, src/core/simulation) as people
 * `1001`…`1040` in 4 teams of 10, each team with its lead, plus one QA, one manager and one admin,
 * a site and a seat per agent. Every demo person's password is {@link DEMO_PASSWORD}.
 */
import { hash } from '@node-rs/argon2';
import { DEFAULT_AGENT_COUNT } from '../../core/simulation/options.js';
import type { HumanRole } from '../../core/people/access.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { deleteSnapshot } from '../../db/ingest.repository.js';
import {
  countPeople,
  insertPerson,
  replaceMemberNames,
  upsertSeats,
  upsertSites,
  upsertTeams,
  type PersonFields,
  type Seat,
  type Team,
} from '../../db/people.repository.js';

/** The password of every demo person (shown on the demo's login page). */
export const DEMO_PASSWORD = 'demo';

/** A demo person the login page lists. */
export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly role: HumanRole;
  readonly password: string;
}

const TEAMS = [
  { id: 'A', name: 'Team A', lead: { id: 'lead-a', name: 'Lin Mei-ling' } },
  { id: 'B', name: 'Team B', lead: { id: 'lead-b', name: 'Omar Haddad' } },
  { id: 'C', name: 'Team C', lead: { id: 'lead-c', name: 'Grace Okafor' } },
  { id: 'D', name: 'Team D', lead: { id: 'lead-d', name: 'Huang Wei' } },
] as const;

const AGENT_NAMES = [
  'Chen Yu-ting',
  'Alice Martin',
  'Wang Jun',
  'Ben Carter',
  'Liu Xin',
  'Sofia Rossi',
  'Zhang Hao',
  'Daniel Kim',
  'Tsai Pei-yu',
  'Emma Novak',
  'Wu Jie',
  'Lucas Silva',
  'Kao Chia-hui',
  'Mia Schmidt',
  'Zhao Lei',
  'Noah Dubois',
  'Lai Yi-chen',
  'Olivia Brown',
  'Sun Qiang',
  'Ethan Park',
  'Hsu Wen-hsin',
  'Chloe Garcia',
  'Ma Lin',
  'Jacob Levi',
  'Cheng Ya-wen',
  'Isla Murphy',
  'Yang Fan',
  'Leo Rossi',
  'Lee Shu-fen',
  'Ava Nguyen',
  'Hu Bo',
  'Mateo Lopez',
  'Chang Hsin-yi',
  'Zoe Walker',
  'Zhou Ming',
  'Ryan Singh',
  'Kuo Li-hua',
  'Nora Berg',
  'Xu Tao',
  'Sam Taylor',
];

const OTHERS = [
  { id: 'qa', name: 'Quinn QA', role: 'qa' },
  { id: 'manager', name: 'Morgan Manager', role: 'manager' },
  { id: 'admin', name: 'Ada Admin', role: 'admin' },
] as const;

const SITE_ID = 'demo';
/** The demo engine's snapshot id (server.ts `snapshotId`). */
const DEMO_SNAPSHOT_ID = 'demo';

/** The demo agents: person id, name, team, member name. */
function demoAgents(): { id: string; name: string; teamId: string; memberName: string }[] {
  const perTeam = Math.ceil(DEFAULT_AGENT_COUNT / TEAMS.length);
  return Array.from({ length: DEFAULT_AGENT_COUNT }, (_, i) => {
    const id = String(1001 + i);
    return {
      id,
      name: AGENT_NAMES[i % AGENT_NAMES.length] ?? id,
      teamId: TEAMS[Math.floor(i / perTeam)]?.id ?? 'D',
      memberName: `PJSIP/${id}`,
    };
  });
}

/**
 * The demo people the login page lists (GET /api/auth/state `demoUsers` in demo mode): the admin,
 * the manager, the QA, the 4 team leads and the first agent of each team. Every other demo agent
 * (`1001`…`1040`) signs in with the same password.
 */
export function demoUsers(): DemoUser[] {
  const agents = demoAgents();
  const firstOfTeam = TEAMS.map((t) => agents.find((a) => a.teamId === t.id)).filter(
    (a) => a !== undefined,
  );
  return [
    ...[...OTHERS]
      .reverse()
      .map((o) => ({ id: o.id, name: o.name, role: o.role, password: DEMO_PASSWORD })),
    ...TEAMS.map((t) => ({
      id: t.lead.id,
      name: t.lead.name,
      role: 'team_lead' as const,
      password: DEMO_PASSWORD,
    })),
    ...firstOfTeam.map((a) => ({
      id: a.id,
      name: a.name,
      role: 'agent' as const,
      password: DEMO_PASSWORD,
    })),
  ];
}

/**
 * Creates the demo people when the register is empty (nothing happens otherwise, so people added
 * or changed in a demo survive restarts). One transaction.
 * @param nowMs creation time, epoch ms
 * @returns the number of people created (0 when the register was not empty)
 */
export async function seedDemoPeople(db: Kysely<Database>, nowMs: number): Promise<number> {
  if ((await countPeople(db)) > 0) return 0;
  // One hash for all (same password): seeding 47 people stays well under a second.
  const passwordHash = await hash(DEMO_PASSWORD);
  const agents = demoAgents();
  const people: PersonFields[] = [
    ...OTHERS.map((o) => ({
      id: o.id,
      name: o.name,
      role: o.role,
      teamId: null,
      email: null,
      phone: null,
    })),
    ...TEAMS.map((t) => ({
      id: t.lead.id,
      name: t.lead.name,
      role: 'team_lead' as const,
      teamId: null,
      email: null,
      phone: null,
    })),
    ...agents.map((a) => ({
      id: a.id,
      name: a.name,
      role: 'agent' as const,
      teamId: a.teamId,
      email: null,
      phone: a.memberName,
    })),
  ];
  const teams: Team[] = TEAMS.map((t) => ({
    id: t.id,
    name: t.name,
    siteId: SITE_ID,
    leadId: t.lead.id,
  }));
  const seats: Seat[] = agents.map((a, i) => ({
    id: `S-${a.id}`,
    siteId: SITE_ID,
    label: `Row ${Math.floor(i / 10) + 1} seat ${(i % 10) + 1}`,
    ipAddress: `10.0.${Math.floor(i / 10) + 1}.${(i % 10) + 11}`,
    equipment: [`PC ${a.id}`, 'headset'],
    userId: a.id,
    notes: null,
  }));
  await db.transaction().execute(async (trx) => {
    await upsertSites(trx, [{ id: SITE_ID, name: 'Demo site', timeZone: null }]);
    await upsertTeams(trx, teams);
    for (const p of people) {
      await insertPerson(
        trx,
        { ...p, siteId: SITE_ID },
        { hash: passwordHash, mustChange: false },
        nowMs,
      );
    }
    for (const a of agents) await replaceMemberNames(trx, a.id, [a.memberName]);
    await upsertSeats(trx, seats);
    // A demo run before the people existed left floor rows under the member names (PJSIP/1001…):
    // start the engine fresh so the floor shows the people only (stored records stay as they are).
    await deleteSnapshot(trx, DEMO_SNAPSHOT_ID);
  });
  return people.length;
}
