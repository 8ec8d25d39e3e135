import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPageRoutes } from '../../functions/case-api/page-routes';
import { caseViewUrl, issueViewToken, verifyViewToken } from '../../shared/ack/view-token';
import { CASE_ID, fullModel, HOSTILE, NOW } from '../unit/case-page/fixtures';
import { memoryCases } from '../unit/case-page/memory';

/**
 * The case page in a real browser at a phone's size: what on-call staff see
 * after tapping the case link, and that its buttons work without scripts.
 */

const CHROMIUM = process.env.MDR_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The screenshot in docs/ is refreshed on request (MDR_UPDATE_SCREENSHOTS=1); ordinary runs leave the tree clean. */
const SCREENSHOT = process.env.MDR_UPDATE_SCREENSHOTS === '1' ? join(__dirname, '../../docs/images/case-page.png') : join(tmpdir(), 'mdr-case-page.png');
const SECRET = 'browser-test-link-secret-000000000001';

/** The page fits the viewport's width: nothing to scroll sideways. (Expressions as strings: the project has no DOM types.) */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })')) as { scroll: number; view: number };
  expect(widths.view).toBe(390);
  expect(widths.scroll).toBeLessThanOrEqual(widths.view);
}

describe('case page in a phone browser', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let page: Page;
  const mem = memoryCases([fullModel()], () => NOW);
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}. This test drives Debian's chromium; .ci/run installs it (apt-get install chromium), or set MDR_CHROMIUM_PATH.`);
    }
    const routes = createPageRoutes({ ...mem.deps, verifyToken: (t) => verifyViewToken(t, [SECRET], NOW), now: () => NOW, log: () => undefined });
    server = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const result = await routes(req.method ?? 'GET', url.pathname, Object.fromEntries(url.searchParams), Buffer.concat(chunks).toString('utf8'));
        if (!result) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not a page route');
          return;
        }
        res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(result.body ?? '');
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    // A CSP violation (a blocked stylesheet) or a script error shows here.
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('shows summary, entities, evidence and actions, styled under its CSP, without horizontal scrolling', async () => {
    const token = issueViewToken({ caseId: CASE_ID, viewer: 'oncall-primary', expiresAt: NOW.getTime() + 86_400_000 }, SECRET);
    const response = await page.goto(caseViewUrl(base, CASE_ID, token));
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");

    const visible = async (text: string | RegExp) => page.getByText(text).first().isVisible();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('alice signed in to the AWS console without MFA from a Tor exit node');
    for (const text of ['What', 'Known false positives', 'Confirm with alice whether she signed in', 'Valid Accounts: Cloud Accounts']) expect(await visible(text)).toBe(true);
    for (const text of ['203.0.113.77', 'threat-intel:tor-exit', 'Platform team', 'prod-payments']) expect(await visible(text)).toBe(true);
    expect(await visible('s3://acme-mdr-evidence/evidence/2026/11/20/f-0002/ev-0002.json')).toBe(true);
    for (const name of ['Acknowledge', 'Approve', 'Reject', 'Undo: remove 203.0.113.77 from the block list']) {
      expect(await page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    }
    expect(await visible('Deactivate access key AKIA…0001 of alice')).toBe(true);

    // The stylesheet applied (allowed by its hash): the severity badge has its colour.
    expect(await page.evaluate("getComputedStyle(document.querySelector('header .badge')).backgroundColor")).toBe('rgb(196, 50, 10)');

    // Evidence opens as pretty JSON; the hostile user agent is text, and nothing ran.
    await page.getByText('Raw event').first().click();
    const raw = page.locator('details[open] pre').first();
    expect(await raw.isVisible()).toBe(true);
    expect(await raw.textContent()).toContain(`"userAgent": ${JSON.stringify(HOSTILE)}`);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script, img').count()).toBe(0);

    await expectNoHorizontalScroll(page);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    const shot = await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(shot.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  });

  it('acknowledges with one tap: the POST comes back to the page with the flash and the new status', async () => {
    await Promise.all([page.waitForURL(/[?&]f=ok/), page.getByRole('button', { name: 'Acknowledge', exact: true }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/view/${CASE_ID}`);
    expect(mem.calls.map((c) => [c.verb.kind, c.viewer.id])).toEqual([['acknowledge', 'oncall-primary']]);
    expect(await page.getByRole('status').textContent()).toBe('Done: acknowledge.');
    expect(await page.getByRole('status').isVisible()).toBe(true);
    expect(await page.locator('header .pill').textContent()).toBe('Acknowledged');
    expect(await page.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0);
    expect(await page.getByText('acknowledged', { exact: true }).first().isVisible()).toBe(true);
    await expectNoHorizontalScroll(page);
    expect(problems).toEqual([]);
  });
});
