/**
 * Sign-in helpers for tests: real users and tokens in the test database, real sign-in through the
 * API (cookie + CSRF token), no shortcuts around the auth plugin.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../core/people/access.js';
import {
  acceptConfidentiality,
  insertUser,
  latestConfidentialityText,
} from '../db/auth.repository.js';
import type { Db } from '../db/database.js';
import { hashPassword, randomSecret, sha256Hex } from '../server/auth/secrets.js';

/** Headers that authenticate a request. */
export type AuthHeaders = Record<string, string>;

/** The password test users get unless told otherwise. */
export const TEST_PASSWORD = 'correct horse battery';

let tokenCounter = 0;

/**
 * Creates an API token with `role` and returns its `Authorization` header.
 * @param db the test database
 */
export async function tokenHeaders(
  db: Db,
  role: Role,
  name = `test ${role}`,
): Promise<AuthHeaders> {
  const secret = randomSecret('cf_');
  await db
    .insertInto('api_token')
    .values({
      id: `tok-${process.pid}-${tokenCounter++}`,
      name,
      role,
      token_hash: sha256Hex(secret),
      created_by: null,
      created_at: Date.now(),
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
    })
    .execute();
  return { authorization: `Bearer ${secret}` };
}

/** Fields of a test person. */
export interface TestUser {
  readonly id: string;
  readonly role: Exclude<Role, 'wallboard' | 'integration'>;
  readonly name?: string;
  readonly teamId?: string | null;
  readonly password?: string;
  readonly mustChangePassword?: boolean;
  /** Accept the current confidentiality text (default true; the server stores one at start). */
  readonly acceptConfidentiality?: boolean;
}

/** Creates a person (argon2-hashed password) and, by default, records their acceptance. */
export async function createTestUser(db: Db, user: TestUser): Promise<void> {
  const now = Date.now();
  await insertUser(db, {
    id: user.id,
    name: user.name ?? user.id,
    role: user.role,
    team_id: user.teamId ?? null,
    site_id: null,
    email: null,
    phone: null,
    language: null,
    password_hash: await hashPassword(user.password ?? TEST_PASSWORD),
    must_change_password: user.mustChangePassword === true ? 1 : 0,
    active: 1,
    failed_attempts: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  });
  if (user.acceptConfidentiality !== false) {
    const text = await latestConfidentialityText(db);
    if (text !== undefined) {
      await acceptConfidentiality(db, {
        userId: user.id,
        version: text.version,
        at: now,
        language: 'en',
        ip: null,
      });
    }
  }
}

/** Cookies of a response as one `cookie` header value (name=value pairs). */
function cookiesOf(setCookie: string | string[] | undefined): string[] {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list.map((c) => c.split(';')[0] ?? '').filter((c) => c !== '');
}

/**
 * Signs in through `POST /api/auth/login` and fetches the CSRF token from `GET /api/auth/me`.
 * @returns headers for later requests: `cookie` (session + CSRF secret) and `x-csrf-token`
 * @throws when sign-in fails
 */
export async function signIn(
  app: FastifyInstance,
  id: string,
  password = TEST_PASSWORD,
): Promise<AuthHeaders> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { id, password },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in of ${id} failed: ${login.body}`);
  const cookies = cookiesOf(login.headers['set-cookie']);
  const me = await app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { cookie: cookies.join('; ') },
  });
  if (me.statusCode !== 200) throw new Error(`GET /api/auth/me failed: ${me.body}`);
  cookies.push(...cookiesOf(me.headers['set-cookie']));
  const csrfToken = me.json<{ csrfToken: string | null }>().csrfToken ?? '';
  return { cookie: cookies.join('; '), 'x-csrf-token': csrfToken };
}
