#!/usr/bin/env node
// Entry point of the `callfloor` command: runs the compiled CLI (npm run build).
import { main } from '../dist/cli/main.js';

// A reader that closes the pipe early (`callfloor stats … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
