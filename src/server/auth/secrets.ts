/**
 * Secrets and passwords: random tokens, their SHA-256 (what the database stores for sessions and
 * API tokens), and password hashing with argon2id (`@node-rs/argon2`, OWASP's first choice for
 * password storage; its defaults: m = 19 MiB, t = 2, p = 1).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A random secret: `bytes` random bytes, base64url (32 bytes → 43 characters), with a prefix. */
export function randomSecret(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a secret, hex: secrets are high-entropy, so a fast hash is right for lookups. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time string comparison (lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Minimum password length (NIST SP 800-63B: at least 8). */
export const MIN_PASSWORD_LENGTH = 8;

/** Hashes a password (argon2id PHC string). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of a random password, verified against when the user does not exist (same timing). */
let dummyHash: Promise<string> | null = null;

/**
 * Verifies a password; with `stored` null (unknown user or no password) it still spends the
 * time of one verification and answers false, so timing does not reveal which ids exist.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummyHash ??= hash(randomSecret());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
