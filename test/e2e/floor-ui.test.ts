/**
 * Browser e2e: the REAL `callfloor serve` on a temp SQLite database following a temp queue_log,
 * driven through Debian's Chromium. Lines appended to the queue_log must change the floor page
 * and the wallboard; screenshots of every page in en / zh-TW / zh-CN, desktop and phone, go to
 * test-results/screenshots/.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../../src/test-support/auth.js';
import {
  addPerson,
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

/**
 * The few DOM globals the page functions below use. They run in Chromium, not in Node; the root
 * tsconfig has no DOM lib, so they are declared here for this module only.
 */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  documentElement: { lang: string; scrollWidth: number };
  body: { textContent: string | null };
};

const WAIT_MS = 15_000;

let dir = '';
let queueLog = '';
let db = '';
let port = 0;
let server: ServerProcess | null = null;
let browser: Browser | null = null;
/** The signed-in manager's cookies (one sign-in for the whole file: sign-ins are rate-limited). */
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
const nowSec = (): number => Math.floor(Date.now() / 1000);

function append(...lines: string[]): void {
  appendFileSync(queueLog, lines.map((l) => `${l}\n`).join(''));
}

function base(): string {
  if (!server) throw new Error('server not started');
  return server.url;
}

/** Waits until the text of `selector` equals `expected` (Playwright polling, bounded). */
async function waitText(page: Page, selector: string, expected: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
      [selector, expected] as const,
      { timeout: WAIT_MS, polling: 100 },
    );
  } catch (error) {
    const actual = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 500 })
      .catch(() => '(missing)');
    throw new Error(
      `${selector}: expected "${expected}", got "${actual}"\n${server?.output() ?? ''}`,
      {
        cause: error,
      },
    );
  }
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
    storageState: signedIn,
  });
}

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'callfloor-e2e-'));
  queueLog = join(dir, 'queue_log');
  db = join(dir, 'x.db');
  // The floor before the browser opens: three agents; 1003 has been on a break for 700 s,
  // past the 600 s R12 threshold.
  const t0 = nowSec() - 900;
  writeFileSync(
    queueLog,
    [
      line(t0, 'NONE', 'sales', 'PJSIP/1001', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'sales', 'PJSIP/1002', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'support', 'PJSIP/1002', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'support', 'PJSIP/1003', 'ADDMEMBER', ''),
      line(t0 + 200, 'NONE', 'support', 'PJSIP/1003', 'PAUSE', 'Break'),
    ]
      .map((l) => `${l}\n`)
      .join(''),
  );
  port = await freePort();
  server = await startServer(db, queueLog, port, ['--tz', 'UTC']);
  browser = await launchChromium();
  // A manager (floor, wallboard and reports) who has accepted the confidentiality text.
  await addPerson(db, { id: 'e2e-manager', name: 'E2E Manager', role: 'manager' });
  const ctx = await browser.newContext();
  await signIn(ctx, server.url, 'e2e-manager', TEST_PASSWORD);
  signedIn = await ctx.storageState();
  await ctx.close();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('floor console and wallboard follow the queue_log', () => {
  it('appended lines change agent tiles and queue tiles on the floor page', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base()}/`);

    // The snapshot: 1001 and 1002 available, 1003 paused past the threshold (red).
    await page.waitForSelector('[data-agent="PJSIP/1001"][data-state="available"]', {
      timeout: WAIT_MS,
    });
    await page.waitForSelector('[data-agent="PJSIP/1002"][data-state="available"]', {
      timeout: WAIT_MS,
    });
    await page.waitForSelector('[data-agent="PJSIP/1003"][data-state="paused"][data-tone="over"]', {
      timeout: WAIT_MS,
    });
    expect(await page.locator('[data-agent="PJSIP/1003"]').textContent()).toContain('Break');
    expect(await page.locator('[data-agent="PJSIP/1003"]').textContent()).toContain('Over limit');
    await waitText(page, '[data-queue="sales"] [data-testid="waiting"]', '0');
    await waitText(page, '[data-queue="sales"] [data-testid="q-available"] b', '2');
    // The top bar shows the queue_log source: read, its last event moments ago.
    await page.waitForSelector('[data-testid="source-queue_log"][data-status="ok"]', {
      timeout: WAIT_MS,
    });

    // Time in state counts on the client: the value changes without any new line.
    const timeSel = '[data-agent="PJSIP/1001"] [data-testid="time-in-state"]';
    const first = await page.locator(timeSel).textContent();
    await page.waitForFunction(
      ([sel, before]) => document.querySelector(sel)?.textContent !== before,
      [timeSel, first] as const,
      { timeout: 5000, polling: 200 },
    );

    // A caller enters sales.
    const t1 = nowSec();
    append(line(t1, 'e2e-call-1', 'sales', 'NONE', 'ENTERQUEUE', '', '0912345678', '1'));
    await waitText(page, '[data-queue="sales"] [data-testid="waiting"]', '1');

    // 1001 answers: on call, nobody waiting.
    append(line(t1 + 3, 'e2e-call-1', 'sales', 'PJSIP/1001', 'CONNECT', '3', 'e2e-call-1.1', '2'));
    await page.waitForSelector('[data-agent="PJSIP/1001"][data-state="on_call"]', {
      timeout: WAIT_MS,
    });
    await waitText(page, '[data-queue="sales"] [data-testid="waiting"]', '0');
    await waitText(page, '[data-queue="sales"] [data-testid="q-on-call"] b', '1');

    // 1002 pauses for lunch in both queues: paused (amber, not red), reason shown.
    append(
      line(t1 + 4, 'NONE', 'sales', 'PJSIP/1002', 'PAUSE', 'Lunch'),
      line(t1 + 4, 'NONE', 'support', 'PJSIP/1002', 'PAUSE', 'Lunch'),
    );
    await page.waitForSelector(
      '[data-agent="PJSIP/1002"][data-state="paused"][data-tone="paused"]',
      {
        timeout: WAIT_MS,
      },
    );
    expect(await page.locator('[data-agent="PJSIP/1002"]').textContent()).toContain('Lunch');

    // The queue filter narrows the grid to support's members.
    await page.selectOption('[data-testid="queue-filter"]', 'support');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-agent]').length === 2,
      undefined,
      {
        timeout: WAIT_MS,
      },
    );
    expect(await page.locator('[data-agent="PJSIP/1001"]').count()).toBe(0);
    await page.selectOption('[data-testid="queue-filter"]', '');

    await page.screenshot({ path: join(SCREENSHOT_DIR, 'floor-live-en-desktop.png') });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('appended lines change the wallboard', async () => {
    const ctx = await newContext('en-US', 'UTC', 1920, 1080);
    const page = await ctx.newPage();
    await page.goto(`${base()}/wallboard`);
    await page.waitForSelector('[data-testid="wallboard"]', { timeout: WAIT_MS });
    // After the first test: 1001 on a call, 1002 paused (Lunch), 1003 over the limit.
    await waitText(page, '[data-count="on_call"] .wb-state__value', '1');
    await waitText(page, '[data-count="paused"] .wb-state__value', '1');
    await waitText(page, '[data-count="over"] .wb-state__value', '1');
    await waitText(page, '[data-count="available"] .wb-state__value', '0');

    // The call ends: 1001 is available again; a caller waits in support.
    const t = nowSec();
    append(
      line(t, 'e2e-call-1', 'sales', 'PJSIP/1001', 'COMPLETECALLER', '3', '20', '1'),
      line(t, 'e2e-call-2', 'support', 'NONE', 'ENTERQUEUE', '', '0987654321', '1'),
    );
    await waitText(page, '[data-count="on_call"] .wb-state__value', '0');
    await waitText(page, '[data-count="available"] .wb-state__value', '1');
    await waitText(page, '[data-queue="support"] [data-testid="waiting"]', '1');
    await waitText(page, '[data-queue="sales"] [data-testid="waiting"]', '0');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'wallboard-live-en-tv.png') });
    await ctx.close();
  });
});

const LANGS = [
  {
    tag: 'en',
    locale: 'en-US',
    tz: 'UTC',
    sl: 'Service level',
    wallboard: 'Wallboard',
    reports: 'Calls per interval',
  },
  {
    tag: 'zh-TW',
    locale: 'zh-TW',
    tz: 'Asia/Taipei',
    sl: '服務水準',
    wallboard: '電子看板',
    reports: '各時段話務量',
  },
  {
    tag: 'zh-CN',
    locale: 'zh-CN',
    tz: 'Asia/Shanghai',
    sl: '服务水平',
    wallboard: '数据大屏',
    reports: '各时段话务量',
  },
] as const;

describe('every page in every language, desktop and phone', () => {
  for (const lang of LANGS) {
    for (const vp of VIEWPORTS) {
      it(`${lang.tag} ${vp.tag}: floor, wallboard, reports render translated and are saved`, async () => {
        const ctx = await newContext(lang.locale, lang.tz, vp.width, vp.height);
        const page = await ctx.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));

        // The browser language picks the UI language (navigator.languages).
        await page.goto(`${base()}/`);
        await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang.tag);
        expect(await page.locator('main').textContent()).toContain(lang.sl);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `floor-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        // Nothing is wider than the screen (the phone top bar once overflowed to 483 px).
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          vp.width,
        );

        await page.goto(`${base()}/wallboard`);
        await page.waitForSelector('[data-queue="sales"]', { timeout: WAIT_MS });
        expect(await page.locator('.wallboard__title').textContent()).toBe(lang.wallboard);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `wallboard-${lang.tag}-${vp.tag}.png`),
        });

        await page.goto(`${base()}/reports`);
        await page.waitForSelector('[data-testid="queues-table"] tbody tr', { timeout: WAIT_MS });
        expect(await page.locator('main').textContent()).toContain(lang.reports);
        const csv = await page.locator('[data-testid="export-queues-csv"]').getAttribute('href');
        expect(csv).toMatch(/^\/api\/reports\/queues\?.*format=csv/);
        expect(csv).toContain(`tz=${encodeURIComponent(lang.tz)}`);
        await page.waitForSelector('[data-testid="interval-chart"] canvas', { timeout: WAIT_MS });
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `reports-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          vp.width,
        );

        expect(errors).toEqual([]);
        await ctx.close();
      });
    }
  }

  it('an agent sees the reports without the export links their role may not use', async () => {
    await addPerson(db, { id: 'e2e-agent', name: 'E2E Agent', role: 'agent' });
    if (!browser) throw new Error('browser not launched');
    const ctx = await browser.newContext();
    await signIn(ctx, base(), 'e2e-agent', TEST_PASSWORD);
    const page = await ctx.newPage();
    await page.goto(`${base()}/reports`);
    await page.waitForSelector('[data-testid="queues-table"] tbody tr', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid^="export-"]').count()).toBe(0);
    await ctx.close();
  });

  it('the language switch changes the UI and is remembered', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    await page.goto(`${base()}/`);
    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    await page.click('.lang-switch__btn[lang="zh-TW"]');
    await page.waitForFunction(
      () => document.body.textContent?.includes('服務水準') === true,
      undefined,
      {
        timeout: WAIT_MS,
      },
    );
    await page.reload();
    await page.waitForSelector('[data-agent="PJSIP/1001"]', { timeout: WAIT_MS });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    await ctx.close();
  });
});

describe('SSE fallback', () => {
  it('when WebSockets are blocked the console switches to /api/live/sse and still follows the log', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    // A proxy that kills every WebSocket: each attempt closes before opening.
    await ctx.addInitScript(() => {
      class BlockedWebSocket {
        onopen: (() => void) | null = null;
        onmessage: (() => void) | null = null;
        onclose: (() => void) | null = null;
        constructor() {
          setTimeout(() => this.onclose?.(), 10);
        }
        close(): void {}
        send(): void {}
      }
      Object.defineProperty(globalThis, 'WebSocket', { value: BlockedWebSocket });
    });
    const page = await ctx.newPage();
    await page.goto(`${base()}/`);
    await waitText(page, '[data-testid="live-status"]', 'Live (SSE fallback)');
    await page.waitForSelector('[data-agent="PJSIP/1001"][data-state="available"]', {
      timeout: WAIT_MS,
    });
    await waitText(page, '[data-queue="support"] [data-testid="waiting"]', '1');
    // The caller waiting in support hangs up.
    append(line(nowSec(), 'e2e-call-2', 'support', 'NONE', 'ABANDON', '1', '1', '30'));
    await waitText(page, '[data-queue="support"] [data-testid="waiting"]', '0');
    await ctx.close();
  });
});

describe('settings', () => {
  it('the R12 threshold is configurable: a longer allowance turns the red tile amber, and is remembered', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    await page.goto(`${base()}/`);
    // 1003 has been on a break for more than 10 minutes: red.
    await page.waitForSelector('[data-agent="PJSIP/1003"][data-tone="over"]', { timeout: WAIT_MS });
    await page.click('[data-testid="settings-button"]');
    await page.fill('input[name="pauseThreshold"]', '45');
    await page.fill('textarea[name="reasons"]', 'Lunch = 60');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings-en-desktop.png') });
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-agent="PJSIP/1003"][data-tone="paused"]', {
      timeout: WAIT_MS,
    });
    expect(await page.locator('[data-agent="PJSIP/1003"]').textContent()).toContain('limit 45 min');
    await page.reload();
    await page.waitForSelector('[data-agent="PJSIP/1003"][data-tone="paused"]', {
      timeout: WAIT_MS,
    });
    // A bad per-reason line is refused with the line named.
    await page.click('[data-testid="settings-button"]');
    await page.fill('textarea[name="reasons"]', 'Lunch = 60\nBreak = soon');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.form-error', { timeout: WAIT_MS });
    expect(await page.locator('.form-error').textContent()).toContain('line 2');
    await ctx.close();
  });
});

describe('connection loss', () => {
  it('shows the reconnecting banner while the server is down and recovers with a new snapshot', async () => {
    const ctx = await newContext('en-US', 'UTC', 1440, 900);
    const page = await ctx.newPage();
    await page.goto(`${base()}/`);
    await page.waitForSelector('[data-agent="PJSIP/1001"][data-state="available"]', {
      timeout: WAIT_MS,
    });
    expect(await page.locator('[data-testid="connection-banner"]').count()).toBe(0);

    await server?.stop();
    await page.waitForSelector('[data-testid="connection-banner"]', { timeout: WAIT_MS });
    expect(await page.locator('[data-testid="connection-banner"]').textContent()).toContain(
      'reconnecting',
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'floor-disconnected-en-desktop.png') });

    // While it is down, 1001 logs off; the restarted server reads on and the new snapshot shows it.
    append(line(nowSec(), 'NONE', 'sales', 'PJSIP/1001', 'REMOVEMEMBER', ''));
    server = await startServer(db, queueLog, port, ['--tz', 'UTC']);
    await page.waitForSelector('[data-testid="connection-banner"]', {
      state: 'detached',
      timeout: 30_000,
    });
    await page.waitForSelector('[data-agent="PJSIP/1001"][data-state="logged_out"]', {
      timeout: WAIT_MS,
    });
    await ctx.close();
  });
});
