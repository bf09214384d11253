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

/**
 * Image (or `model`) jobs in the background, a few at a time, until stopped; `wait` holds each
 * request until its job ends, so that slow jobs do not pile up.
 */
function startTraffic(url: string, model = 'sim-image', wait = false) {
  let running = true;
  let sent = 0;
  const worker = async () => {
    while (running) {
      const response = await fetch(`${url}/v1/generations${wait ? '?wait=30' : ''}`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ model, prompt: 'traffic' }),
      });
      await response.arrayBuffer();
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  };
  const workers = [worker(), worker(), worker()];
  return {
    sent: () => sent,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function openPage(page: Page, url: string, title: string | RegExp): Promise<void> {
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

  it('should start a rollout, show its guardrails, and show the rollback once the canary degrades', async () => {
    await call(`${test.url}/admin/routing/weights`, 'PUT', { weights: { 'sim-a': 1, 'sim-b': 0 } });
    await openPage(page, `${test.url}/dashboard/rollouts`, 'Rollouts');
    await page.getByLabel('Baseline').selectOption('sim-a');
    await page.getByLabel('Canary').selectOption('sim-b');
    await page.getByLabel('Model').selectOption('sim-image');
    await page.getByLabel('Stages (weight:seconds)').fill('0.5:600, 1:0');
    await page.getByLabel('Evaluate every (s)').fill('0.5');
    await page.getByLabel('Reason', { exact: true }).fill('canary drill');
    await browser.screenshot('rollouts-1280');
    await page.getByRole('button', { name: 'Start rollout' }).click();
    await page.getByRole('heading', { level: 1, name: /sim-a → sim-b/ }).waitFor();
    const status = page.getByTestId('rollout-status');
    expect(await status.textContent()).toBe('active');
    // The page follows /admin/events (the rollback below arrives as an event; polling remains).
    await page.locator('html[data-live="connected"]').waitFor();
    const traffic = startTraffic(test.url);
    try {
      // Healthy first: the guardrails get samples and pass.
      await page
        .locator('[data-guardrail="failure_rate"]', { hasText: 'pass' })
        .waitFor({ timeout: 30_000 });
      await call(`${test.url}/admin/providers/sim-b`, 'PATCH', { failureRate: 1 });
      await page
        .getByTestId('rollout-status')
        .filter({ hasText: 'rolled back' })
        .waitFor({ timeout: 30_000 });
    } finally {
      await traffic.stop();
    }
    expect(await page.getByTestId('rollout-reason').textContent()).toMatch(/failure_rate/);
    await page.getByTestId('decisions').getByText('rolled back').waitFor();
    await page.getByRole('figure', { name: /Failure rate \(canary vs limit\)/ }).waitFor();
    // The statistical comparisons of the same evaluation, with their p-values.
    const comparisons = page.getByTestId('rollout-comparisons');
    expect(await comparisons.locator('[data-comparison]').count()).toBe(4);
    expect(await comparisons.locator('[data-comparison="p95_latency"]').textContent()).toMatch(/≤/);
    expect(traffic.sent()).toBeGreaterThan(10);
    await browser.screenshot('rollout-detail-1280');
    await call(`${test.url}/admin/providers/sim-b`, 'PATCH', { failureRate: 0 });
  });

  it('should show a shadow stage: copies, spend against its budget, and how it ended', async () => {
    // Video, so that the image rollout's degraded canary above is outside these windows.
    const started = (await call(`${test.url}/admin/rollouts`, 'POST', {
      baseline: 'sim-a',
      canary: 'sim-b',
      model: 'sim-video',
      stages: [
        { weight: 0.5, minDurationSeconds: 600 },
        { weight: 1, minDurationSeconds: 0 },
      ],
      intervalSeconds: 0.5,
      shadow: { fraction: 1, budgetUsd: 0.5 },
      reason: 'shadow drill',
    })) as { id: string; weights: Record<string, number> };
    expect(started.weights).toEqual({ 'sim-a': 1, 'sim-b': 0 });
    await openPage(page, `${test.url}/dashboard/rollouts/${started.id}`, /sim-a → sim-b/);
    const card = page.getByTestId('shadow-stage');
    const status = page.getByTestId('shadow-status');
    await status.filter({ hasText: 'running' }).waitFor();
    const traffic = startTraffic(test.url, 'sim-video', true);
    try {
      // The budget runs out, the copies passed every guardrail: the first live stage starts.
      await status.filter({ hasText: 'promoted' }).waitFor({ timeout: 60_000 });
    } finally {
      await traffic.stop();
    }
    await card.getByText(/budget spent at .*: no further copies/).waitFor();
    const copies = Number(await page.getByTestId('shadow-copies').textContent());
    expect(copies).toBeGreaterThan(0);
    expect(await page.getByTestId('shadow-spend').textContent()).toMatch(/ of \$0\.5000$/);
    expect(await card.locator('tbody tr').count()).toBe(Math.min(5, copies));
    await page
      .getByTestId('decisions')
      .getByText(/every guardrail held/)
      .waitFor();
    await browser.screenshot('rollout-detail-shadow-1280');
    await call(`${test.url}/admin/rollouts/${started.id}/rollback`, 'POST', {
      reason: 'drill over',
    });
  });

  it('should chart the traffic per provider on the overview, for all models or one', async () => {
    await openPage(page, `${test.url}/dashboard/`, 'Overview');
    const requests = page.getByRole('figure', { name: /^Requests per minute/ });
    await requests.waitFor();
    const label = await requests.getAttribute('aria-label');
    expect(label).toMatch(/sim-a: [\d.]+, sim-b: [\d.]+/);
    const split = page.getByTestId('live-split');
    expect(await split.locator('[data-provider="sim-a"]').textContent()).toMatch(/sim-a [\d.]+ %/);
    const filtered = page.waitForRequest(
      (request) =>
        request.url().includes('/admin/analytics/series?') &&
        request.url().includes('model=sim-video'),
    );
    await page.getByLabel('Model').selectOption('sim-video');
    await filtered;
  });

  it('should list jobs, open one and play its video', async () => {
    const job = (await call(`${test.url}/v1/generations`, 'POST', {
      model: 'sim-video',
      prompt: 'a lighthouse at dusk',
      duration: 2,
    })) as { id: string };
    await openPage(page, `${test.url}/dashboard/jobs`, 'Jobs');
    await page.getByLabel('Model').selectOption('sim-video');
    await page.getByRole('link', { name: `Job ${job.id}` }).click();
    await page.getByRole('heading', { level: 1, name: /Job/ }).waitFor();
    await page
      .getByTestId('job-status')
      .filter({ hasText: 'succeeded' })
      .waitFor({ timeout: 30_000 });
    const video = page.getByTestId('output-video');
    await video.waitFor();
    // Runs in the page: the element is the <video>, typed here without the DOM library.
    const played = await video.evaluate(async (element) => {
      const player = element as unknown as {
        muted: boolean;
        play(): Promise<void>;
        duration: number;
        currentTime: number;
        error: { code: number } | null;
      };
      player.muted = true;
      await player.play();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return {
        duration: player.duration,
        time: player.currentTime,
        error: player.error?.code ?? null,
      };
    });
    expect(played).toMatchObject({ error: null });
    expect(played.duration).toBeGreaterThan(0);
    expect(played.time).toBeGreaterThan(0);
    await browser.screenshot('job-video-1280');
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/dashboard/jobs/') && !url.pathname.endsWith(job.id),
    );
    await page.getByRole('link', { name: job.id }).waitFor();
    await page
      .getByTestId('job-status')
      .filter({ hasText: 'succeeded' })
      .waitFor({ timeout: 30_000 });
  });

  it('should be usable from the keyboard alone', async () => {
    await openPage(page, `${test.url}/dashboard/`, 'Overview');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Overview');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    expect(page.url()).toBe(`${test.url}/dashboard/providers`);
  });

  it('should capture every page at desktop and phone sizes', async () => {
    // A tenant with a key and one settled job, so the ledger and tenancy pages have rows.
    const tenant = (await call(`${test.url}/admin/tenants`, 'POST', {
      name: 'party-app',
      balance_usd: 5,
    })) as { id: string };
    const { key } = (await call(`${test.url}/admin/keys`, 'POST', {
      tenant: tenant.id,
      name: 'web',
    })) as { key: string };
    const tenantJob = await fetch(`${test.url}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-image', prompt: 'balloons' }),
    });
    const { id: tenantJobId } = (await tenantJob.json()) as { id: string };
    await expect
      .poll(
        async () =>
          ((await call(`${test.url}/v1/generations/${tenantJobId}`, 'GET')) as { status: string })
            .status,
        { timeout: 15_000 },
      )
      .toBe('succeeded');
    const jobs = (await call(`${test.url}/v1/generations?limit=1`, 'GET')) as {
      data: { id: string }[];
    };
    const rollouts = (await call(`${test.url}/admin/rollouts`, 'GET')) as {
      data: { id: string }[];
    };
    const screens: [string, string, string | RegExp][] = [
      ['overview', '/', 'Overview'],
      ['providers', '/providers', 'Providers'],
      ['rollouts', '/rollouts', 'Rollouts'],
      ['rollout-detail', `/rollouts/${rollouts.data[0]?.id}`, /→/],
      ['jobs', '/jobs', 'Jobs'],
      ['job-detail', `/jobs/${jobs.data[0]?.id}`, /Job/],
      ['costs', '/costs', 'Costs'],
      ['audit', '/activity', 'Audit and alerts'],
      ['tenants', '/tenancy', 'Tenants, keys and channels'],
    ];
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [name, path, title] of screens) {
        await openPage(page, `${test.url}/dashboard${path}`, title);
        // Let the first poll of every panel land (charts, tables) before the picture.
        await page.waitForLoadState('networkidle');
        await browser.screenshot(`${name}-${width}`);
        const overflow = await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("should show a tenant admin only its tenant's jobs, usage and keys", async () => {
    const tenantWith = async (name: string, scopes: string[]) => {
      const tenant = (await call(`${test.url}/admin/tenants`, 'POST', { name })) as { id: string };
      const made = (await call(`${test.url}/admin/keys`, 'POST', {
        tenant: tenant.id,
        name: `${name} console`,
        scopes,
      })) as { id: string; key: string };
      const job = await fetch(`${test.url}/v1/generations?wait=30`, {
        method: 'POST',
        headers: { authorization: `Bearer ${made.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sim-image', prompt: `${name}'s kite` }),
      });
      const { id: jobId } = (await job.json()) as { id: string };
      return { id: tenant.id, key: made.key, keyId: made.id, jobId };
    };
    const own = await tenantWith('kite-studio', ['generate', 'read', 'admin']);
    const other = await tenantWith('other-studio', ['generate', 'read']);
    await page.goto(`${test.url}/dashboard/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin key').fill(own.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Its own jobs land first: the operator's overview is not its page.
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    expect(await page.getByTestId('signed-in-tenant').textContent()).toBe('kite-studio');
    const menu = page.getByRole('navigation', { name: 'Pages' }).getByRole('link');
    expect(await menu.allTextContents()).toEqual(['Jobs', 'Usage', 'Keys']);
    await page.locator(`[data-job="${own.jobId}"]`).waitFor();
    const listed = await page
      .locator('[data-job]')
      .evaluateAll((rows) =>
        rows.map((row) => (row as unknown as { dataset: { job: string } }).dataset.job),
      );
    expect(listed).toEqual([own.jobId]);
    await browser.screenshot('tenant-jobs-1280');

    await openPage(page, `${test.url}/dashboard/keys`, 'Keys');
    expect(await page.getByTestId('own-tenant').getByRole('heading').textContent()).toBe(
      'kite-studio',
    );
    await page.locator(`[data-key="${own.keyId}"]`).waitFor();
    expect(await page.locator('[data-key]').count()).toBe(1);
    expect(await page.locator(`[data-key="${other.keyId}"]`).count()).toBe(0);
    // A new key of its own, shown once, then listed (and usable on /v1).
    await page.getByLabel('Name', { exact: true }).fill('mobile');
    await page.getByRole('button', { name: 'Create key' }).click();
    const created = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(created).toMatch(/^sy-/);
    await expect.poll(() => page.locator('[data-key]').count()).toBe(2);
    const me = (await (
      await fetch(`${test.url}/v1/me`, { headers: { authorization: `Bearer ${created}` } })
    ).json()) as { tenant_id: string; scopes: string[] };
    expect(me.tenant_id).toBe(own.id);
    expect([...me.scopes].sort()).toEqual(['generate', 'read']);
    await browser.screenshot('tenant-keys-1280');

    await openPage(page, `${test.url}/dashboard/usage`, 'Usage');
    await expect
      .poll(() => page.getByTestId('usage-totals').textContent())
      .toMatch(/Settled jobs1Spend/);
    await browser.screenshot('tenant-usage-1280');
    // An operator page's address shows the tenant its jobs instead, never the operator's page.
    await page.goto(`${test.url}/dashboard/providers`);
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Providers' }).count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path, title] of [
      ['tenant-jobs', '/jobs', 'Jobs'],
      ['tenant-usage', '/usage', 'Usage'],
      ['tenant-keys', '/keys', 'Keys'],
    ] as const) {
      await openPage(page, `${test.url}/dashboard${path}`, title);
      await page.waitForLoadState('networkidle');
      await browser.screenshot(`${name}-390`);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${name} at 390 px scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // The operator's stream stays shut to this key; its pages poll.
    expect(await page.evaluate('document.documentElement.dataset.live')).toBe('polling');
  });

  it('should hide Jobs from a tenant admin whose key lacks read, and say so on a direct visit', async () => {
    const tenant = (await call(`${test.url}/admin/tenants`, 'POST', { name: 'billing-desk' })) as {
      id: string;
    };
    const { key } = (await call(`${test.url}/admin/keys`, 'POST', {
      tenant: tenant.id,
      name: 'billing console',
      scopes: ['admin'],
    })) as { key: string };
    const jobReads: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (new URL(request.url()).pathname.startsWith('/v1/generations'))
        jobReads.push(request.url());
    };
    await page.goto(`${test.url}/dashboard/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Counted from the sign-in on (the previous tenant admin's Jobs page polled before).
    page.on('request', onRequest);
    await page.getByLabel('Admin key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Without `read` its first page is Usage, and Jobs is not offered.
    await page.getByRole('heading', { level: 1, name: 'Usage' }).waitFor();
    const menu = page.getByRole('navigation', { name: 'Pages' }).getByRole('link');
    expect(await menu.allTextContents()).toEqual(['Usage', 'Keys']);
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await openPage(page, `${test.url}/dashboard/jobs`, 'Jobs');
      expect(await page.getByTestId('scope-notice').textContent()).toContain(
        'This key lacks the read scope',
      );
      await page.waitForLoadState('networkidle');
      await browser.screenshot(`tenant-no-read-jobs-${width}`);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `no-read jobs at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    page.off('request', onRequest);
    // The page never asked /v1 for what the key may not read.
    expect(jobReads).toEqual([]);
  });

  it('should have logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
