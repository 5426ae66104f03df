/**
 * The people register's rules (issue #4): who may see and change whom, reference checks, member
 * name conflicts, passwords (argon2id via @node-rs/argon2, never returned), and CSV imports that
 * write every row or none. Routes (people-routes.ts) and the CLI (`callfloor user add`,
 * `callfloor people import`) call it. After every change the people directory is reloaded, so the
 * floor and the live engine's alias map follow at once.
 *
 * The acting principal is `null` for the CLI (the machine's operator: every right).
 */
import type { Kysely } from 'kysely';
import {
  agentScope,
  can,
  inScope,
  type HumanRole,
  type Principal,
} from '../../core/people/access.js';
import { assertTimeZone } from '../../core/stats/time-zone.js';
import type { Database } from '../../db/database.js';
import {
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
  memberNamesOf,
  replaceMemberNames,
  setPasswordHash,
  updatePerson,
  upsertPeople,
  upsertSeats,
  upsertSites,
  upsertTeams,
  type Person,
  type PersonPatch,
  type Seat,
  type Site,
  type Team,
} from '../../db/people.repository.js';
import { MIN_PASSWORD_LENGTH, hashPassword as argon2Hash } from '../auth/secrets.js';
import { AppError } from '../errors.js';
import type { PeopleDirectory } from './directory.js';
import {
  memberNameProblem,
  parseImport,
  sortProblems,
  type ImportKind,
  type ImportProblem,
  type PersonRow,
  type SeatRow,
  type TeamRow,
} from './people-import.js';

/** A person as the API shows them: the register's fields and their member names. */
export interface PersonView extends Person {
  readonly memberNames: string[];
}

/** A new person. `password`: a temporary password (must be changed at first sign-in) or none. */
export interface NewPerson {
  readonly id: string;
  readonly name: string;
  readonly role: HumanRole;
  readonly teamId?: string | null;
  readonly siteId?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly language?: string | null;
  readonly memberNames?: readonly string[];
  readonly password?: string;
  /** Whether the password must be changed at first sign-in (default true). */
  readonly mustChangePassword?: boolean;
}

/** A change to a person; `password` sets a temporary password (must be changed). */
export interface PersonChange extends PersonPatch {
  readonly password?: string;
}

/** Raised when an import has bad rows: nothing was written. */
export class ImportRejectedError extends Error {
  override name = 'ImportRejectedError';
  constructor(readonly problems: ImportProblem[]) {
    super(`${problems.length} problem(s) in the import; nothing was imported`);
  }
}

/** What an import wrote. */
export interface ImportResult {
  readonly kind: ImportKind;
  readonly created: number;
  readonly updated: number;
  /** Sites created because a row named one not in the register (name = id). */
  readonly sitesCreated: number;
}

/** Minimum length of a password set by an admin or the CLI (the auth code's). */
export { MIN_PASSWORD_LENGTH };

/** The service. */
export class PeopleService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly directory: PeopleDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  // --- reads ----------------------------------------------------------------------------------

  /** People the principal may see (team leads: their teams' members and themselves). */
  async listPeople(actor: Principal | null): Promise<PersonView[]> {
    const people = await listPeople(this.db);
    const names = await this.memberNameIndex();
    return people
      .filter((p) => this.visible(actor, p))
      .map((p) => ({ ...p, memberNames: names.get(p.id) ?? [] }));
  }

  /**
   * One person.
   * @throws AppError not_found when there is no such person or they are outside the scope
   */
  async getPerson(actor: Principal | null, id: string): Promise<PersonView> {
    const person = await getPerson(this.db, id);
    if (person === null || !this.visible(actor, person)) {
      throw new AppError('not_found', `no person ${id}`, 'id');
    }
    return { ...person, memberNames: await memberNamesOf(this.db, id) };
  }

  /** Teams the principal may see (team leads: the teams they lead). */
  async listTeams(actor: Principal | null): Promise<Team[]> {
    const scope = actor === null ? null : agentScope(actor);
    const teams = await listTeams(this.db);
    if (scope === null || scope.kind === 'all') return teams;
    return teams.filter((t) => inScope(scope, { id: t.leadId ?? '', teamId: t.id }));
  }

  /** Every site. */
  listSites(): Promise<Site[]> {
    return listSites(this.db);
  }

  /** Seats the principal may see (team leads: the seats of their people). */
  async listSeats(actor: Principal | null): Promise<Seat[]> {
    const seats = await listSeats(this.db);
    if (actor === null || agentScope(actor).kind === 'all') return seats;
    const visible = new Set((await this.listPeople(actor)).map((p) => p.id));
    return seats.filter((s) => s.userId !== null && visible.has(s.userId));
  }

  // --- people ---------------------------------------------------------------------------------

  /**
   * Creates a person.
   * @throws AppError conflict (id exists, member name taken), invalid_request (unknown team or
   *   site, bad member name, short password), forbidden (a non-admin creating an admin)
   */
  async createPerson(actor: Principal | null, input: NewPerson): Promise<PersonView> {
    this.checkAdminGrant(actor, input.role);
    await this.checkReferences({ teamId: input.teamId ?? null, siteId: input.siteId ?? null });
    if ((await getPerson(this.db, input.id)) !== null) {
      throw new AppError('conflict', `person ${input.id} already exists`, 'id');
    }
    const memberNames = input.memberNames ?? [];
    await this.checkMemberNames(input.id, memberNames);
    const password =
      input.password === undefined
        ? null
        : {
            hash: await hashPassword(input.password),
            mustChange: input.mustChangePassword ?? true,
          };
    await this.db.transaction().execute(async (trx) => {
      await insertPerson(
        trx,
        {
          id: input.id,
          name: input.name,
          role: input.role,
          teamId: input.teamId ?? null,
          siteId: input.siteId ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          language: input.language ?? null,
        },
        password,
        this.now(),
      );
      if (memberNames.length > 0) await replaceMemberNames(trx, input.id, memberNames);
    });
    await this.directory.reload();
    return this.getPerson(null, input.id);
  }

  /**
   * Changes a person (a `password` is set as temporary: it must be changed at next sign-in).
   * @throws AppError not_found, invalid_request, forbidden (promoting to admin without being
   *   one), conflict (the change would leave no active admin)
   */
  async updatePerson(
    actor: Principal | null,
    id: string,
    change: PersonChange,
  ): Promise<PersonView> {
    const before = await getPerson(this.db, id);
    if (before === null) throw new AppError('not_found', `no person ${id}`, 'id');
    if (change.role !== undefined && change.role !== before.role) {
      this.checkAdminGrant(actor, change.role);
    }
    if (before.role === 'admin') this.checkAdminGrant(actor, 'admin');
    await this.checkReferences({ teamId: change.teamId ?? null, siteId: change.siteId ?? null });
    const losesAdmin =
      before.role === 'admin' &&
      before.active &&
      ((change.role !== undefined && change.role !== 'admin') || change.active === false);
    if (losesAdmin) {
      const admins = (await listPeople(this.db, { includeInactive: false })).filter(
        (p) => p.role === 'admin',
      );
      if (admins.length <= 1) {
        throw new AppError(
          'conflict',
          `${id} is the last active admin`,
          change.active === false ? 'active' : 'role',
        );
      }
    }
    const { password, ...patch } = change;
    const passwordHash = password === undefined ? null : await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await updatePerson(trx, id, patch, this.now());
      if (passwordHash !== null) await setPasswordHash(trx, id, passwordHash, true, this.now());
    });
    await this.directory.reload();
    return this.getPerson(null, id);
  }

  /**
   * Replaces a person's member names.
   * @throws AppError not_found, invalid_request (bad name), conflict (a name is another person's)
   */
  async setMemberNames(id: string, names: readonly string[]): Promise<string[]> {
    if ((await getPerson(this.db, id)) === null) {
      throw new AppError('not_found', `no person ${id}`, 'id');
    }
    await this.checkMemberNames(id, names);
    await this.db.transaction().execute((trx) => replaceMemberNames(trx, id, names));
    await this.directory.reload();
    return memberNamesOf(this.db, id);
  }

  // --- teams, sites, seats --------------------------------------------------------------------

  /**
   * Creates (`create`) or changes a team.
   * @throws AppError conflict (exists on create), not_found (missing on change), invalid_request
   *   (unknown site, lead not a team lead)
   */
  async saveTeam(team: Team, create: boolean): Promise<Team> {
    const existing = await getTeam(this.db, team.id);
    if (create && existing !== null) {
      throw new AppError('conflict', `team ${team.id} already exists`, 'id');
    }
    if (!create && existing === null) throw new AppError('not_found', `no team ${team.id}`, 'id');
    await this.checkReferences({ siteId: team.siteId, teamId: null });
    if (team.leadId !== null) await this.checkLead(team.leadId);
    await upsertTeams(this.db, [team]);
    await this.directory.reload();
    return team;
  }

  /** The team as stored, or throws not_found. */
  async team(id: string): Promise<Team> {
    const team = await getTeam(this.db, id);
    if (team === null) throw new AppError('not_found', `no team ${id}`, 'id');
    return team;
  }

  /**
   * Creates or changes a site.
   * @throws AppError conflict / not_found, invalid_request (unknown time zone)
   */
  async saveSite(site: Site, create: boolean): Promise<Site> {
    const exists = (await listSites(this.db)).some((s) => s.id === site.id);
    if (create && exists) throw new AppError('conflict', `site ${site.id} already exists`, 'id');
    if (!create && !exists) throw new AppError('not_found', `no site ${site.id}`, 'id');
    if (site.timeZone !== null) {
      try {
        assertTimeZone(site.timeZone);
      } catch (error) {
        throw new AppError('invalid_request', (error as Error).message, 'timeZone');
      }
    }
    await upsertSites(this.db, [site]);
    return site;
  }

  /**
   * Creates or changes a seat.
   * @throws AppError conflict / not_found, invalid_request (unknown site or person)
   */
  async saveSeat(seat: Seat, create: boolean): Promise<Seat> {
    const existing = await getSeat(this.db, seat.id);
    if (create && existing !== null) {
      throw new AppError('conflict', `seat ${seat.id} already exists`, 'id');
    }
    if (!create && existing === null) throw new AppError('not_found', `no seat ${seat.id}`, 'id');
    await this.checkReferences({ siteId: seat.siteId, teamId: null });
    if (seat.userId !== null && (await getPerson(this.db, seat.userId)) === null) {
      throw new AppError('invalid_request', `unknown person ${seat.userId}`, 'userId');
    }
    await upsertSeats(this.db, [seat]);
    return seat;
  }

  /** The seat as stored, or throws not_found. */
  async seat(id: string): Promise<Seat> {
    const seat = await getSeat(this.db, id);
    if (seat === null) throw new AppError('not_found', `no seat ${id}`, 'id');
    return seat;
  }

  // --- imports --------------------------------------------------------------------------------

  /**
   * Imports a CSV (docs/people.md): checks every row, then writes all of them in one transaction.
   * People are never given passwords by an import: new people cannot sign in until an admin sets
   * one. Sites named by teams or seats that are not in the register are created (name = id).
   * @throws ImportRejectedError with every problem (nothing written)
   */
  async importCsv(actor: Principal | null, kind: ImportKind, text: string): Promise<ImportResult> {
    const parsed = parseImport(kind, text);
    if (parsed.problems.length > 0) throw new ImportRejectedError(parsed.problems);
    const problems: ImportProblem[] = [];
    const people = await listPeople(this.db);
    const personById = new Map(people.map((p) => [p.id, p]));
    const teams = new Set((await listTeams(this.db)).map((t) => t.id));
    const nowMs = this.now();
    let created: number;
    let updated: number;
    let sitesCreated = 0;
    const knownSites = new Set((await listSites(this.db)).map((s) => s.id));
    const newSites = (ids: (string | null)[]): Site[] =>
      [...new Set(ids.filter((s): s is string => s !== null && !knownSites.has(s)))].map((id) => ({
        id,
        name: id,
        timeZone: null,
      }));

    if (kind === 'people') {
      const rows = parsed.rows as PersonRow[];
      const inFile = new Set(rows.map((r) => r.id));
      const mappings = await listMemberNames(this.db);
      const owner = new Map(mappings.map((m) => [m.memberName, m.userId]));
      for (const row of rows) {
        const adminGrant = row.role === 'admin' || personById.get(row.id)?.role === 'admin';
        if (adminGrant && actor !== null && actor.role !== 'admin') {
          problems.push({
            line: row.line,
            field: 'role',
            reason: 'only an admin may import admins',
          });
        }
        if (row.teamId !== null && !teams.has(row.teamId)) {
          problems.push({ line: row.line, field: 'team', reason: `unknown team ${row.teamId}` });
        }
        for (const m of row.memberNames) {
          const current = owner.get(m);
          if (current !== undefined && current !== row.id && !inFile.has(current)) {
            problems.push({
              line: row.line,
              field: 'member_names',
              reason: `"${m}" is already ${current}'s member name`,
            });
          }
        }
      }
      if (problems.length > 0) throw new ImportRejectedError(sortProblems(problems));
      created = rows.filter((r) => !personById.has(r.id)).length;
      updated = rows.length - created;
      await this.db.transaction().execute(async (trx) => {
        await upsertPeople(
          trx,
          rows.map((r) => ({
            id: r.id,
            name: r.name,
            role: r.role,
            teamId: r.teamId,
            email: r.email,
            phone: r.phone,
          })),
          nowMs,
        );
        // Take the names off first, so a name moving between two people of the file never clashes.
        for (const r of rows) await replaceMemberNames(trx, r.id, []);
        for (const r of rows) await replaceMemberNames(trx, r.id, r.memberNames);
      });
    } else if (kind === 'teams') {
      const rows = parsed.rows as TeamRow[];
      for (const row of rows) {
        if (row.leadId !== null) {
          const lead = personById.get(row.leadId);
          if (lead === undefined) {
            problems.push({
              line: row.line,
              field: 'lead',
              reason: `unknown person ${row.leadId} (import people first)`,
            });
          } else if (lead.role !== 'team_lead') {
            problems.push({
              line: row.line,
              field: 'lead',
              reason: `${row.leadId} is ${lead.role}, not team_lead`,
            });
          }
        }
      }
      if (problems.length > 0) throw new ImportRejectedError(sortProblems(problems));
      created = rows.filter((r) => !teams.has(r.id)).length;
      updated = rows.length - created;
      const sites = newSites(rows.map((r) => r.siteId));
      sitesCreated = sites.length;
      await this.db.transaction().execute(async (trx) => {
        await insertMissingSites(trx, sites);
        await upsertTeams(
          trx,
          rows.map((r) => ({ id: r.id, name: r.name, siteId: r.siteId, leadId: r.leadId })),
        );
      });
    } else {
      const rows = parsed.rows as SeatRow[];
      for (const row of rows) {
        if (row.userId !== null && !personById.has(row.userId)) {
          problems.push({ line: row.line, field: 'user', reason: `unknown person ${row.userId}` });
        }
      }
      if (problems.length > 0) throw new ImportRejectedError(sortProblems(problems));
      const seats = new Set((await listSeats(this.db)).map((s) => s.id));
      created = rows.filter((r) => !seats.has(r.id)).length;
      updated = rows.length - created;
      const sites = newSites(rows.map((r) => r.siteId));
      sitesCreated = sites.length;
      await this.db.transaction().execute(async (trx) => {
        await insertMissingSites(trx, sites);
        await upsertSeats(
          trx,
          rows.map((r) => ({
            id: r.id,
            siteId: r.siteId,
            label: r.label,
            ipAddress: r.ipAddress,
            equipment: r.equipment,
            userId: r.userId,
            notes: null,
          })),
        );
      });
    }
    await this.directory.reload();
    return { kind, created, updated, sitesCreated };
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Whether the principal may see a person (team leads also see themselves). */
  private visible(actor: Principal | null, person: Person): boolean {
    if (actor === null) return true;
    if (person.id === actor.userId) return true;
    return inScope(agentScope(actor), { id: person.id, teamId: person.teamId });
  }

  private checkAdminGrant(actor: Principal | null, role: HumanRole): void {
    if (role === 'admin' && actor !== null && actor.role !== 'admin') {
      throw new AppError('forbidden', 'only an admin may create or change an admin', 'role');
    }
    if (actor !== null && !can(actor, 'people.manage')) {
      throw new AppError('forbidden', 'people.manage is needed');
    }
  }

  private async checkReferences(refs: {
    teamId: string | null;
    siteId: string | null;
  }): Promise<void> {
    if (refs.teamId !== null && (await getTeam(this.db, refs.teamId)) === null) {
      throw new AppError('invalid_request', `unknown team ${refs.teamId}`, 'teamId');
    }
    if (refs.siteId !== null && !(await listSites(this.db)).some((s) => s.id === refs.siteId)) {
      throw new AppError('invalid_request', `unknown site ${refs.siteId}`, 'siteId');
    }
  }

  private async checkLead(leadId: string): Promise<void> {
    const lead = await getPerson(this.db, leadId);
    if (lead === null) throw new AppError('invalid_request', `unknown person ${leadId}`, 'leadId');
    if (lead.role !== 'team_lead') {
      throw new AppError('invalid_request', `${leadId} is ${lead.role}, not team_lead`, 'leadId');
    }
  }

  private async checkMemberNames(userId: string, names: readonly string[]): Promise<void> {
    const owner = new Map((await listMemberNames(this.db)).map((m) => [m.memberName, m.userId]));
    const seen = new Set<string>();
    for (const [i, name] of names.entries()) {
      const problem = memberNameProblem(name);
      if (problem !== null) throw new AppError('invalid_request', problem, `memberNames[${i}]`);
      if (seen.has(name)) {
        throw new AppError('invalid_request', `"${name}" is listed twice`, `memberNames[${i}]`);
      }
      seen.add(name);
      const current = owner.get(name);
      if (current !== undefined && current !== userId) {
        throw new AppError(
          'conflict',
          `"${name}" is already ${current}'s member name`,
          `memberNames[${i}]`,
        );
      }
    }
  }

  private async memberNameIndex(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    for (const m of await listMemberNames(this.db)) {
      const list = index.get(m.userId) ?? [];
      list.push(m.memberName);
      index.set(m.userId, list);
    }
    return index;
  }
}

/**
 * Hashes a password with argon2id (src/server/auth/secrets.ts) after checking its length.
 * @throws AppError invalid_request when shorter than {@link MIN_PASSWORD_LENGTH}
 */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      'invalid_request',
      `a password needs at least ${MIN_PASSWORD_LENGTH} characters`,
      'password',
    );
  }
  return argon2Hash(password);
}
