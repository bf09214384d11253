import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { createRunningClock } from '../helpers/test-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'quota-budgets-admin-key';
const image = { model: 'sim-image', prompt: 'a lantern', width: 64, height: 64 };
const day = 86_400_000;

interface UsageBody {
  tenant_id: string | null;
  balance_usd: number | null;
  data: Record<string, unknown>[];
  totals: { settled_jobs: number; spend_usd: number };
}

function runCli(url: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['bin/switchyard.js', '--url', url, ...args],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, SWITCHYARD_ADMIN_KEY: adminKey, SWITCHYARD_CLI_SOURCE: '1' },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('budgets, usage and balance on PGlite', { timeout: 60_000 }, () => {
  let gateway: TestGateway;
  let fixtures: ReturnType<typeof tenantFixtures>;
  // Starts at noon UTC so that one advance of a day crosses exactly one midnight.
  const clock = createRunningClock();
  clock.advance((day / 2 - (Date.now() % day) + day) % day);
  let acme: { tenant: { id: string }; key: string };
  let globex: { tenant: { id: string }; key: string };
  const generate = (key: string) =>
    postJson(`${gateway.url}/v1/generations?wait=30`, image, { authorization: `Bearer ${key}` });
  const budgetAlerts = async () =>
    (
      (await getJson(`${gateway.url}/admin/alerts`, fixtures.admin)).body as {
        data: { alert_type: string; details: Record<string, unknown> }[];
      }
    ).data.filter((alert) => alert.alert_type === 'budget_soft_limit_reached');

  beforeAll(async () => {
    gateway = await startTestGateway(
      'pglite',
      {
        adminKey,
        providers: [
          {
            id: 'simulator',
            type: 'simulator',
            costPerImage: 0.25,
            latencyMs: { p50: 10, p95: 20 },
          },
        ],
      },
      { now: clock.now },
    );
    fixtures = tenantFixtures(gateway.url, adminKey);
    acme = await fixtures.tenantWithKey({
      name: 'acme',
      budgets: { day: { soft_usd: 0.5, hard_usd: 0.75 } },
    });
    globex = await fixtures.tenantWithKey({ name: 'globex', balance_usd: 0.3 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('should alert once at the soft budget and refuse past the hard budget with 402', async () => {
    for (let index = 0; index < 3; index++) {
      const answer = await generate(acme.key);
      expect(JobBody.parse(answer.body).status).toBe('succeeded');
    }
    const refused = await generate(acme.key);
    expect(refused.status).toBe(402);
    const { error } = ErrorBody.parse(refused.body);
    expect(error.code).toBe('budget_exceeded');
    expect(error.details).toMatchObject({
      period: 'day',
      budget_usd: 0.75,
      spent_usd: 0.75,
      estimate_usd: 0.25,
    });
    await vi.waitFor(async () => expect(await budgetAlerts()).toHaveLength(1));
    expect((await budgetAlerts())[0]!.details).toMatchObject({
      tenant_id: acme.tenant.id,
      period: 'day',
      soft_limit_usd: 0.5,
    });
  });

  it('should open a new budget period at UTC midnight of the gateway clock', async () => {
    clock.advance(day);
    expect((await generate(acme.key)).status).toBe(200);
    expect((await generate(acme.key)).status).toBe(200);
    await vi.waitFor(async () => expect(await budgetAlerts()).toHaveLength(2));
  });

  it('should refuse what the balance cannot cover and accept again after a credit', async () => {
    expect((await generate(globex.key)).status).toBe(200);
    const refused = await generate(globex.key);
    expect(refused.status).toBe(402);
    expect(ErrorBody.parse(refused.body).error).toMatchObject({
      code: 'insufficient_quota',
      details: { balance_usd: 0.05, estimate_usd: 0.25, available_usd: 0.05 },
    });
    const added = await runCli(gateway.url, ['balance', 'add', '--tenant', 'globex', '--usd', '1']);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('balance 1.05 USD');
    expect((await generate(globex.key)).status).toBe(200);
    expect(await fixtures.tenant(globex.tenant.id)).toMatchObject({
      balance_usd: 0.8,
      reserved_usd: 0,
    });
  });

  it("should show a tenant key its own usage by day and model, and never another tenant's", async () => {
    const mine = (await getJson(`${gateway.url}/v1/usage`, { authorization: `Bearer ${acme.key}` }))
      .body as UsageBody;
    expect(mine.tenant_id).toBe(acme.tenant.id);
    expect(mine.data).toEqual([
      expect.objectContaining({ model: 'sim-image', settled_jobs: 3, spend_usd: 0.75 }),
      expect.objectContaining({ model: 'sim-image', settled_jobs: 2, spend_usd: 0.5 }),
    ]);
    expect(mine.data[0]).not.toHaveProperty('tenant_id');
    expect(mine.totals).toMatchObject({ settled_jobs: 5, spend_usd: 1.25 });
    const theirs = (
      await getJson(`${gateway.url}/v1/usage`, { authorization: `Bearer ${globex.key}` })
    ).body as UsageBody;
    expect(theirs).toMatchObject({ tenant_id: globex.tenant.id, balance_usd: 0.8 });
    expect(theirs.totals).toMatchObject({ settled_jobs: 2, spend_usd: 0.5 });
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const ranged = (
      await getJson(`${gateway.url}/v1/usage?from=${today}&to=${today}`, {
        authorization: `Bearer ${acme.key}`,
      })
    ).body as UsageBody;
    expect(ranged.totals).toMatchObject({ settled_jobs: 2, spend_usd: 0.5 });
  });

  it('should break admin usage down by tenant, key, model, provider and day, also from the CLI', async () => {
    const answer = (await getJson(`${gateway.url}/admin/usage?tenant=acme`, fixtures.admin))
      .body as UsageBody;
    expect(answer.data).toHaveLength(2);
    expect(answer.data[0]).toMatchObject({
      tenant_id: acme.tenant.id,
      api_key_id: expect.stringMatching(/^key_/),
      model: 'sim-image',
      provider: 'simulator',
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const all = await runCli(gateway.url, ['--json', 'usage']);
    expect(all).toMatchObject({ code: 0 });
    expect((JSON.parse(all.stdout) as UsageBody).totals).toMatchObject({
      settled_jobs: 7,
      spend_usd: 1.75,
    });
    const table = await runCli(gateway.url, ['usage', '--tenant', 'globex']);
    expect(table.stdout).toContain('simulator');
    expect(table.stdout).not.toContain(acme.tenant.id);
  });

  it("should answer 404 for an unknown tenant's balance and refuse a tenant key on the admin API", async () => {
    const missing = await postJson(
      `${gateway.url}/admin/tenants/nobody/balance`,
      { usd: 1 },
      fixtures.admin,
    );
    expect(missing.status).toBe(404);
    const denied = await postJson(
      `${gateway.url}/admin/tenants/acme/balance`,
      { usd: 1 },
      { authorization: `Bearer ${acme.key}` },
    );
    expect(denied.status).toBe(401);
  });
});
