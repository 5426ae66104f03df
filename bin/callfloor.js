#!/usr/bin/env node
// Entry point of the `callfloor` command: runs the compiled CLI (npm run build).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
