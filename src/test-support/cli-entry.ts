/**
 * Runs the CLI from the TypeScript sources (for tests that spawn the real process without a
 * build): `node --import tsx src/test-support/cli-entry.ts serve …`.
 */
import { main } from '../cli/main.js';

process.exitCode = await main(process.argv);
