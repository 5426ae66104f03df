/**
 * Browser e2e of sign-in (issue #4, X05): the REAL `callfloor serve` on a fresh SQLite database
 * (no admin yet, no admin token) driven through Debian's Chromium.
 *
 * 1. the first visit asks to create the admin; the new admin reads and accepts the
 *    confidentiality text and reaches the floor; the navigation follows the admin's permissions;
 * 2. a person signs in (a wrong password first: one generic message), accepts the confidentiality
 *    text and reaches the floor; the acceptance is recorded; sign-out returns to the sign-in page;
 * 3. a temporary password is changed before anything else; a session ended mid-work returns to
 *    the sign-in page;
 * 4. a wallboard token URL opens the wallboard and nothing else: `/` and `/reports` show no data
 *    and the API answers 403;
 * 5. screenshots of the sign-in, confidentiality and admin pages in en / zh-TW / zh-CN at desktop
 *    and phone sizes in test-results/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../../src/test-support/auth.js';
import {
  addPerson,
  addToken,
  ensureBuilt,
  freePort,
  launchChromium,
  line,
  SCREENSHOT_DIR,
  signIn,
  startServer,
  type ServerProcess,
  VIEWPORTS,
} from './harness.js';

/** DOM globals used inside page functions (they run in Chromium; the root tsconfig has no DOM). */
declare const document: {
  documentElement: { lang: string };
};

const WAIT_MS = 15_000;
const ADMIN = { id: 'site-admin', name: 'Site Admin', password: 'admin-pass-2026' };

let dir = '';
let db = '';
let server: ServerProcess | null = null;
let browser: Browser | null = null;

function base(): string {
  if (!server) throw new Error('server not started');
  return server.url;
}

async function newContext(
  locale: string,
  timezoneId: string,
  width: number,
  height: number,
): Promise<BrowserContext> {
  if (!browser) throw new Error('browser not launched');
  return browser.newContext({
    locale,
    timezoneId,
    viewport: { width, height },
    deviceScaleFactor: 1,
  });
}

/** Collects page errors (uncaught exceptions) for a final `expect([])`. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'callfloor-e2e-auth-'));
  db = join(dir, 'x.db');
  const queueLog = join(dir, 'queue_log');
  const t0 = Math.floor(Date.now() / 1000) - 600;
  writeFileSync(
    queueLog,
    [
      line(t0, 'NONE', 'sales', 'PJSIP/1001', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'sales', 'PJSIP/1002', 'ADDMEMBER', ''),
    ]
      .map((l) => `${l}\n`)
      .join(''),
  );
  const port = await freePort();
  // No CALLFLOOR_ADMIN_TOKEN in the child's environment: the first visit must create the admin.
  const env = { ...process.env };
  delete env.CALLFLOOR_ADMIN_TOKEN;
  server = await startServer(db, queueLog, port, ['--tz', 'UTC'], 30_000, env);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('the first visit creates the admin, who accepts the confidentiality text and reaches the floor', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    const errors = pageErrors(page);
    await page.goto(`${base()}/`);
    await page.waitForSelector('[data-testid="setup-page"]', { timeout: WAIT_MS });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'setup-en-desktop.png') });

    // Passwords that differ are refused before anything is sent.
    await page.fill('input[name="id"]', ADMIN.id);
    await page.fill('input[name="name"]', ADMIN.name);
    await page.fill('input[name="password"]', ADMIN.password);
    await page.fill('input[name="confirm"]', `${ADMIN.password}x`);
    await page.click('button[type="submit"]');
    expect(await page.locator('.auth-error').textContent()).toBe(
      'The two new passwords are not the same.',
    );
    await page.fill('input[name="confirm"]', ADMIN.password);
    await page.click('button[type="submit"]');

    // The new admin is signed in and first reads the confidentiality text.
    await page.waitForSelector('[data-testid="confidentiality-page"]', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="conf-text"]').textContent()).toContain(
      'Confidentiality undertaking',
    );
    expect(await page.locator('[data-testid="conf-accept"]').isDisabled()).toBe(true);
    await page.check('input[name="agree"]');
    await page.click('[data-testid="conf-accept"]');

    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="user-chip"]').textContent()).toBe(
      'Site AdminIT admin',
    );
    // Least privilege: the IT admin manages people and tokens but has no reports.
    const links = await page.locator('.nav [data-nav]').all();
    const nav = await Promise.all(links.map((l) => l.getAttribute('data-nav')));
    expect(nav).toEqual(['floor', 'wallboard', 'admin', 'audit']);

    // The setup API is closed now that the admin exists (a request without any cookie).
    const again = await fetch(`${base()}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'intruder', name: 'X', password: 'whatever-123' }),
    });
    expect(again.status).toBe(409);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('sign-in', () => {
  it('sign in (a wrong password first), accept the confidentiality text, reach the floor, sign out', async () => {
    await addPerson(db, {
      id: 'lead-a',
      name: 'Lin Mei-ling',
      role: 'manager',
      acceptConfidentiality: false,
    });
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    const errors = pageErrors(page);
    await page.goto(`${base()}/reports`);
    await page.waitForSelector('[data-testid="login-page"]', { timeout: WAIT_MS });

    // A wrong password and an unknown id get the same generic message.
    for (const id of ['lead-a', 'nobody-here']) {
      await page.fill('input[name="id"]', id);
      await page.fill('input[name="password"]', 'not-the-password');
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/login'), { timeout: WAIT_MS }),
        page.click('button[type="submit"]'),
      ]);
      expect(answer.status()).toBe(401);
      await page.waitForSelector('[data-testid="login-error"]', { timeout: WAIT_MS });
      expect(await page.locator('[data-testid="login-error"]').textContent()).toBe(
        'Wrong user ID or password.',
      );
    }

    await page.fill('input[name="id"]', 'lead-a');
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button[type="submit"]');

    // X05: the confidentiality text before anything else; the API refuses data until then.
    await page.waitForSelector('[data-testid="confidentiality-page"]', { timeout: WAIT_MS });
    const before = await page.evaluate(async () => (await fetch('/api/reports/queues')).status);
    expect(before).toBe(403);
    await page.check('input[name="agree"]');
    await page.click('[data-testid="conf-accept"]');

    // The page asked for (/reports) opens after the acceptance.
    await page.waitForSelector('[data-testid="queues-table"]', { timeout: WAIT_MS });
    await page.click('.nav [data-nav="floor"]');
    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="user-chip"]').textContent()).toBe(
      'Lin Mei-lingManager',
    );
    const accepted = await page.evaluate(async () => {
      const res = await fetch('/api/confidentiality');
      return ((await res.json()) as { accepted: boolean | null }).accepted;
    });
    expect(accepted).toBe(true);

    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="login-page"]', { timeout: WAIT_MS });
    const after = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(after).toBe(401);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('temporary password and ended sessions', () => {
  it('a temporary password is changed before anything else', async () => {
    await addPerson(db, {
      id: 'qa-1',
      name: 'Quinn QA',
      role: 'qa',
      password: 'temporary-123',
      mustChangePassword: true,
    });
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    const errors = pageErrors(page);
    await page.goto(`${base()}/`);
    await page.waitForSelector('[data-testid="login-page"]', { timeout: WAIT_MS });
    await page.fill('input[name="id"]', 'qa-1');
    await page.fill('input[name="password"]', 'temporary-123');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="password-page"]', { timeout: WAIT_MS });

    // A wrong current password is named as such; then the change opens the floor.
    await page.fill('input[name="current"]', 'wrong-one-123');
    await page.fill('input[name="next"]', 'my-own-password-9');
    await page.fill('input[name="confirm"]', 'my-own-password-9');
    await page.click('[data-testid="password-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="password-form"] .auth-error', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="password-form"] .auth-error').textContent()).toBe(
      'The current password is wrong.',
    );
    await page.fill('input[name="current"]', 'temporary-123');
    await page.click('[data-testid="password-form"] button[type="submit"]');
    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a session that ends mid-work returns to the sign-in page', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    await signIn(ctx, base(), 'qa-1', 'my-own-password-9');
    const page = await ctx.newPage();
    await page.goto(`${base()}/`);
    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    // The session cookie goes (as when it expires or is signed out elsewhere).
    await ctx.clearCookies();
    await page.click('.nav [data-nav="reports"]');
    await page.waitForSelector('[data-testid="login-page"]', { timeout: WAIT_MS });
    await ctx.close();
  });
});

describe('wallboard token', () => {
  it('the wallboard URL opens the wallboard and nothing else', async () => {
    const secret = await addToken(db, 'wallboard', 'TV 3F');
    const ctx = await newContext('en-US', 'UTC', 1920, 1080);
    const page = await ctx.newPage();
    const errors = pageErrors(page);
    await page.goto(`${base()}/wallboard?token=${encodeURIComponent(secret)}`);
    // The secret leaves the address bar.
    expect(new URL(page.url()).pathname).toBe('/wallboard');
    expect(new URL(page.url()).search).toBe('');
    await page.waitForSelector('[data-testid="wallboard"] [data-queue="sales"]', {
      timeout: WAIT_MS,
    });
    expect(await page.locator('.top-bar, .nav, [data-testid="sign-out"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'wallboard-token-en-tv.png') });

    for (const path of ['/', '/reports', '/admin']) {
      await page.goto(`${base()}${path}`);
      await page.waitForSelector('[data-testid="no-access"]', { timeout: WAIT_MS });
      expect(await page.locator('[data-testid="no-access"]').textContent()).toContain(
        'it shows the wallboard and nothing else',
      );
      expect(await page.locator('[data-agent], table, .nav').count()).toBe(0);
    }
    const statuses = await page.evaluate(async () => {
      const out: Record<string, number> = {};
      for (const url of ['/api/reports/queues', '/api/people', '/api/audit', '/api/tokens']) {
        out[url] = (await fetch(url)).status;
      }
      return out;
    });
    expect(statuses['/api/reports/queues']).toBe(403);
    for (const [url, status] of Object.entries(statuses)) {
      // Routes not on this build answer 404; none may answer with data.
      expect([403, 404], url).toContain(status);
    }

    // A wrong token opens nothing.
    const ctx2 = await newContext('en-US', 'UTC', 1280, 720);
    const res = await ctx2.request.get(`${base()}/wallboard?token=not-a-token`, {
      maxRedirects: 0,
    });
    expect(res.status()).toBe(401);
    await ctx2.close();
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

const LANGS = [
  {
    tag: 'en',
    locale: 'en-US',
    tz: 'UTC',
    signIn: 'Sign in',
    conf: 'Confidentiality undertaking',
    admin: 'People',
  },
  {
    tag: 'zh-TW',
    locale: 'zh-TW',
    tz: 'Asia/Taipei',
    signIn: '登入',
    conf: '保密承諾書',
    admin: '人員',
  },
  {
    tag: 'zh-CN',
    locale: 'zh-CN',
    tz: 'Asia/Shanghai',
    signIn: '登录',
    conf: '保密承诺书',
    admin: '人员',
  },
] as const;

describe('sign-in, confidentiality and admin pages in every language, desktop and phone', () => {
  for (const lang of LANGS) {
    for (const vp of VIEWPORTS) {
      it(`${lang.tag} ${vp.tag}`, async () => {
        // Sign-in page.
        const anon = await newContext(lang.locale, lang.tz, vp.width, vp.height);
        const page = await anon.newPage();
        const errors = pageErrors(page);
        await page.goto(`${base()}/`);
        await page.waitForSelector('[data-testid="login-page"]', { timeout: WAIT_MS });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang.tag);
        expect(await page.locator('h1').textContent()).toBe(lang.signIn);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `login-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        await anon.close();

        // Confidentiality page of a person who has not accepted yet.
        const id = `new-${lang.tag}-${vp.tag}`;
        await addPerson(db, { id, name: id, role: 'agent', acceptConfidentiality: false });
        const fresh = await newContext(lang.locale, lang.tz, vp.width, vp.height);
        await signIn(fresh, base(), id, TEST_PASSWORD);
        const cp = await fresh.newPage();
        errors.push(...pageErrors(cp));
        await cp.goto(`${base()}/`);
        await cp.waitForSelector('[data-testid="conf-text"]', { timeout: WAIT_MS });
        expect(await cp.locator('h1').textContent()).toBe(lang.conf);
        await cp.screenshot({
          path: join(SCREENSHOT_DIR, `confidentiality-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        await fresh.close();

        // Admin page (people section) of the admin created on the first visit.
        const admin = await newContext(lang.locale, lang.tz, vp.width, vp.height);
        await signIn(admin, base(), ADMIN.id, ADMIN.password);
        const ap = await admin.newPage();
        errors.push(...pageErrors(ap));
        await ap.goto(`${base()}/admin`);
        await ap.waitForSelector('[data-testid="admin-page"]', { timeout: WAIT_MS });
        await ap.waitForSelector('[data-testid="people-section"] :is(table, .empty, .form-error)', {
          timeout: WAIT_MS,
        });
        expect(await ap.locator('.tabs__tab--active').textContent()).toBe(lang.admin);
        await ap.screenshot({
          path: join(SCREENSHOT_DIR, `admin-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        await admin.close();
        expect(errors).toEqual([]);
      });
    }
  }
});
