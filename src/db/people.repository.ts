/**
 * The people register (issue #4): people (`app_user`), teams, sites, seats (X03) and the telephony
 * member names each person appears under. Kysely only: rules (who may do what, validation) live in
 * `src/server/people/`. Instants in epoch ms; booleans stored as 0/1; seat equipment as JSON text.
 *
 * Functions that return a {@link Person} never expose the password hash (only `hasPassword`); the
 * sign-in code reads the hash with its own query.
 */
import type { HumanRole } from '../core/people/access.js';
import type { AppUserTable, Db, SeatTable } from './database.js';

/** A person as the API shows it (no password hash). Instants epoch ms. */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly role: HumanRole;
  readonly teamId: string | null;
  readonly siteId: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** Preferred UI language or null. */
  readonly language: string | null;
  readonly active: boolean;
  /** Whether a password is set (a person without one cannot sign in). */
  readonly hasPassword: boolean;
  readonly mustChangePassword: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The fields of a person that are written as given (create and import). */
export interface PersonFields {
  readonly id: string;
  readonly name: string;
  readonly role: HumanRole;
  readonly teamId: string | null;
  readonly siteId?: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly language?: string | null;
}

/** A change to a person: only the fields given change. */
export interface PersonPatch {
  readonly name?: string;
  readonly role?: HumanRole;
  readonly teamId?: string | null;
  readonly siteId?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly language?: string | null;
  readonly active?: boolean;
}

/** A team: agents with one direct team lead (a person id). */
export interface Team {
  readonly id: string;
  readonly name: string;
  readonly siteId: string | null;
  readonly leadId: string | null;
}

/** A site. */
export interface Site {
  readonly id: string;
  readonly name: string;
  /** IANA zone, or null (the server's `--tz`). */
  readonly timeZone: string | null;
}

/** A seat (X03): place, the PC's IP address, equipment, who sits there. */
export interface Seat {
  readonly id: string;
  readonly siteId: string | null;
  readonly label: string;
  readonly ipAddress: string | null;
  /** Equipment items (`PC 12`, `headset H-340`). */
  readonly equipment: string[];
  /** The person sitting there, or null. */
  readonly userId: string | null;
  readonly notes: string | null;
}

/** A telephony member name and the person it is. */
export interface MemberNameMapping {
  readonly memberName: string;
  readonly userId: string;
}

function toPerson(row: AppUserTable): Person {
  return {
    id: row.id,
    name: row.name,
    role: row.role as HumanRole,
    teamId: row.team_id,
    siteId: row.site_id,
    email: row.email,
    phone: row.phone,
    language: row.language,
    active: Number(row.active) === 1,
    hasPassword: row.password_hash !== null,
    mustChangePassword: Number(row.must_change_password) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toSeat(row: SeatTable): Seat {
  return {
    id: row.id,
    siteId: row.site_id,
    label: row.label,
    ipAddress: row.ip_address,
    equipment: JSON.parse(row.equipment) as string[],
    userId: row.user_id,
    notes: row.notes,
  };
}

// --- people ---------------------------------------------------------------------------------

/**
 * Inserts a person.
 * @param password argon2 PHC hash and whether it must be changed at next sign-in; `null`: no
 *   password (the person cannot sign in until one is set)
 * @param nowMs creation time, epoch ms
 * @throws the database's unique-violation error when the id exists
 */
export async function insertPerson(
  db: Db,
  fields: PersonFields,
  password: { hash: string; mustChange: boolean } | null,
  nowMs: number,
): Promise<void> {
  await db
    .insertInto('app_user')
    .values({
      id: fields.id,
      name: fields.name,
      role: fields.role,
      team_id: fields.teamId,
      site_id: fields.siteId ?? null,
      email: fields.email,
      phone: fields.phone,
      language: fields.language ?? null,
      password_hash: password?.hash ?? null,
      must_change_password: password === null || password.mustChange ? 1 : 0,
      active: 1,
      failed_attempts: 0,
      locked_until: null,
      created_at: nowMs,
      updated_at: nowMs,
    })
    .execute();
}

/**
 * Inserts or updates people by id (CSV import). New people get no password and
 * `must_change_password`; existing people keep their password, activity and language.
 * `siteId`/`language` are left as they are when not given.
 */
export async function upsertPeople(
  db: Db,
  people: readonly PersonFields[],
  nowMs: number,
): Promise<void> {
  for (const p of people) {
    const update: Partial<AppUserTable> = {
      name: p.name,
      role: p.role,
      team_id: p.teamId,
      email: p.email,
      phone: p.phone,
      updated_at: nowMs,
    };
    if (p.siteId !== undefined) update.site_id = p.siteId;
    await db
      .insertInto('app_user')
      .values({
        id: p.id,
        name: p.name,
        role: p.role,
        team_id: p.teamId,
        site_id: p.siteId ?? null,
        email: p.email,
        phone: p.phone,
        language: p.language ?? null,
        password_hash: null,
        must_change_password: 1,
        active: 1,
        failed_attempts: 0,
        locked_until: null,
        created_at: nowMs,
        updated_at: nowMs,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(update))
      .execute();
  }
}

/**
 * Changes a person's fields.
 * @returns the person after the change, or null when there is no such person
 */
export async function updatePerson(
  db: Db,
  id: string,
  patch: PersonPatch,
  nowMs: number,
): Promise<Person | null> {
  const set: Partial<AppUserTable> = { updated_at: nowMs };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.teamId !== undefined) set.team_id = patch.teamId;
  if (patch.siteId !== undefined) set.site_id = patch.siteId;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
  const result = await db.updateTable('app_user').set(set).where('id', '=', id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return null;
  return getPerson(db, id);
}

/**
 * Sets a person's password hash (argon2 PHC string) and resets failed sign-ins and the lock.
 * @returns false when there is no such person
 */
export async function setPasswordHash(
  db: Db,
  id: string,
  hash: string,
  mustChange: boolean,
  nowMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('app_user')
    .set({
      password_hash: hash,
      must_change_password: mustChange ? 1 : 0,
      failed_attempts: 0,
      locked_until: null,
      updated_at: nowMs,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Deactivates a person: they can no longer sign in; their records, member names and history stay.
 * @returns false when there is no such person
 */
export async function deactivatePerson(db: Db, id: string, nowMs: number): Promise<boolean> {
  return (await updatePerson(db, id, { active: false }, nowMs)) !== null;
}

/** One person (without the password hash), or null. */
export async function getPerson(db: Db, id: string): Promise<Person | null> {
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toPerson(row);
}

/** Filter of {@link listPeople}. */
export interface PeopleFilter {
  /** Only members of these teams; `null`/absent = everyone. */
  readonly teamIds?: readonly string[] | null;
  /** Include deactivated people (default true). */
  readonly includeInactive?: boolean;
}

/** People by id (without password hashes). */
export async function listPeople(db: Db, filter: PeopleFilter = {}): Promise<Person[]> {
  let query = db.selectFrom('app_user').selectAll().orderBy('id');
  if (filter.teamIds !== undefined && filter.teamIds !== null) {
    if (filter.teamIds.length === 0) return [];
    query = query.where('team_id', 'in', [...filter.teamIds]);
  }
  if (filter.includeInactive === false) query = query.where('active', '=', 1);
  return (await query.execute()).map(toPerson);
}

/** Number of people (active or not). */
export async function countPeople(db: Db): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- teams ----------------------------------------------------------------------------------

/** Inserts or replaces teams by id. */
export async function upsertTeams(db: Db, teams: readonly Team[]): Promise<void> {
  for (const t of teams) {
    const row = { id: t.id, name: t.name, site_id: t.siteId, lead_id: t.leadId };
    await db
      .insertInto('team')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ name: t.name, site_id: t.siteId, lead_id: t.leadId }),
      )
      .execute();
  }
}

/** One team, or null. */
export async function getTeam(db: Db, id: string): Promise<Team | null> {
  const row = await db.selectFrom('team').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined
    ? null
    : { id: row.id, name: row.name, siteId: row.site_id, leadId: row.lead_id };
}

/** Teams by id; only `ids` when given. */
export async function listTeams(db: Db, ids: readonly string[] | null = null): Promise<Team[]> {
  let query = db.selectFrom('team').selectAll().orderBy('id');
  if (ids !== null) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', [...ids]);
  }
  return (await query.execute()).map((row) => ({
    id: row.id,
    name: row.name,
    siteId: row.site_id,
    leadId: row.lead_id,
  }));
}

/** Ids of the teams a person leads (a team lead's scope, R12 "direct supervisor"). */
export async function teamIdsLedBy(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('team')
    .select('id')
    .where('lead_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

// --- sites ----------------------------------------------------------------------------------

/** Inserts or replaces sites by id. */
export async function upsertSites(db: Db, sites: readonly Site[]): Promise<void> {
  for (const s of sites) {
    await db
      .insertInto('site')
      .values({ id: s.id, name: s.name, time_zone: s.timeZone })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: s.name, time_zone: s.timeZone }))
      .execute();
  }
}

/** Inserts sites that do not exist yet (others are left as they are). */
export async function insertMissingSites(db: Db, sites: readonly Site[]): Promise<void> {
  for (const s of sites) {
    await db
      .insertInto('site')
      .values({ id: s.id, name: s.name, time_zone: s.timeZone })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/** Sites by id. */
export async function listSites(db: Db): Promise<Site[]> {
  const rows = await db.selectFrom('site').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone }));
}

// --- seats ----------------------------------------------------------------------------------

/** Inserts or replaces seats by id. */
export async function upsertSeats(db: Db, seats: readonly Seat[]): Promise<void> {
  for (const s of seats) {
    const values = {
      site_id: s.siteId,
      label: s.label,
      ip_address: s.ipAddress,
      equipment: JSON.stringify(s.equipment),
      user_id: s.userId,
      notes: s.notes,
    };
    await db
      .insertInto('seat')
      .values({ id: s.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }
}

/** One seat, or null. */
export async function getSeat(db: Db, id: string): Promise<Seat | null> {
  const row = await db.selectFrom('seat').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toSeat(row);
}

/** Seats by id; only those of `userIds` when given. */
export async function listSeats(db: Db, userIds: readonly string[] | null = null): Promise<Seat[]> {
  let query = db.selectFrom('seat').selectAll().orderBy('id');
  if (userIds !== null) {
    if (userIds.length === 0) return [];
    query = query.where('user_id', 'in', [...userIds]);
  }
  return (await query.execute()).map(toSeat);
}

// --- member names ---------------------------------------------------------------------------

/** Maps a member name to a person (moving it when it belonged to someone else). */
export async function mapMemberName(db: Db, memberName: string, userId: string): Promise<void> {
  await db
    .insertInto('member_name')
    .values({ member_name: memberName, user_id: userId })
    .onConflict((oc) => oc.column('member_name').doUpdateSet({ user_id: userId }))
    .execute();
}

/** Removes a member name's mapping. @returns whether it was mapped */
export async function unmapMemberName(db: Db, memberName: string): Promise<boolean> {
  const result = await db
    .deleteFrom('member_name')
    .where('member_name', '=', memberName)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Replaces a person's member names with `names` (names elsewhere are moved to this person; the
 * caller checks conflicts first). Run it in a transaction.
 */
export async function replaceMemberNames(
  db: Db,
  userId: string,
  names: readonly string[],
): Promise<void> {
  await db.deleteFrom('member_name').where('user_id', '=', userId).execute();
  for (const name of names) await mapMemberName(db, name, userId);
}

/** A person's member names, sorted. */
export async function memberNamesOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('member_name')
    .select('member_name')
    .where('user_id', '=', userId)
    .orderBy('member_name')
    .execute();
  return rows.map((r) => r.member_name);
}

/** Every mapping, by member name. */
export async function listMemberNames(db: Db): Promise<MemberNameMapping[]> {
  const rows = await db.selectFrom('member_name').selectAll().orderBy('member_name').execute();
  return rows.map((r) => ({ memberName: r.member_name, userId: r.user_id }));
}
