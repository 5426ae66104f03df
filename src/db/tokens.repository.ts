/**
 * API and wallboard tokens: only the SHA-256 of each secret is stored. Instants in epoch ms.
 */
import type { Selectable } from 'kysely';
import type { ApiTokenTable, Db } from './database.js';

/** A token row. */
export type ApiTokenRow = Selectable<ApiTokenTable>;

/** The token with this secret hash if it is neither revoked nor expired at `now`. */
export async function findActiveTokenByHash(
  db: Db,
  tokenHash: string,
  now: number,
): Promise<ApiTokenRow | undefined> {
  const row = await db
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined && (row.expires_at === null || row.expires_at > now) ? row : undefined;
}

/** The token with this id if it is neither revoked nor expired at `now` (wallboard sessions). */
export async function findActiveTokenById(
  db: Db,
  id: string,
  now: number,
): Promise<ApiTokenRow | undefined> {
  const row = await db
    .selectFrom('api_token')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined && (row.expires_at === null || row.expires_at > now) ? row : undefined;
}
