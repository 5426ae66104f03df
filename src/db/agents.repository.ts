/**
 * Who an agent on the floor is in the people register, for scope checks of supervisor actions:
 * the floor's agent id is a person id (alias map) or a member name (`member_name` table). Kysely
 * only; SQLite and PostgreSQL.
 */
import type { Db } from './database.js';

/** A floor agent's person: id and team (null when in no team). */
export interface AgentPerson {
  readonly userId: string;
  readonly teamId: string | null;
}

/**
 * The person behind a floor agent: the user whose id is `agentId`, else the user of the first of
 * `memberNames` registered in `member_name`; `null` when neither is registered.
 * @param agentId the floor's agent id
 * @param memberNames the member names the floor saw for it
 */
export async function agentPerson(
  db: Db,
  agentId: string,
  memberNames: readonly string[],
): Promise<AgentPerson | null> {
  const byId = await db
    .selectFrom('app_user')
    .select(['id', 'team_id'])
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (byId !== undefined) return { userId: byId.id, teamId: byId.team_id };
  const names = [agentId, ...memberNames];
  const byName = await db
    .selectFrom('member_name')
    .innerJoin('app_user', 'app_user.id', 'member_name.user_id')
    .select(['member_name.member_name', 'app_user.id', 'app_user.team_id'])
    .where('member_name.member_name', 'in', names)
    .execute();
  for (const name of names) {
    const row = byName.find((r) => r.member_name === name);
    if (row !== undefined) return { userId: row.id, teamId: row.team_id };
  }
  return null;
}

/** A person's own phone channel or extension (`app_user.phone`), or null. */
export async function userPhone(db: Db, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('app_user')
    .select('phone')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.phone ?? null;
}
