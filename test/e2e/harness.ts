/**
 * E2E harness: builds what `callfloor serve` needs when stale, runs the REAL server as a child
 * process on a temp SQLite database following a temp queue_log, and launches Debian's Chromium
 * through playwright-core. Only loopback addresses; every wait is bounded.
 *
 * Sign-in (issue #4): every page needs a session. `addPerson` and `addToken` write a person or a
 * token into the server's database with the project's own test helpers (src/test-support/auth.ts:
 * argon2 hashes, the real tables), and `signIn` signs a browser context in through the real
 * `POST /api/auth/login`, so the context's cookie jar holds the HTTP-only session cookie.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { openDatabase } from '../../src/db/database.js';
import { createTestUser, tokenHeaders, type TestUser } from '../../src/test-support/auth.js';
import type { Role } from '../../src/core/people/access.js';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the e2e run saves its screenshots (gitignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The screen sizes every page is checked and photographed at: a desktop and a phone. */
export const VIEWPORTS = [
  { tag: 'desktop', width: 1440, height: 900 },
  { tag: 'phone', width: 390, height: 844 },
] as const;
/** Chromium flags of the common brief. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Newest modification time (ms) of the files under `dir` accepted by `keep`; 0 when none. */
function newestMtime(dir: string, keep: (path: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, keep));
    else if (keep(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtimeOf(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Sleeps synchronously (the build below is synchronous too). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds `dist/` (tsc) and `dist/web` (vite) when their outputs are older than their sources.
 * The e2e files run in parallel: a lock directory (`dist/.e2e-build.lock`, created atomically)
 * lets one of them build while the others wait and then find the build fresh. A lock older than
 * 10 minutes is taken as left by a killed run and removed.
 * @returns which parts were rebuilt
 * @throws when a build fails (the compiler output is in the error), or after 10 minutes waiting
 */
export function ensureBuilt(): { server: boolean; web: boolean } {
  const lock = join(ROOT, 'dist', '.e2e-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - mtimeOf(lock) > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new Error(`e2e build lock ${lock} held for 10 minutes`, { cause: error });
      }
      sleepSync(200);
    }
  }
  try {
    return buildIfStale();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildIfStale(): { server: boolean; web: boolean } {
  const isSource = (p: string): boolean => /\.tsx?$/.test(p) && !p.endsWith('.test.ts');
  const serverStale =
    mtimeOf(join(ROOT, 'dist/cli/main.js')) < newestMtime(join(ROOT, 'src'), isSource) ||
    !existsSync(join(ROOT, 'dist/cli/main.js'));
  if (serverStale) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
  }
  const webOut = join(ROOT, 'dist/web/index.html');
  const webSources = Math.max(
    newestMtime(join(ROOT, 'web/src'), (p) => !p.endsWith('.test.ts')),
    mtimeOf(join(ROOT, 'web/index.html')),
    mtimeOf(join(ROOT, 'web/vite.config.ts')),
  );
  const webStale = mtimeOf(webOut) < webSources;
  if (webStale) {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'web/vite.config.ts',
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }
  return { server: serverStale, web: webStale };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** A running `callfloor serve`. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** stderr/stdout collected so far (for failure messages). */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Spawns `node bin/callfloor.js serve --db DB --queue-log LOG --port PORT` (no `--queue-log` when
 * `queueLog` is null: the demo floor; with `env`, default this process's environment) and waits until `/healthz` answers 200 (at most `timeoutMs`).
 * @throws Error with the server's output when it exits early or never gets healthy
 */
export async function startServer(
  db: string,
  queueLog: string | null,
  port: number,
  extraArgs: readonly string[] = [],
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const args = [
    join(ROOT, 'bin/callfloor.js'),
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--db',
    db,
    ...(queueLog === null ? [] : ['--queue-log', queueLog]),
    '--log-level',
    'warn',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`callfloor serve exited with ${child.exitCode}:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return { url, child, output: () => out, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`callfloor serve did not get healthy within ${timeoutMs} ms:\n${out}`);
}

/** Launches headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** One queue_log line `epoch|callid|queue|agent|EVENT|data…`. */
export function line(
  epochSeconds: number,
  callId: string,
  queue: string,
  agent: string,
  event: string,
  ...data: string[]
): string {
  return [String(epochSeconds), callId, queue, agent, event, ...data].join('|');
}

/**
 * Adds a person to a running server's SQLite database (its migrations have run). By default the
 * person has accepted the current confidentiality text (`acceptConfidentiality: false` to leave
 * that step to the browser).
 */
export async function addPerson(dbPath: string, user: TestUser): Promise<void> {
  const handle = await openDatabase({ path: dbPath, url: null });
  try {
    await createTestUser(handle.db, user);
  } finally {
    await handle.close();
  }
}

/**
 * Adds an API token with `role` to a running server's SQLite database.
 * @returns the token's secret (what `/wallboard?token=` or `Authorization: Bearer` take)
 */
export async function addToken(dbPath: string, role: Role, name: string): Promise<string> {
  const handle = await openDatabase({ path: dbPath, url: null });
  try {
    const headers = await tokenHeaders(handle.db, role, name);
    return (headers.authorization ?? '').replace(/^Bearer /, '');
  } finally {
    await handle.close();
  }
}

/**
 * Signs a browser context in through `POST /api/auth/login` (the context's request API shares its
 * cookie jar, so the HTTP-only session cookie lands where the pages need it).
 * @throws Error with the answer when the sign-in fails
 */
export async function signIn(
  context: BrowserContext,
  baseUrl: string,
  id: string,
  password: string,
): Promise<void> {
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: { id, password } });
  if (!res.ok()) throw new Error(`sign-in of ${id} failed: ${res.status()} ${await res.text()}`);
}
