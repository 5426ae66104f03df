/**
 * Browser e2e of the QA page: the REAL `callfloor serve` on a temp SQLite database; transcripts
 * uploaded through POST /api/transcripts with an integration token; a QA reviewer signs in
 * through POST /api/auth/login in the browser context and opens the review page. Screenshots in
 * en / zh-TW / zh-CN at desktop and phone sizes go to test-results/screenshots/qa-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createTestUser, TEST_PASSWORD, tokenHeaders } from '../../src/test-support/auth.js';
import {
  ensureBuilt,
  freePort,
  launchChromium,
  line,
  ROOT,
  SCREENSHOT_DIR,
  startServer,
  type ServerProcess,
  VIEWPORTS,
} from './harness.js';

/** The DOM globals used inside `page.evaluate` (no DOM lib in the root tsconfig). */
declare const document: {
  documentElement: { lang: string };
};
declare const window: { scrollTo(x: number, y: number): void };

const WAIT_MS = 20_000;
let dir = '';
let server: ServerProcess | null = null;
let browser: Browser | null = null;
let database: DatabaseHandle | null = null;
let reviewId = 0;

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'callfloor-e2e-qa-'));
  const queueLog = join(dir, 'queue_log');
  const db = join(dir, 'x.db');
  const t0 = Math.floor(Date.now() / 1000) - 600;
  writeFileSync(queueLog, `${line(t0, 'NONE', 'sales', 'PJSIP/1001', 'ADDMEMBER', '')}\n`);
  server = await startServer(db, queueLog, await freePort(), ['--tz', 'UTC']);
  // The server has migrated the database and stored the confidentiality text: add people.
  database = await openDatabase({ path: db, url: null });
  await createTestUser(database.db, { id: 'q1', name: 'Quinn QA', role: 'qa' });
  await createTestUser(database.db, { id: 'a1', name: 'Alex Agent', role: 'agent' });
  const integration = await tokenHeaders(database.db, 'integration');
  const upload = async (query: string, type: string, body: string): Promise<number> => {
    const res = await fetch(`${server!.url}/api/transcripts?${query}`, {
      method: 'POST',
      headers: { ...integration, 'content-type': type },
      body,
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    const json = (await res.json()) as { evaluations: { id: number }[] };
    return json.evaluations[0]!.id;
  };
  const fixtures = join(ROOT, 'test', 'fixtures', 'transcripts');
  await upload(
    'agent=a1&format=chat-tsv&name=chats.tsv',
    'text/tab-separated-values',
    readFileSync(join(fixtures, 'chats.tsv'), 'utf8'),
  );
  reviewId = await upload(
    'agent=a1&queue=sales&name=call.json',
    'application/json',
    readFileSync(join(fixtures, 'call.json'), 'utf8'),
  );
  await upload(
    'agent=a1&queue=sales&name=c-prof.json',
    'application/json',
    JSON.stringify({
      id: 'c-prof',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我的快递怎么还没到' },
        { speaker: 'agent', text: '他妈的，等着吧' },
      ],
    }),
  );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await database?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    heldCheck: 'Thanks after hold',
    fail: 'Fail',
    simplified: 'Chinese (Simplified)',
  },
  {
    lang: 'zh-TW',
    locale: 'zh-TW',
    heldCheck: '保留後致謝',
    fail: '不合格',
    simplified: '簡體中文',
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    heldCheck: '保持后致谢',
    fail: '不合格',
    simplified: '简体中文',
  },
] as const;

describe('QA review page', () => {
  for (const { lang, locale, heldCheck, fail, simplified } of LANGS) {
    for (const size of VIEWPORTS) {
      it(`shows the transcript with the evidence highlighted (${lang}, ${size.tag})`, async () => {
        const ctx = await browser!.newContext({
          locale,
          timezoneId: 'UTC',
          viewport: { width: size.width, height: size.height },
          deviceScaleFactor: 1,
        });
        try {
          const login = await ctx.request.post(`${server!.url}/api/auth/login`, {
            data: { id: 'q1', password: TEST_PASSWORD },
          });
          expect(login.status()).toBe(200);
          const page = await ctx.newPage();
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(e.message));
          await page.goto(`${server!.url}/qa/${reviewId}`);
          await page.waitForSelector('[data-testid="qa-review"]', { timeout: WAIT_MS });
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
          // The transcript's language by name, not its tag (zh-Hans).
          expect(await page.locator('[data-testid="qa-review"]').textContent()).toContain(
            simplified,
          );
          // Turn 3 ("订单明天送达。") is E12's failing evidence: highlighted and tagged.
          const turn = page.locator('.qa-turn[data-turn="3"]');
          expect(await turn.getAttribute('class')).toContain('qa-turn--fail');
          expect(await turn.textContent()).toContain('订单明天送达。');
          expect(await turn.locator('.qa-chip--fail').textContent()).toBe('E12');
          const row = page.locator('.qa-checks tr', { hasText: heldCheck });
          expect(await row.locator('.qa-outcome--fail').textContent()).toBe(fail);
          // The site QA settings: readable by a QA reviewer, editable only with settings.edit.
          await page.waitForSelector('[data-testid="qa-config"] textarea', { timeout: WAIT_MS });
          expect(
            await page.locator('[data-testid="qa-config"] textarea').getAttribute('readonly'),
          ).not.toBeNull();
          // Nothing of the QA page is wider than the viewport (a phone scrolls only vertically).
          // (The top bar is checked by the floor e2e.)
          const right = await page.evaluate(
            `Math.max(...[...document.querySelectorAll('.qa *')].map((e) => e.getBoundingClientRect().right))`,
          );
          expect(right).toBeLessThanOrEqual(size.width);
          // The list holds the three uploads' calls (3 chat sessions + 2 calls).
          expect(await page.locator('.qa-item').count()).toBeGreaterThanOrEqual(4);
          await page.screenshot({
            path: join(SCREENSHOT_DIR, `qa-review-${lang}-${size.tag}.png`),
            fullPage: true,
          });
          expect(errors).toEqual([]);
        } finally {
          await ctx.close();
        }
      }, 60_000);
    }
  }

  it('saves an override with a comment from the review page', async () => {
    const ctx = await browser!.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width: 1440, height: 900 },
    });
    try {
      await ctx.request.post(`${server!.url}/api/auth/login`, {
        data: { id: 'q1', password: TEST_PASSWORD },
      });
      const page = await ctx.newPage();
      await page.goto(`${server!.url}/qa/${reviewId}`);
      await page.waitForSelector('[data-testid="qa-review"]', { timeout: WAIT_MS });
      const form = page.locator('form', { hasText: 'Override a result' });
      await form.locator('select').first().selectOption('E12');
      await form.locator('select').nth(1).selectOption('pass');
      await form.locator('textarea').fill('thanked the customer off the recording');
      await form.locator('button[type="submit"]').click();
      await page.waitForSelector('.qa-history li', { timeout: WAIT_MS });
      expect(await page.locator('.qa-big:not(.qa-big--minor) .qa-big__value').textContent()).toBe(
        '100',
      );
      expect(await page.locator('.qa-turn[data-turn="3"]').getAttribute('class')).not.toContain(
        'qa-turn--fail',
      );
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: join(SCREENSHOT_DIR, 'qa-review-override-en-desktop.png'),
        fullPage: true,
      });
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('lets the evaluated agent acknowledge and appeal from the page', async () => {
    const ctx = await browser!.newContext({
      locale: 'zh-TW',
      timezoneId: 'UTC',
      viewport: { width: 390, height: 844 },
    });
    try {
      const login = await ctx.request.post(`${server!.url}/api/auth/login`, {
        data: { id: 'a1', password: TEST_PASSWORD },
      });
      expect(login.status()).toBe(200);
      const page = await ctx.newPage();
      await page.goto(`${server!.url}/qa/${reviewId}`);
      await page.waitForSelector('[data-testid="qa-review"]', { timeout: WAIT_MS });
      // An agent has no override form.
      expect(await page.locator('form', { hasText: '修改檢核結果' }).count()).toBe(0);
      await page.locator('button', { hasText: /^確認$/ }).click();
      await page.waitForSelector('text=客服人員已確認此評核。', { timeout: WAIT_MS });
      await page.locator('textarea').fill('保留前已告知客戶');
      await page.locator('button', { hasText: '送出申訴' }).click();
      await page.waitForSelector('.qa-appeal', { timeout: WAIT_MS });
      expect(await page.locator('.qa-appeal').textContent()).toContain('申訴中');
      // An agent sees no empty scorecard; the sticky top bar back at the top for the full page.
      expect(await page.locator('.qa-scorecard').count()).toBe(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: join(SCREENSHOT_DIR, 'qa-review-agent-appeal-zh-TW-phone.png'),
        fullPage: true,
      });
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
