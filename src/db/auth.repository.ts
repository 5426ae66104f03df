/**
 * Sign-in storage: sessions (by the SHA-256 of the cookie value), the user fields sign-in needs,
 * failed-attempt counting, the confidentiality text versions and acceptances, and small secrets in
 * `meta`. Kysely only; SQLite and PostgreSQL. Instants in epoch ms.
 */
import type { Insertable, Selectable } from 'kysely';
import type { AppUserTable, AuthSessionTable, ConfidentialityTextTable, Db } from './database.js';

/** A user row as sign-in sees it (with the password hash: never send it out). */
export type AuthUserRow = Selectable<AppUserTable>;

/** The user with this id, or undefined. */
export async function findUserForAuth(db: Db, id: string): Promise<AuthUserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ids of the teams a person leads (team leads' scope). */
export async function teamsLedBy(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('team').select('id').where('lead_id', '=', userId).execute();
  return rows.map((r) => r.id).sort();
}

/** Number of active admin users (first start: zero means the first visit creates one). */
export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a user (the first admin, the CLI, the people register). */
export async function insertUser(db: Db, user: Insertable<AppUserTable>): Promise<void> {
  await db.insertInto('app_user').values(user).execute();
}

/**
 * Records a failed sign-in: increments `failed_attempts` and, at `maxAttempts`, locks the account
 * until `lockUntil`. Returns the new count.
 */
export async function recordFailedSignIn(
  db: Db,
  userId: string,
  maxAttempts: number,
  lockUntil: number,
): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select('failed_attempts')
    .where('id', '=', userId)
    .executeTakeFirst();
  const attempts = (row?.failed_attempts ?? 0) + 1;
  await db
    .updateTable('app_user')
    .set(
      attempts >= maxAttempts
        ? { failed_attempts: 0, locked_until: lockUntil }
        : { failed_attempts: attempts },
    )
    .where('id', '=', userId)
    .execute();
  return attempts;
}

/** Resets the failed-attempt count and the lock after a successful sign-in. */
export async function resetFailedSignIns(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .execute();
}

/** Sets a new password hash (and whether it must be changed at the next sign-in). */
export async function setPasswordHash(
  db: Db,
  userId: string,
  hash: string,
  mustChange: boolean,
  now: number,
): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ password_hash: hash, must_change_password: mustChange ? 1 : 0, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** Stores a new session. */
export async function insertSession(db: Db, session: Insertable<AuthSessionTable>): Promise<void> {
  await db.insertInto('auth_session').values(session).execute();
}

/** The unexpired session with this id hash, or undefined. */
export async function findSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<Selectable<AuthSessionTable> | undefined> {
  return db
    .selectFrom('auth_session')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Slides a session's expiry. */
export async function touchSession(
  db: Db,
  idHash: string,
  now: number,
  expiresAt: number,
): Promise<void> {
  await db
    .updateTable('auth_session')
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Deletes a session (sign-out). */
export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('auth_session').where('id_hash', '=', idHash).execute();
}

/** Deletes every session of a user except `keepIdHash` (password change signs out elsewhere). */
export async function deleteUserSessions(
  db: Db,
  userId: string,
  keepIdHash: string | null,
): Promise<void> {
  let query = db.deleteFrom('auth_session').where('user_id', '=', userId);
  if (keepIdHash !== null) query = query.where('id_hash', '!=', keepIdHash);
  await query.execute();
}

/** Deletes expired sessions; returns how many. */
export async function purgeExpiredSessions(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('auth_session').where('expires_at', '<=', now).execute();
  return Number(result[0]?.numDeletedRows ?? 0);
}

/** A confidentiality text version. */
export type ConfidentialityText = Selectable<ConfidentialityTextTable>;

/** The current (latest) confidentiality text, or undefined when none was ever stored. */
export async function latestConfidentialityText(db: Db): Promise<ConfidentialityText | undefined> {
  const row = await db
    .selectFrom('confidentiality_text')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { ...row, version: Number(row.version) };
}

/** Stores a new version of the confidentiality text; returns its version number. */
export async function insertConfidentialityText(
  db: Db,
  text: Omit<Insertable<ConfidentialityTextTable>, 'version'>,
): Promise<number> {
  const row = await db
    .insertInto('confidentiality_text')
    .values(text)
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Whether the person accepted this version. */
export async function hasAcceptedConfidentiality(
  db: Db,
  userId: string,
  version: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('confidentiality_acceptance')
    .select('accepted_at')
    .where('user_id', '=', userId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records an acceptance (idempotent: a repeated acceptance keeps the first). */
export async function acceptConfidentiality(
  db: Db,
  acceptance: { userId: string; version: number; at: number; language: string; ip: string | null },
): Promise<void> {
  if (await hasAcceptedConfidentiality(db, acceptance.userId, acceptance.version)) return;
  await db
    .insertInto('confidentiality_acceptance')
    .values({
      user_id: acceptance.userId,
      version: acceptance.version,
      accepted_at: acceptance.at,
      language: acceptance.language,
      ip: acceptance.ip,
    })
    .execute();
}

/** A value from `meta`, created with `create()` the first time (e.g. the cookie-signing secret). */
export async function metaValueOrCreate(
  db: Db,
  key: string,
  create: () => string,
): Promise<string> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  if (row !== undefined) return row.value;
  const value = create();
  await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return stored.value;
}
