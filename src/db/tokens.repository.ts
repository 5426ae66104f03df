/**
 * API and wallboard tokens (issue #4): stored by the SHA-256 of their secret (`token_hash`), never
 * the secret itself. Revoking keeps the row (its id stays in the audit log's `actor_id`).
 * Kysely only: no business rules here. Instants in epoch ms.
 */
import type { Selectable } from 'kysely';
import type { ApiTokenTable, Db } from './database.js';

/** A stored token as read back. */
export type ApiTokenRecord = Selectable<ApiTokenTable>;
/** A token row (the auth plugin's name for `ApiTokenRecord`). */
export type ApiTokenRow = ApiTokenRecord;

function toRecord(row: ApiTokenRecord): ApiTokenRecord {
  const num = (v: number | null): number | null => (v === null ? null : Number(v));
  return {
    ...row,
    created_at: Number(row.created_at),
    last_used_at: num(row.last_used_at),
    expires_at: num(row.expires_at),
    revoked_at: num(row.revoked_at),
  };
}

/**
 * Stores a new token.
 * @throws the database error on a duplicate id or hash
 */
export async function insertApiToken(db: Db, token: ApiTokenTable): Promise<void> {
  await db.insertInto('api_token').values(token).execute();
}

/** Every token (revoked and expired ones too), newest first. */
export async function listApiTokens(db: Db): Promise<ApiTokenRecord[]> {
  const rows = await db
    .selectFrom('api_token')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** One token by id, or null. */
export async function findApiToken(db: Db, id: string): Promise<ApiTokenRecord | null> {
  const row = await db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

/**
 * The token whose secret hashes to `hash` (SHA-256 hex), if it is usable at `now` (epoch ms): not
 * revoked and not expired (`expires_at` null or later than `now`); undefined otherwise.
 */
export async function findActiveTokenByHash(
  db: Db,
  hash: string,
  now: number,
): Promise<ApiTokenRecord | undefined> {
  const row = await db
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** The token with this id if it is neither revoked nor expired at `now` (wallboard sessions). */
export async function findActiveTokenById(
  db: Db,
  id: string,
  now: number,
): Promise<ApiTokenRecord | undefined> {
  const row = await db
    .selectFrom('api_token')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/**
 * Revokes a token at `now` (epoch ms). Returns false when there is no such token or it was
 * already revoked (the first revocation time is kept).
 */
export async function revokeApiToken(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records that a token was used at `now` (epoch ms). */
export async function touchApiToken(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', id).execute();
}
