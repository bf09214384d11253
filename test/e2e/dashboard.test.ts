import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dashboardAdminKey, startDashboardGateway } from '../helpers/dashboard-gateway.js';
import {
  buildDashboard,
  openDashboardBrowser,
  type DashboardBrowser,
} from '../helpers/dashboard-browser.js';
import type { TestGateway } from '../helpers/test-gateway.js';

const admin = { authorization: `Bearer ${dashboardAdminKey}`, 'content-type': 'application/json' };

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: admin,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

async function openPage(page: Page, url: string, title: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

describe('the dashboard', { timeout: 120_000 }, () => {
  let test: TestGateway;
  let browser: DashboardBrowser;
  let page: Page;
  beforeAll(async () => {
    buildDashboard();
    test = await startDashboardGateway();
    browser = await openDashboardBrowser();
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('should serve the app with an SPA fallback, hashed assets cached for good, outside the /v1 auth', async () => {
    const index = await fetch(`${test.url}/dashboard/jobs/some-job`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${test.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${test.url}/dashboard`, { redirect: 'manual' })).status).toBe(302);
    const escaped = await fetch(`${test.url}/dashboard/%2e%2e/%2e%2e/package.json`);
    expect(await escaped.text()).not.toContain('"name": "switchyard"');
    expect((await fetch(`${test.url}/dashboard/`)).status).toBe(200);
  });

  it('should refuse a wrong key and log in with the admin key', async () => {
    await page.goto(`${test.url}/dashboard/`);
    await browser.screenshot('login-1280');
    await page.getByLabel('Admin key').fill('wrong-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /admin key/i })
      .waitFor();
    // The refused key's 401 is the only error the browser may log in the whole run.
    expect(browser.consoleErrors).toEqual([
      'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
    browser.consoleErrors.length = 0;
    await page.getByLabel('Admin key').fill(dashboardAdminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('switchyard.adminKey')")).toBe(
      dashboardAdminKey,
    );
  });

  it('should preview a weight change and apply the new split with its reason', async () => {
    await openPage(page, `${test.url}/dashboard/providers`, 'Providers');
    const preview = page.getByTestId('split-preview');
    await expect
      .poll(() => preview.locator('[data-provider="sim-a"]').textContent())
      .toContain('50.0 %');
    await page.getByLabel('Reason for changes').fill('shift to sim-a');
    await page.getByLabel('sim-a', { exact: true }).fill('3');
    await page.getByLabel('sim-b', { exact: true }).fill('1');
    await expect
      .poll(() => preview.locator('[data-provider="sim-a"]').textContent())
      .toContain('75.0 %');
    // Not saved yet: the split in force is unchanged.
    const current = page.getByTestId('split-current');
    expect(await current.locator('[data-provider="sim-a"]').textContent()).toContain('50.0 %');
    await page.getByRole('button', { name: 'Save weights' }).click();
    await expect
      .poll(() => current.locator('[data-provider="sim-a"]').textContent())
      .toContain('75.0 %');
    const routing = (await call(`${test.url}/admin/routing`, 'GET')) as { weights: unknown };
    expect(routing.weights).toEqual({ 'sim-a': 3, 'sim-b': 1 });
    const audit = (await call(`${test.url}/admin/audit?limit=1`, 'GET')) as {
      data: { actor: string; reason: string }[];
    };
    expect(audit.data[0]).toMatchObject({ actor: 'dashboard', reason: 'shift to sim-a' });
    await browser.screenshot('providers-1280');
  });

  it('should have logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
