import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { JobBody, RoutingBody, waitForJob } from '../helpers/api-schemas.js';

const adminKey = 'test-admin-key-123';
const admin = { authorization: `Bearer ${adminKey}` };

/** `GET /api/health`: per-provider entries and the routing config. */
const HealthBody = z.looseObject({
  providers: z.record(
    z.string(),
    z.looseObject({ ok: z.boolean(), enabled: z.boolean(), circuit: z.string() }),
  ),
  config: z.looseObject({}),
});
const AuditListBody = z.looseObject({
  data: z.array(
    z.looseObject({ actor: z.string(), reason: z.string().nullable(), new_value: z.unknown() }),
  ),
});
const AlertListBody = z.looseObject({ data: z.array(z.looseObject({ alert_type: z.string() })) });
const RoutingMetricsBody = z.looseObject({
  providers: z.array(z.looseObject({ provider: z.string(), share: z.number() })),
});

/** Auth mode is on (the admin key is set), so every /v1 read carries the admin key. */
const waitFor = (url: string, id: string) => waitForJob(url, id, 30_000, admin);

async function put(url: string, body: unknown, headers: Record<string, string> = admin) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  return { status: response.status, body: answer };
}

describe.each(backends)('routing and control plane on %s', (backend) => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway(backend, {
      adminKey,
      providers: [
        {
          id: 'sim-a',
          type: 'simulator',
          latencyMs: { p50: 50, p95: 100 },
          models: ['sim-image'],
          costPerImage: 0.004,
          qualityScore: 60,
        },
        {
          id: 'sim-b',
          type: 'simulator',
          latencyMs: { p50: 50, p95: 100 },
          models: ['sim-image'],
          costPerImage: 0.001,
          qualityScore: 90,
        },
      ],
      health: {
        checkIntervalSeconds: 0,
        breaker: {
          consecutiveFailures: 3,
          failureRatio: 0.5,
          minimumRequests: 10,
          windowSeconds: 60,
          cooldownSeconds: 600,
        },
      },
      routing: { reloadIntervalSeconds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  const submit = async (user: string) =>
    JobBody.parse(
      (
        await postJson(
          `${test.url}/v1/generations`,
          {
            model: 'sim-image',
            prompt: 'routing',
            user,
            width: 64,
            height: 64,
          },
          admin,
        )
      ).body,
    );

  it('should split traffic by weight, sticky per user', async () => {
    const set = await put(`${test.url}/admin/routing/weights`, {
      weights: { 'sim-a': 0.9, 'sim-b': 0.1 },
      reason: 'D1',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      strategy: 'weighted',
      weights: { 'sim-a': 0.9, 'sim-b': 0.1 },
    });
    const ids: string[] = [];
    // Eight clients at a time; each id lands at its user's index.
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 200) {
          const index = next++;
          ids[index] = (await submit(`user-${index}`)).id;
        }
      }),
    );
    const providers = await Promise.all(
      ids.map(async (id) => (await waitFor(test.url, id)).provider),
    );
    const share = providers.filter((provider) => provider === 'sim-b').length / providers.length;
    // 200 draws at 10 %: a binomial standard deviation of ~2.1 points; allow 3.5 sigma.
    expect(share).toBeGreaterThan(0.1 - 0.075);
    expect(share).toBeLessThan(0.1 + 0.075);
    const again = await Promise.all(
      [3, 7, 11].map(
        async (index) => (await waitFor(test.url, (await submit(`user-${index}`)).id)).provider,
      ),
    );
    expect(again).toEqual([providers[3], providers[7], providers[11]]);
  });

  it('should obey the seed runbook SQL on feature_flags at once, and audit it as sql', async () => {
    const { database } = test.gateway;
    await database.query(
      `INSERT INTO feature_flags (flag_key, flag_value, flag_value_text, description)
       VALUES ('GEN_PROVIDER_WEIGHTS', true, '{"sim-a":0.0,"sim-b":1.0}', 'Provider weights')
       ON CONFLICT (flag_key) DO UPDATE SET flag_value_text = EXCLUDED.flag_value_text, updated_at = now()`,
    );
    const deadline = Date.now() + 1000;
    let routing = RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
    while (routing.weights['sim-a'] !== 0 && Date.now() < deadline)
      routing = RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
    expect(routing.weights).toEqual({ 'sim-a': 0, 'sim-b': 1 });
    const job = await waitFor(test.url, (await submit('runbook-user')).id);
    expect(job.provider).toBe('sim-b');
    await database.query(
      `UPDATE feature_flags SET flag_value_text = '{"sim-a":1.0,"sim-b":0.0}' WHERE flag_key = 'GEN_PROVIDER_WEIGHTS'`,
    );
    await test.gateway.controlPlane.reload();
    expect((await waitFor(test.url, (await submit('runbook-user')).id)).provider).toBe('sim-a');
    const audit = AuditListBody.parse(
      (await getJson(`${test.url}/admin/audit?key=GEN_PROVIDER_WEIGHTS`, admin)).body,
    ).data;
    expect(audit[0]).toMatchObject({
      actor: 'sql',
      new_value: { flag_value_text: '{"sim-a":1.0,"sim-b":0.0}' },
    });
    expect(audit.some((entry) => entry.actor === 'admin' && entry.reason === 'D1')).toBe(true);
  });

  it('should follow strategy, primary and chain changes, globally and per model', async () => {
    await put(`${test.url}/admin/routing/strategy`, { strategy: 'cost_optimized' });
    expect((await waitFor(test.url, (await submit('cheap')).id)).provider).toBe('sim-b');
    await put(`${test.url}/admin/routing/strategy`, { strategy: 'primary_first' });
    await put(`${test.url}/admin/routing/primary`, { provider: 'sim-a' });
    expect((await waitFor(test.url, (await submit('primary')).id)).provider).toBe('sim-a');
    await put(`${test.url}/admin/routing/chain`, { chain: ['sim-b', 'sim-a'], model: 'sim-image' });
    expect((await waitFor(test.url, (await submit('chain')).id)).provider).toBe('sim-b');
    await put(`${test.url}/admin/routing/strategy`, {
      strategy: 'quality_focused',
      model: 'sim-image',
    });
    expect((await waitFor(test.url, (await submit('quality')).id)).provider).toBe('sim-b');
    const cleared = await fetch(
      `${test.url}/admin/routing/overrides/GEN_PROVIDER_CHAIN:sim-image`,
      { method: 'DELETE', headers: admin },
    );
    expect(cleared.status).toBe(200);
    await fetch(`${test.url}/admin/routing/overrides/GEN_ROUTING_STRATEGY:sim-image`, {
      method: 'DELETE',
      headers: admin,
    });
    expect((await waitFor(test.url, (await submit('primary-again')).id)).provider).toBe('sim-a');
  });

  it('should reject bad control-plane input with clear errors', async () => {
    expect(
      (await put(`${test.url}/admin/routing/weights`, { weights: { 'sim-a': -1 } })).status,
    ).toBe(400);
    expect(
      (await put(`${test.url}/admin/routing/weights`, { weights: { 'sim-a': 0, 'sim-b': 0 } }))
        .status,
    ).toBe(400);
    const unknown = await put(`${test.url}/admin/routing/weights`, { weights: { nobody: 1 } });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'unknown_provider' } } });
    expect((await put(`${test.url}/admin/routing/strategy`, { strategy: 'fastest' })).status).toBe(
      400,
    );
    expect(
      (await put(`${test.url}/admin/routing/weights`, { weights: { 'sim-a': 1 } }, {})).status,
    ).toBe(401);
    const before = RoutingBody.parse(
      (await getJson(`${test.url}/admin/routing`, admin)).body,
    ).strategy;
    await test.gateway.database.query(
      `UPDATE feature_flags SET flag_value_text = 'not-a-strategy' WHERE flag_key = 'GEN_ROUTING_STRATEGY'`,
    );
    await test.gateway.controlPlane.reload();
    const routing = RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body);
    expect(routing.errors).toEqual([
      { key: 'GEN_ROUTING_STRATEGY', message: "unknown strategy 'not-a-strategy'" },
    ]);
    // The last good value stays in force until the row is fixed.
    expect(routing.strategy).toBe(before);
    await put(`${test.url}/admin/routing/strategy`, { strategy: before });
    expect(
      RoutingBody.parse((await getJson(`${test.url}/admin/routing`, admin)).body).errors,
    ).toEqual([]);
  });

  it('should switch a provider off everywhere and refuse pinned requests with 403', async () => {
    const disabled = await fetch(`${test.url}/admin/providers/sim-a/disable`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'maintenance' }),
    });
    expect(await disabled.json()).toEqual({ id: 'sim-a', enabled: false });
    const pinned = await postJson(
      `${test.url}/v1/generations`,
      {
        model: 'sim-image',
        prompt: 'x',
        provider: 'sim-a',
      },
      admin,
    );
    expect(pinned.status).toBe(403);
    expect((await waitFor(test.url, (await submit('after-disable')).id)).provider).toBe('sim-b');
    const health = HealthBody.parse((await getJson(`${test.url}/api/health`)).body);
    expect(health.providers['sim-a']).toMatchObject({ ok: false, enabled: false });
    const flag = await test.gateway.database.query<{ flag_value: boolean }>(
      `SELECT flag_value FROM feature_flags WHERE flag_key = 'SIM_A_ENABLED'`,
    );
    expect(flag.rows[0]?.flag_value).toBe(false);
    await fetch(`${test.url}/admin/providers/sim-a/enable`, { method: 'POST', headers: admin });
    expect(test.gateway.instances.get('sim-a')?.enabled).toBe(true);
  });

  it('should open the breaker of a provider that starts failing, move traffic, and show no client an error', async () => {
    await put(`${test.url}/admin/routing/strategy`, { strategy: 'primary_first' });
    await put(`${test.url}/admin/routing/primary`, { provider: 'sim-a' });
    const patched = await fetch(`${test.url}/admin/providers/sim-a`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ failureRate: 1, failureKinds: ['server_error'] }),
    });
    expect(patched.status).toBe(200);
    // A drill is a control-plane change like any other: stored, audited, applied everywhere.
    const profileAudit = AuditListBody.parse(
      (await getJson(`${test.url}/admin/audit?key=SIMULATOR_PROFILE:sim-a`, admin)).body,
    );
    expect(profileAudit.data[0]?.actor).toBe('admin');
    const ids: string[] = [];
    // The first jobs one at a time, each to its end, so the breaker's count is not raced by
    // attempts already in flight when it opens; the rest of the storm all at once.
    for (let index = 0; index < 5; index++) {
      const id = (await submit(`storm-${index}`)).id;
      await waitFor(test.url, id);
      ids.push(id);
    }
    for (let index = 5; index < 20; index++) ids.push((await submit(`storm-${index}`)).id);
    const jobs = await Promise.all(ids.map((id) => waitFor(test.url, id)));
    expect(jobs.map((job) => job.status)).toEqual(ids.map(() => 'succeeded'));
    expect(jobs.every((job) => job.provider === 'sim-b')).toBe(true);
    const triedOnA = jobs.filter((job) =>
      job.attempts.some((attempt) => attempt.provider === 'sim-a'),
    ).length;
    // Three consecutive failures open the breaker; after that sim-a is only a last resort.
    expect(triedOnA).toBeLessThanOrEqual(3 + 1);
    const health = HealthBody.parse((await getJson(`${test.url}/api/health`)).body);
    expect(health.providers['sim-a']?.circuit).toBe('open');
    expect(health.providers['sim-b']).toMatchObject({ ok: true, circuit: 'closed' });
    const alerts = AlertListBody.parse(
      (await getJson(`${test.url}/admin/alerts`, admin)).body,
    ).data;
    expect(alerts.some((alert) => alert.alert_type === 'circuit_opened')).toBe(true);
    await fetch(`${test.url}/admin/providers/sim-a`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ failureRate: 0 }),
    });
  });

  it('should expose /api/health with the seed contract and Prometheus /metrics', async () => {
    const health = HealthBody.parse((await getJson(`${test.url}/api/health`)).body);
    for (const id of ['sim-a', 'sim-b']) {
      expect(Object.keys(health.providers[id]!)).toEqual(
        expect.arrayContaining([
          'ok',
          'latency_ms',
          'error',
          'configured',
          'deprecated',
          'circuit',
          'credits',
        ]),
      );
    }
    expect(Object.keys(health.config)).toEqual(
      expect.arrayContaining(['primary', 'strategy', 'weights']),
    );
    expect(health.providers.runware).toMatchObject({ configured: false });
    const metrics = await (await fetch(`${test.url}/metrics`)).text();
    expect(metrics).toMatch(
      /switchyard_provider_requests_total\{provider="sim-b",model="sim-image",phase="submit",outcome="ok"\} \d+/,
    );
    expect(metrics).toMatch(
      /switchyard_provider_failures_total\{provider="sim-a",model="sim-image",code="provider_unavailable"\} \d+/,
    );
    expect(metrics).toMatch(/switchyard_provider_circuit_state\{provider="sim-a"\} 2/);
    expect(metrics).toMatch(/switchyard_jobs\{status="succeeded"\} \d+/);
    expect(metrics).toContain('switchyard_provider_latency_seconds_bucket');
    expect(metrics).toContain('switchyard_cost_usd_total');
  });

  it('should record routing events and the observed split', async () => {
    await test.gateway.analytics.flush();
    const events = await test.gateway.database.query<{ event_type: string; count: number }>(
      `SELECT event_type, count(*)::int AS count FROM analytics_events GROUP BY event_type`,
    );
    const counts = Object.fromEntries(events.rows.map((row) => [row.event_type, row.count]));
    expect(counts.gen_route).toBeGreaterThan(200);
    expect(counts.gen_ok).toBeGreaterThan(200);
    const route = await test.gateway.database.query<{
      details: { candidates: string[] };
      strategy: string;
    }>(`SELECT details, strategy FROM analytics_events WHERE event_type = 'gen_route' LIMIT 1`);
    expect(route.rows[0]?.details.candidates.length).toBeGreaterThan(0);
    const metrics = RoutingMetricsBody.parse(
      (await getJson(`${test.url}/admin/routing/metrics?window_seconds=600`, admin)).body,
    );
    const shares = metrics.providers.map((entry) => entry.share);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1);
  });
});
