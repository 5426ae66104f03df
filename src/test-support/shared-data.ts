/**
 * Access to `../shared/data` (real public call-centre files that are never copied into the project).
 *
 * Tests that read them run whenever the folder exists. Where it does not, they are skipped with a
 * clear message — except under CI (`CI=true`), where a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of the shared folder (`../shared` from the project root). */
export const SHARED_DIR = resolve(here, '..', '..', '..', 'shared');

/** Whether `../shared/data` is present. Throws under CI when it is not. */
export function sharedDataAvailable(): boolean {
  const present = existsSync(join(SHARED_DIR, 'data'));
  if (!present && process.env.CI === 'true') {
    throw new Error(
      `CI: ${join(SHARED_DIR, 'data')} is missing; tests on real data cannot be skipped in CI`,
    );
  }
  if (!present) {
    console.warn(`SKIPPED: tests on real data need ${join(SHARED_DIR, 'data')}, which is not here`);
  }
  return present;
}

/** Path of a file under `../shared/data`. */
export function sharedDataPath(...parts: string[]): string {
  return join(SHARED_DIR, 'data', ...parts);
}
