/**
 * The `callfloor` command line: one sub-command per job, each in its own module with a
 * `registerXCommand(program, ctx)` function. Exit status: 0 ok, 1 unreadable input, 2 usage error.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { InputError, UsageError, type CliContext } from './context.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * The sub-commands, loaded on demand: the server and QA modules take most of a second to load,
 * which `callfloor stats` should not pay (it is benchmarked against awk).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  stats: async () => (await import('./stats-command.js')).registerStatsCommand,
  import: async () => (await import('./import-command.js')).registerImportCommand,
  qa: async () => (await import('./qa-command.js')).registerQaCommand,
  simulate: async () => (await import('./simulate-command.js')).registerSimulateCommand,
  user: async () => (await import('./people-command.js')).registerUserCommand,
  people: async () => (await import('./people-command.js')).registerPeopleCommand,
};

/** The package's version, from package.json (two folders up from src/cli or dist/cli). */
function packageVersion(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

/** A commander error message on one line, without its "error: " prefix. */
function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
}

/** Standard streams of the process, for {@link main}. */
export type CliStreams = Pick<CliContext, 'stdin' | 'stdout' | 'stderr' | 'stderrIsTTY'>;

/**
 * Runs the CLI.
 * @param argv process.argv (node, script, args…)
 * @param streams where to read and write (the process's own by default; tests pass their own)
 * @returns the exit status
 */
export async function main(
  argv: readonly string[],
  streams: CliStreams = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
  },
): Promise<number> {
  let status = 0;
  const ctx: CliContext = {
    ...streams,
    setExitCode: (code) => {
      status = code;
    },
  };
  const program = new Command('callfloor')
    .description('Call-centre floor management: queue statistics, live floor, call QA.')
    .version(packageVersion(), '-V, --version', 'print the callfloor version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // One line, as the CLI's own errors: "callfloor: unknown option '--jsn' (Did you mean
      // --json?) (see --help)".
      outputError: (text, write) => write(`callfloor: ${oneLine(text)} (see --help)\n`),
    });

  // Only the named sub-command is loaded; --help, `help` or a typo load them all.
  const name = argv[2];
  const wanted = name !== undefined && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const command of wanted) (await COMMANDS[command]!())(program, ctx);

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; other parse errors are usage errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      ctx.stderr.write(`callfloor: ${error.message}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      ctx.stderr.write(`callfloor: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  return status;
}
