/**
 * Browser e2e of what a newcomer found (the REAL `callfloor serve`, Debian's Chromium), in en,
 * zh-TW and zh-CN, desktop and phone, with screenshots:
 * - the reports name agents as the floor does (the person's name from the register, the telephony
 *   id under it; an agent with no person keeps its id);
 * - a long agent name (30 Latin characters, 15 Chinese ones) is readable whole on its floor tile
 *   and the grid stays within a 390 px phone;
 * - the audit page shows translated action labels (the raw key under them) and 24-hour times;
 * - the IT admin (settings.edit, no qa.view) reaches the QA settings on the admin page, and still
 *   not the QA evaluations.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** DOM globals of the functions that run in Chromium (the root tsconfig has no DOM lib). */
interface El {
  readonly textContent: string | null;
  readonly clientWidth: number;
  readonly clientHeight: number;
  readonly scrollWidth: number;
  readonly scrollHeight: number;
  getBoundingClientRect(): { left: number; right: number; width: number };
}
declare const document: {
  querySelector(selector: string): El | null;
  documentElement: { scrollWidth: number };
};

const WAIT_MS = 15_000;
/** 30 characters: the newcomer's example of a name cut off on the tile. */
const LONG_EN = 'Alexandra Montgomery-Whitfield';
/** A long Chinese name (15 characters). */
const LONG_ZH = '亞歷山德拉·蒙哥馬利·惠特菲爾德';

let dir = '';
let db = '';
let queueLog = '';
let server: ServerProcess | null = null;
let browser: Browser | null = null;
let managerState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

function base(): string {
  if (!server) throw new Error('server not started');
  return server.url;
}

async function api(token: string, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base()}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function open(
  state: typeof managerState,
  locale: string,
  timezoneId: string,
  width: number,
  height: number,
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  if (!browser) throw new Error('browser not launched');
  const ctx = await browser.newContext({
    locale,
    timezoneId,
    viewport: { width, height },
    deviceScaleFactor: 1,
    storageState: state,
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page, errors };
}

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'callfloor-e2e-names-'));
  db = join(dir, 'x.db');
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  server = await startServer(db, queueLog, await freePort(), ['--tz', 'UTC']);
  browser = await launchChromium();
  await addPerson(db, { id: 'e2e-manager', name: 'E2E Manager', role: 'manager' });
  await addPerson(db, { id: 'it-admin', name: 'IT Admin', role: 'admin' });
  // The register, through the API (the running server's people directory reloads): two agents
  // with long names mapped from their telephony member names; PJSIP/1003 is nobody.
  const token = await addToken(db, 'admin', 'e2e setup');
  await api(token, 'POST', '/api/teams', { id: 'A', name: 'Team A' });
  await api(token, 'POST', '/api/people', {
    id: 'p1004',
    name: 'Alex M.',
    role: 'agent',
    teamId: 'A',
    memberNames: ['PJSIP/1004'],
  });
  await api(token, 'PATCH', '/api/people/p1004', { name: LONG_EN });
  await api(token, 'POST', '/api/people', {
    id: 'p1005',
    name: LONG_ZH,
    role: 'agent',
    teamId: 'A',
    memberNames: ['PJSIP/1005'],
  });
  // Then the telephony: the three log in; p1004 answers a call (10 s wait, 50 s talk).
  const t0 = Math.floor(Date.now() / 1000) - 600;
  appendFileSync(
    queueLog,
    [
      line(t0, 'NONE', 'sales', 'PJSIP/1003', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'sales', 'PJSIP/1004', 'ADDMEMBER', ''),
      line(t0, 'NONE', 'sales', 'PJSIP/1005', 'ADDMEMBER', ''),
      line(t0 + 10, 'c1', 'sales', 'NONE', 'ENTERQUEUE', '', '0912345678', '1'),
      line(t0 + 20, 'c1', 'sales', 'PJSIP/1004', 'CONNECT', '10', 'c1.1', '2'),
      line(t0 + 70, 'c1', 'sales', 'PJSIP/1004', 'COMPLETEAGENT', '10', '50', '1'),
    ]
      .map((l) => `${l}\n`)
      .join(''),
  );
  for (const [id, set] of [
    ['e2e-manager', (s: typeof managerState) => (managerState = s)],
    ['it-admin', (s: typeof managerState) => (adminState = s)],
  ] as const) {
    const ctx = await browser.newContext();
    await signIn(ctx, base(), id, TEST_PASSWORD);
    set(await ctx.storageState());
    await ctx.close();
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const LANGS = [
  { tag: 'en', locale: 'en-US', tz: 'UTC', created: 'Person added', changed: 'Person changed' },
  {
    tag: 'zh-TW',
    locale: 'zh-TW',
    tz: 'Asia/Taipei',
    created: '新增人員',
    changed: '修改人員資料',
  },
  {
    tag: 'zh-CN',
    locale: 'zh-CN',
    tz: 'Asia/Shanghai',
    created: '添加人员',
    changed: '修改人员信息',
  },
] as const;

/** The name element of a tile: its text, and whether all of it is shown (nothing clipped). */
async function nameBox(page: Page, agent: string) {
  return page.evaluate((sel) => {
    const name = document.querySelector(`${sel} [data-testid="agent-name"]`);
    const tile = document.querySelector(sel);
    if (name === null || tile === null) return null;
    return {
      text: name.textContent,
      clippedX: name.scrollWidth > name.clientWidth,
      clippedY: name.scrollHeight > name.clientHeight + 1,
      lines: Math.round(name.clientHeight / 17.5),
      tileWidth: tile.getBoundingClientRect().width,
    };
  }, `[data-agent="${agent}"]`);
}

describe('names on the floor, the reports and the audit log; QA settings for the IT admin', () => {
  for (const lang of LANGS) {
    for (const vp of VIEWPORTS) {
      it(`${lang.tag} ${vp.tag}: floor tiles and reports show whole names, the audit log labels`, async () => {
        const { ctx, page, errors } = await open(
          managerState,
          lang.locale,
          lang.tz,
          vp.width,
          vp.height,
        );
        await page.goto(`${base()}/`);
        await page.waitForSelector('[data-agent="p1005"]', { timeout: WAIT_MS });
        await page.waitForSelector('[data-agent="PJSIP/1003"]', { timeout: WAIT_MS });
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `floor-names-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        for (const [agent, name] of [
          ['p1004', LONG_EN],
          ['p1005', LONG_ZH],
          ['PJSIP/1003', 'PJSIP/1003'],
        ] as const) {
          const box = await nameBox(page, agent);
          expect(box?.text, agent).toBe(name);
          // Whole: nothing cut on either axis (a long name wraps to two or, in a wide Latin font,
          // three lines).
          expect(box?.clippedX, agent).toBe(false);
          expect(box?.clippedY, agent).toBe(false);
          expect(box?.lines, agent).toBeLessThanOrEqual(3);
        }
        expect(await page.locator('[data-agent="p1004"]').getAttribute('title')).toBe(
          `${LONG_EN} (PJSIP/1004)`,
        );
        // The grid keeps its tracks: a long name does not widen its tile.
        const widths = await Promise.all(
          ['p1004', 'p1005', 'PJSIP/1003'].map(async (a) =>
            Math.round((await nameBox(page, a))?.tileWidth ?? 0),
          ),
        );
        expect(new Set(widths).size).toBe(1);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          vp.width,
        );

        await page.goto(`${base()}/reports`);
        await page.waitForSelector('[data-testid="agents-table"] tr[data-agent="p1004"]', {
          timeout: WAIT_MS,
        });
        const row = page.locator('[data-testid="agents-table"] tr[data-agent="p1004"]');
        expect(await row.locator('.agent-cell__name').textContent()).toBe(LONG_EN);
        expect(await row.locator('.agent-cell__id').textContent()).toBe('p1004');
        expect(await row.locator('td').nth(1).textContent()).toBe('1'); // answered
        const zh = page.locator('[data-testid="agents-table"] tr[data-agent="p1005"]');
        expect(await zh.locator('.agent-cell__name').textContent()).toBe(LONG_ZH);
        const nobody = page.locator('[data-testid="agents-table"] tr[data-agent="PJSIP/1003"]');
        expect(await nobody.locator('.agent-cell__name').textContent()).toBe('PJSIP/1003');
        expect(await nobody.locator('.agent-cell__id').count()).toBe(0);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `reports-names-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          vp.width,
        );

        await page.goto(`${base()}/audit`);
        await page.fill('input[name="action"]', 'people.*');
        await page.click('.audit button[type="submit"]');
        await page.waitForSelector('[data-testid="audit-table"] td[data-action="people.update"]', {
          timeout: WAIT_MS,
        });
        const update = page.locator('td[data-action="people.update"]').first();
        expect(await update.locator('.audit__label').textContent()).toBe(lang.changed);
        expect(await update.locator('code').textContent()).toBe('people.update');
        const create = page.locator('td[data-action="people.create"]').first();
        expect(await create.locator('.audit__label').textContent()).toBe(lang.created);
        // Date and 24-hour time, no AM/PM (or 上午/下午) in any language.
        const times = await page
          .locator('[data-testid="audit-table"] tbody tr td:first-child')
          .allTextContents();
        expect(times.length).toBeGreaterThanOrEqual(3);
        for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `audit-labels-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        expect(errors).toEqual([]);
        await ctx.close();
      });
    }
  }

  it('the IT admin edits the QA settings on the admin page, without the QA evaluations', async () => {
    for (const lang of LANGS) {
      for (const vp of VIEWPORTS) {
        const { ctx, page, errors } = await open(
          adminState,
          lang.locale,
          lang.tz,
          vp.width,
          vp.height,
        );
        await page.goto(`${base()}/admin/qa`);
        await page.waitForSelector('[data-testid="qa-config"] textarea', { timeout: WAIT_MS });
        expect(await page.locator('.tabs [data-section="qa"]').count()).toBe(1);
        const text = page.locator('[data-testid="qa-config"] textarea');
        await page.waitForFunction(
          () =>
            (
              document.querySelector('[data-testid="qa-config"] textarea') as unknown as {
                value: string;
              } | null
            )?.value !== '',
          undefined,
          { timeout: WAIT_MS },
        );
        expect(await text.getAttribute('readonly')).toBeNull();
        if (lang.tag === 'en' && vp.tag === 'desktop') {
          await text.fill('{ "checks": { "E12": { "critical": true } } }');
          await page.click('[data-testid="qa-config"] button[type="submit"]');
          await page.waitForSelector('[data-testid="qa-config"] [role="status"]', {
            timeout: WAIT_MS,
          });
        }
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `admin-qa-${lang.tag}-${vp.tag}.png`),
          fullPage: true,
        });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          vp.width,
        );
        // No QA page in the navigation; its evaluations (personal data) stay closed.
        expect(await page.locator('.nav [data-nav="qa"]').count()).toBe(0);
        const evaluations = await ctx.request.get(`${base()}/api/qa/evaluations`);
        expect(evaluations.status()).toBe(403);
        expect(errors).toEqual([]);
        await ctx.close();
      }
    }
    // The change went through the server (audited as qa.config).
    const { ctx } = await open(adminState, 'en-US', 'UTC', 1440, 900);
    const config = await ctx.request.get(`${base()}/api/qa/config`);
    expect(config.status()).toBe(200);
    expect(((await config.json()) as { source: string }).source).toBe('ui');
    await ctx.close();
  });
});
