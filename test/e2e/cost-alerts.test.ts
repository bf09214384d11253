import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CostAlert } from '../../src/analytics/cost-alert-evaluator.js';
import type { ConfigInput } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { createRunningClock, type TestClock } from '../helpers/test-clock.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'cost-alerts-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const image = { model: 'sim-image', prompt: 'a ledger', width: 64, height: 64 };
const day = 86_400_000;

interface AlertBody {
  alert_type: string;
  details: Record<string, unknown>;
}

/** A running clock moved to the next noon UTC, so one advance of a day crosses one midnight. */
function noonClock(): TestClock {
  const clock = createRunningClock();
  clock.advance((day / 2 - (Date.now() % day) + day) % day);
  return clock;
}

function costConfig(costAlerts: ConfigInput['costAlerts']): Partial<ConfigInput> {
  return {
    adminKey,
    providers: [
      {
        id: 'sim',
        type: 'simulator',
        costPerImage: 0.25,
        creditUsd: 10,
        latencyMs: { p50: 5, p95: 10 },
      },
    ],
    // Checks and ticks are driven by the test.
    health: { checkIntervalSeconds: 0 },
    costAlerts: { intervalSeconds: 3600, ...costAlerts },
  };
}

async function costAlerts(url: string, alertKey?: string): Promise<AlertBody[]> {
  const body = (await getJson(`${url}/admin/alerts?limit=200`, admin)).body as {
    data: AlertBody[];
  };
  return body.data
    .filter((alert) => typeof alert.details.alertKey === 'string')
    .filter((alert) => alertKey === undefined || alert.details.alertKey === alertKey)
    .reverse();
}

async function generate(test: TestGateway, key: string): Promise<void> {
  const answer = await postJson(`${test.url}/v1/generations?wait=30`, image, {
    authorization: `Bearer ${key}`,
  });
  expect(JobBody.parse(answer.body).status).toBe('succeeded');
}

async function tick(test: TestGateway): Promise<void> {
  await test.gateway.analytics.flush();
  await test.gateway.costAlerts.tick();
}

describe('cost alerts on PGlite', { timeout: 60_000 }, () => {
  let test: TestGateway;
  let key: string;
  let receiver: Server;
  const clock = noonClock();
  const delivered: { signature: string | undefined; body: { type: string; data: CostAlert } }[] =
    [];
  const notified: CostAlert[] = [];
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const signature = request.headers['webhook-signature'];
        delivered.push({
          signature: typeof signature === 'string' ? signature : undefined,
          body: JSON.parse(text) as { type: string; data: CostAlert },
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const logger = createLogger('info', {
      write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
    });
    test = await startTestGateway(
      'pglite',
      {
        ...costConfig({
          dailySpendUsd: {
            providers: { sim: 1 },
            models: { 'sim-image': 1.5 },
            tenants: { acme: 0.75, ghost: 0.01 },
          },
          creditBelowUsd: { sim: 5 },
        }),
        alerts: { webhookUrl: `http://127.0.0.1:${port}/alerts`, allowPrivateTargets: true },
      },
      {
        now: clock.now,
        logger,
        costAlertNotifiers: [{ notify: async (alert) => void notified.push(alert) }],
      },
    );
    key = (await tenantFixtures(test.url, adminKey).tenantWithKey({ name: 'acme' })).key;
  });
  afterAll(async () => {
    await test?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('should fire each spend threshold exactly once however many requests and ticks follow', async () => {
    for (let index = 0; index < 8; index++) {
      await generate(test, key);
      await tick(test);
    }
    await tick(test);
    await tick(test);
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    expect(await costAlerts(test.url, 'spend:provider:sim')).toEqual([
      expect.objectContaining({
        alert_type: 'daily_spend_exceeded',
        details: expect.objectContaining({
          scope: 'provider',
          subject: 'sim',
          period: today,
          state: 'firing',
          valueUsd: 1,
          thresholdUsd: 1,
        }),
      }),
    ]);
    expect(await costAlerts(test.url, 'spend:model:sim-image')).toEqual([
      expect.objectContaining({
        alert_type: 'daily_spend_exceeded',
        details: expect.objectContaining({ scope: 'model', valueUsd: 1.5, thresholdUsd: 1.5 }),
      }),
    ]);
    expect(await costAlerts(test.url, 'spend:tenant:acme')).toEqual([
      expect.objectContaining({
        alert_type: 'daily_spend_exceeded',
        details: expect.objectContaining({ scope: 'tenant', valueUsd: 0.75, thresholdUsd: 0.75 }),
      }),
    ]);
    expect(await costAlerts(test.url, 'spend:tenant:ghost')).toEqual([]);
    const isProviderAlert = (alert: CostAlert) => alert.details.alertKey === 'spend:provider:sim';
    expect(notified.filter(isProviderAlert)).toEqual([
      expect.objectContaining({ type: 'daily_spend_exceeded', severity: 'warning' }),
    ]);
    await vi.waitFor(() => expect(delivered).toHaveLength(3));
    expect(delivered.filter((entry) => isProviderAlert(entry.body.data))).toEqual([
      {
        signature: expect.stringMatching(/^v1,/),
        body: expect.objectContaining({ type: 'alert.daily_spend_exceeded' }),
      },
    ]);
    expect(
      logLines.filter(
        (line) =>
          line.alert === 'daily_spend_exceeded' &&
          line.alertKey === 'spend:provider:sim' &&
          String(line.msg).startsWith('ALERT '),
      ),
    ).toHaveLength(1);
    expect(
      logLines.filter((line) => line.key === 'costAlerts.dailySpendUsd.tenants.ghost'),
    ).toEqual([expect.objectContaining({ level: 40, tenant: 'ghost' })]);
  });

  it('should resolve daily spend alerts once on the next UTC day', async () => {
    const yesterday = new Date(clock.now()).toISOString().slice(0, 10);
    clock.advance(day);
    await tick(test);
    await tick(test);
    for (const alertKey of ['spend:provider:sim', 'spend:model:sim-image', 'spend:tenant:acme']) {
      const alerts = await costAlerts(test.url, alertKey);
      expect(alerts.map((alert) => alert.alert_type)).toEqual([
        'daily_spend_exceeded',
        'daily_spend_resolved',
      ]);
      expect(alerts[1]!.details).toMatchObject({ period: yesterday, state: 'resolved' });
    }
  });

  it('should fire again on a new day only when that day crosses too', async () => {
    for (let index = 0; index < 3; index++) {
      await generate(test, key);
      await tick(test);
    }
    expect(await costAlerts(test.url, 'spend:provider:sim')).toHaveLength(2);
    expect(await costAlerts(test.url, 'spend:tenant:acme')).toHaveLength(3);
  });

  it('should alert once when reported credit falls below its threshold and resolve on a top-up', async () => {
    const setCredit = async (creditUsd: number) => {
      const response = await fetch(`${test.url}/admin/providers/sim`, {
        method: 'PATCH',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ creditUsd }),
      });
      expect(response.status).toBe(200);
      clock.advance(1000);
      await test.gateway.health.runChecks();
    };
    await setCredit(10);
    await tick(test);
    expect(await costAlerts(test.url, 'credit:sim')).toEqual([]);
    await setCredit(3);
    await tick(test);
    await tick(test);
    await setCredit(2);
    await tick(test);
    expect(await costAlerts(test.url, 'credit:sim')).toEqual([
      expect.objectContaining({
        alert_type: 'provider_credit_low',
        details: expect.objectContaining({ state: 'firing', valueUsd: 3, thresholdUsd: 5 }),
      }),
    ]);
    await setCredit(25);
    await tick(test);
    await tick(test);
    expect((await costAlerts(test.url, 'credit:sim')).map((alert) => alert.alert_type)).toEqual([
      'provider_credit_low',
      'provider_credit_low_resolved',
    ]);
  });
});

describe('cost alert configuration', () => {
  it('should refuse to start with a threshold naming an unknown provider or model', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cost-alerts-'));
    try {
      await expect(
        startTestGateway(
          'pglite',
          costConfig({
            dailySpendUsd: { providers: { nope: 1 }, models: { 'no-such-model': 1 } },
            creditBelowUsd: { missing: 1 },
          }),
          { dataDir, databaseUrl: 'memory://' },
        ),
      ).rejects.toThrow(
        /costAlerts\.dailySpendUsd\.providers\.nope[\s\S]*costAlerts\.dailySpendUsd\.models\.no-such-model[\s\S]*costAlerts\.creditBelowUsd\.missing/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('cost alerts with two instances on PostgreSQL', { timeout: 90_000 }, () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let first: TestGateway;
  let second: TestGateway;
  let key: string;
  const clock = noonClock();

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const config = costConfig({ dailySpendUsd: { providers: { sim: 0.5 } } });
    const options = { now: clock.now, databaseUrl: database.url };
    first = await startTestGateway('postgres', config, options);
    second = await startTestGateway('postgres', config, options);
    key = (await tenantFixtures(first.url, adminKey).tenantWithKey({ name: 'acme' })).key;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  it('should fire and resolve once between them', async () => {
    for (let index = 0; index < 4; index++) {
      await generate(index % 2 ? second : first, key);
      await Promise.all([tick(first), tick(second), tick(first), tick(second)]);
    }
    expect(await costAlerts(first.url, 'spend:provider:sim')).toHaveLength(1);
    clock.advance(day);
    await Promise.all([tick(first), tick(second)]);
    await Promise.all([tick(first), tick(second)]);
    expect(
      (await costAlerts(second.url, 'spend:provider:sim')).map((alert) => alert.alert_type),
    ).toEqual(['daily_spend_exceeded', 'daily_spend_resolved']);
  });
});
