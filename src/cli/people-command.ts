/**
 * `callfloor user add|password` and `callfloor people import`: the people register from the
 * command line (docs/people.md), on the database `serve` uses (`--db` / `CALLFLOOR_DB`, or
 * `DATABASE_URL` for PostgreSQL). Passwords are read from stdin (`--password-stdin`) or a hidden
 * prompt, never from the command line, and stored as argon2id hashes. The CLI acts as the
 * machine's operator: every right (it can create the first admin).
 *
 * Exit status: 0 done; 1 refused input (bad CSV rows, unknown team, existing id…), nothing written;
 * 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { HUMAN_ROLES, type HumanRole } from '../core/people/access.js';
import { isPostgresUrl, openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { AppError } from '../server/errors.js';
import { PeopleDirectory } from '../server/people/directory.js';
import { IMPORT_KINDS, type ImportKind } from '../server/people/people-import.js';
import { ImportRejectedError, PeopleService } from '../server/people/people-service.js';
import { InputError, UsageError, type CliContext } from './context.js';

interface DbOptions {
  db?: string;
}

interface UserAddOptions extends DbOptions {
  name: string;
  role: string;
  team?: string;
  email?: string;
  memberName?: string[];
  passwordStdin?: boolean;
  password: boolean;
}

interface PasswordOptions extends DbOptions {
  passwordStdin?: boolean;
}

interface ImportOptions extends DbOptions {
  kind?: string;
}

const DB_HELP =
  'SQLite file (default $CALLFLOOR_DB or ./data/callfloor.db); DATABASE_URL selects PostgreSQL';

/** Opens and migrates the database of the options and environment. */
async function openDb(options: DbOptions, env: NodeJS.ProcessEnv): Promise<DatabaseHandle> {
  const url = env.DATABASE_URL ?? null;
  const database = await openDatabase({
    path: options.db ?? env.CALLFLOOR_DB ?? './data/callfloor.db',
    url: isPostgresUrl(url) ? url : null,
  });
  await migrateToLatest(database.db, database.schema);
  return database;
}

/** Runs `body` with a people service on the database, then closes it. AppErrors → InputError. */
async function withService<T>(
  options: DbOptions,
  env: NodeJS.ProcessEnv,
  body: (service: PeopleService) => Promise<T>,
): Promise<T> {
  const database = await openDb(options, env);
  try {
    const directory = await PeopleDirectory.load(database.db);
    return await body(new PeopleService(database.db, directory));
  } catch (error) {
    if (error instanceof AppError) {
      throw new InputError(`${error.field !== null ? `${error.field}: ` : ''}${error.message}`);
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** Reads the first line of stdin (`--password-stdin`). */
async function readStdinLine(ctx: CliContext): Promise<string> {
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
  } finally {
    rl.close();
  }
  throw new UsageError('--password-stdin: stdin is empty');
}

/** Asks a question on the terminal without echoing the answer. */
async function promptHidden(question: string, ctx: CliContext): Promise<string> {
  const input = ctx.stdin as NodeJS.ReadStream;
  if (input.isTTY !== true) {
    throw new UsageError('no terminal to ask the password on: use --password-stdin');
  }
  ctx.stderr.write(question);
  const muted = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    ctx.stderr.write('\n');
  }
}

/** The password: from stdin, or asked twice on the terminal. */
async function readPassword(passwordStdin: boolean, ctx: CliContext): Promise<string> {
  if (passwordStdin) return readStdinLine(ctx);
  const first = await promptHidden('Password: ', ctx);
  const second = await promptHidden('Repeat password: ', ctx);
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

/** Registers `user` (add, password) on the program. */
export function registerUserCommand(
  program: Command,
  ctx: CliContext,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const user = program.command('user').description('Add people and set passwords');
  user
    .command('add')
    .description('Add a person to the register (e.g. the first admin)')
    .argument('<id>', 'person id (the agent id on the floor and in reports)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `role: ${HUMAN_ROLES.join(', ')}`)
    .option('--team <team>', 'team id (agents)')
    .option('--email <email>', 'email address')
    .option(
      '--member-name <name...>',
      'telephony member names of the person (e.g. PJSIP/1001 Local/1001@from-queue)',
    )
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--no-password', 'no password: the person cannot sign in until one is set')
    .option('--db <path>', DB_HELP)
    .addHelpText(
      'after',
      '\nThe password is asked on the terminal (hidden) unless --password-stdin or --no-password;' +
        ' it is never given on the command line.\n\nExample:\n' +
        '  $ callfloor user add admin --name "Ada Admin" --role admin',
    )
    .action(async (id: string, options: UserAddOptions) => {
      if (!(HUMAN_ROLES as readonly string[]).includes(options.role)) {
        throw new UsageError(`--role: unknown role "${options.role}" (${HUMAN_ROLES.join(', ')})`);
      }
      const password = options.password
        ? await readPassword(options.passwordStdin === true, ctx)
        : undefined;
      const person = await withService(options, env, (service) =>
        service.createPerson(null, {
          id,
          name: options.name,
          role: options.role as HumanRole,
          teamId: options.team ?? null,
          email: options.email ?? null,
          memberNames: options.memberName ?? [],
          ...(password !== undefined ? { password, mustChangePassword: false } : {}),
        }),
      );
      ctx.stdout.write(
        `added ${person.id} (${person.name}, ${person.role})` +
          (person.hasPassword ? '' : '; no password: cannot sign in until one is set') +
          '\n',
      );
    });

  user
    .command('password')
    .description('Set a person’s password (they must change it at the next sign-in)')
    .argument('<id>', 'person id')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--db <path>', DB_HELP)
    .action(async (id: string, options: PasswordOptions) => {
      const password = await readPassword(options.passwordStdin === true, ctx);
      await withService(options, env, (service) => service.updatePerson(null, id, { password }));
      ctx.stdout.write(`password of ${id} set (to be changed at the next sign-in)\n`);
    });
}

/** The import kind of a file: `--kind`, else the file name (`teams.csv` → teams). */
function kindOf(file: string, kind: string | undefined): ImportKind {
  const value = kind ?? IMPORT_KINDS.find((k) => basename(file).toLowerCase().startsWith(k));
  if (value === undefined) {
    throw new UsageError(`--kind is needed (${IMPORT_KINDS.join(', ')}) for ${file}`);
  }
  if (!(IMPORT_KINDS as readonly string[]).includes(value)) {
    throw new UsageError(`--kind: unknown kind "${value}" (${IMPORT_KINDS.join(', ')})`);
  }
  return value as ImportKind;
}

/** Registers `people` (import) on the program. */
export function registerPeopleCommand(
  program: Command,
  ctx: CliContext,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const people = program.command('people').description('The people register (CSV imports)');
  people
    .command('import')
    .description('Import people, teams or seats from CSV: every row or none (docs/people.md)')
    .argument('<file>', 'CSV file (- for stdin)')
    .option('--kind <kind>', `${IMPORT_KINDS.join(', ')} (default: from the file name)`)
    .option('--db <path>', DB_HELP)
    .addHelpText(
      'after',
      '\nColumns:\n' +
        '  people: id,name,role,team,email,phone,member_names   (member names separated by |)\n' +
        '  teams:  id,name,site,lead\n' +
        '  seats:  id,label,site,ip_address,equipment,user      (equipment separated by |)\n' +
        '\nExample:\n  $ callfloor people import teams.csv && callfloor people import people.csv',
    )
    .action(async (file: string, options: ImportOptions) => {
      const kind = kindOf(file, options.kind);
      let text: string;
      try {
        text = file === '-' ? await readAll(ctx.stdin) : await readFile(file, 'utf8');
      } catch (error) {
        throw new InputError(`${file}: ${(error as Error).message}`);
      }
      try {
        const result = await withService(options, env, (service) =>
          service.importCsv(null, kind, text),
        );
        ctx.stdout.write(
          `imported ${kind} from ${file}: ${result.created} created, ${result.updated} updated` +
            (result.sitesCreated > 0 ? `, ${result.sitesCreated} site(s) created` : '') +
            '\n',
        );
      } catch (error) {
        if (!(error instanceof ImportRejectedError)) throw error;
        for (const p of error.problems) {
          ctx.stderr.write(`${file}:${p.line}: ${p.field}: ${p.reason}\n`);
        }
        throw new InputError(`${file}: ${error.message}`);
      }
    });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) {
    parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}
