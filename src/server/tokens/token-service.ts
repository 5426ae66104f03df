/**
 * API and wallboard tokens (issue #4): create (the secret is shown once), list, revoke. The secret
 * is `cf_` + 32 random bytes in base64url; only its SHA-256 (hex, of the whole secret with its
 * prefix) is stored. `Authorization: Bearer <secret>` is resolved by the auth plugin with
 * `hashTokenSecret` and `findActiveTokenByHash` (src/db/tokens.repository.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  ROLES,
  ROLE_PERMISSIONS,
  mayGrantRole as grantable,
  type Principal,
  type Role,
} from '../../core/people/access.js';
import type { Db } from '../../db/database.js';
import {
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  type ApiTokenRecord,
} from '../../db/tokens.repository.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { AppError } from '../errors.js';

/** Prefix of every token secret (lets secret scanners and people recognise them). */
export const TOKEN_PREFIX = 'cf_';

/** A new random token secret: `cf_` + 32 random bytes in base64url (43 characters). */
export function newTokenSecret(): string {
  return randomSecret(TOKEN_PREFIX, 32);
}

/**
 * The stored form of a secret: SHA-256 of its UTF-8 bytes, lowercase hex (64 characters); the
 * auth plugin hashes `Bearer` values the same way (`sha256Hex`).
 */
export function hashTokenSecret(secret: string): string {
  return sha256Hex(secret);
}

/** A token as the API shows it (never the secret nor its hash). Instants epoch ms. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  /** `active`, `expired` or `revoked` at the time of the request. */
  readonly status: 'active' | 'expired' | 'revoked';
}

/** The answer to a creation: the secret is given this once only. */
export interface CreatedToken {
  readonly token: TokenInfo;
  readonly secret: string;
  /** For a `wallboard` token: the path that opens the wallboard (`/wallboard?token=…`), else null. */
  readonly wallboardPath: string | null;
}

/** What to create: a name, the role the token acts with, an optional expiry (epoch ms). */
export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly expiresAt?: number | null | undefined;
}

/** Presents a stored token at `now` (epoch ms). */
export function presentToken(row: ApiTokenRecord, now: number): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    status:
      row.revoked_at !== null
        ? 'revoked'
        : row.expires_at !== null && row.expires_at <= now
          ? 'expired'
          : 'active',
  };
}

/** Whether the creator may grant the role (core `mayGrantRole` with the creator's permissions). */
export function mayGrantRole(creator: Principal, role: Role): boolean {
  return ROLES.includes(role) && grantable(ROLE_PERMISSIONS[creator.role], role);
}

/**
 * Creates a token and returns its secret (once).
 * @throws AppError `invalid_request` (field `expiresAt`) when the expiry is not after `now`;
 *   `forbidden` (field `role`) when the creator may not grant the role (see `mayGrantRole`)
 */
export async function createToken(
  db: Db,
  creator: Principal,
  input: NewToken,
  now: number,
): Promise<CreatedToken> {
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    throw new AppError('invalid_request', 'expiresAt: must be in the future', 'expiresAt');
  }
  if (!mayGrantRole(creator, input.role)) {
    throw new AppError(
      'forbidden',
      `role: the role ${creator.role} may not create a token with the role ${input.role} (it holds permissions ${creator.role} lacks)`,
      'role',
    );
  }
  const secret = newTokenSecret();
  const row: ApiTokenRecord = {
    id: `tok_${randomUUID()}`,
    name: input.name,
    role: input.role,
    token_hash: hashTokenSecret(secret),
    created_by: creator.userId ?? creator.tokenId ?? creator.kind,
    created_at: now,
    last_used_at: null,
    expires_at: expiresAt,
    revoked_at: null,
  };
  await insertApiToken(db, row);
  return {
    token: presentToken(row, now),
    secret,
    wallboardPath:
      input.role === 'wallboard' ? `/wallboard?token=${encodeURIComponent(secret)}` : null,
  };
}

/** Every token, newest first, as the API shows them at `now`. */
export async function listTokens(db: Db, now: number): Promise<TokenInfo[]> {
  return (await listApiTokens(db)).map((row) => presentToken(row, now));
}

/**
 * Revokes a token at `now`.
 * @throws AppError `not_found` (field `id`) when there is no such token or it is already revoked
 */
export async function revokeToken(db: Db, id: string, now: number): Promise<void> {
  if (!(await revokeApiToken(db, id, now))) {
    throw new AppError('not_found', `no active token ${id}`, 'id');
  }
}
