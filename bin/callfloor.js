#!/usr/bin/env node
// Entry point of the `callfloor` command: runs the compiled CLI (npm run build).

// `callfloor stats` reads large inputs on a second thread: started now, it boots while the CLI
// loads (stats is benchmarked against awk, issue #2).
if (process.argv[2] === 'stats') {
  (await import('../dist/io/ordered-line-reader.js')).prestartReader();
}
const { main } = await import('../dist/cli/main.js');

// A reader that closes the pipe early (`callfloor stats … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
