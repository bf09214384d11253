import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunningClock } from '../helpers/test-clock.js';
import { jsonCall } from '../helpers/json-call.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'tenancy-admin-key';
const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
const image = { model: 'sim-image', prompt: 'a red balloon', width: 64, height: 64 };

interface ErrorBody {
  error: { code: string; message: string };
}

const call = jsonCall;

const code = (answer: { body: unknown }) => (answer.body as ErrorBody).error?.code;

describe('open mode (no SWITCHYARD_ADMIN_KEY)', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('should serve /v1 without a key and say it runs open', async () => {
    expect((await call(`${gateway.url}/v1/models`)).status).toBe(200);
    const created = await call(`${gateway.url}/v1/generations?wait=30`, { body: image });
    expect(created.status).toBe(200);
    expect((await call(`${gateway.url}/v1/me`)).body).toMatchObject({ kind: 'open' });
    expect((await call(`${gateway.url}/readyz`)).body).toMatchObject({ ok: true, auth: 'open' });
    // A key is simply ignored in open mode.
    expect(
      (await call(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sy-nope' } }))
        .status,
    ).toBe(200);
  });
});

describe('auth mode (SWITCHYARD_ADMIN_KEY set)', () => {
  let gateway: TestGateway;
  const clock = createRunningClock();
  beforeAll(async () => {
    gateway = await startTestGateway(
      'pglite',
      { adminKey, tenancy: { reloadIntervalSeconds: 3600 } },
      { now: clock.now },
    );
  });
  afterAll(async () => {
    await gateway?.close();
  });

  async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const answer = await call(`${gateway.url}/admin/keys`, { headers: admin, body });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; key: string };
  }

  it('should say so in /readyz and leave the operational routes open', async () => {
    const ready = await call(`${gateway.url}/readyz`);
    expect(ready.body).toMatchObject({ ok: true, auth: 'api_keys' });
    for (const path of ['/healthz', '/metrics', '/api/health', '/openapi.json', '/docs/'])
      expect((await call(`${gateway.url}${path}`)).status, path).toBe(200);
    // A provider callback is verified its own way: never missing_api_key.
    const webhook = await call(`${gateway.url}/v1/providers/simulator/webhook`, { body: {} });
    expect(code(webhook)).not.toBe('missing_api_key');
  });

  it('should answer 401 missing_api_key and invalid_api_key, and accept the admin key', async () => {
    const missing = await call(`${gateway.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(code(missing)).toBe('missing_api_key');
    const unknownRoute = await call(`${gateway.url}/v1/nothing-here`);
    expect(code(unknownRoute)).toBe('missing_api_key');
    for (const key of ['nope', `sy-${'A'.repeat(43)}`]) {
      const invalid = await call(`${gateway.url}/v1/models`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(invalid.status).toBe(401);
      expect(code(invalid)).toBe('invalid_api_key');
    }
    const asAdmin = await call(`${gateway.url}/v1/models`, { headers: admin });
    expect(asAdmin.status).toBe(200);
    expect((await call(`${gateway.url}/v1/me`, { headers: admin })).body).toMatchObject({
      kind: 'admin',
    });
  });

  it('should create tenants and keys shown once, stored only as a keyed hash', async () => {
    const tenant = await call(`${gateway.url}/admin/tenants`, {
      headers: admin,
      body: { name: 'acme', group: 'gold', balance_usd: 25 },
    });
    expect(tenant.status).toBe(201);
    expect(tenant.body).toMatchObject({ name: 'acme', group: 'gold', balance_usd: 25 });
    const duplicate = await call(`${gateway.url}/admin/tenants`, {
      headers: admin,
      body: { name: 'acme' },
    });
    expect(duplicate.status).toBe(409);
    const created = await createKey({ tenant: 'acme', name: 'web' });
    expect(created.key).toMatch(/^sy-[0-9A-Za-z]{43}$/);
    expect(created).toMatchObject({ prefix: created.key.slice(0, 11), name: 'web' });

    const listed = await call(`${gateway.url}/admin/keys?tenant=acme`, { headers: admin });
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
    expect((listed.body as { data: unknown[] }).data).toHaveLength(1);
    const fetched = await call(`${gateway.url}/admin/keys/${created.id}`, { headers: admin });
    expect(fetched.body).not.toHaveProperty('key');

    // Nowhere in the database: not in api_keys, not in any other table.
    const { rows } = await gateway.gateway.database.query<{ dump: string }>(
      `SELECT (SELECT json_agg(k)::text FROM api_keys k) || (SELECT json_agg(s)::text FROM gateway_settings s) AS dump`,
    );
    expect(rows[0]?.dump).toBeTruthy();
    expect(rows[0]?.dump).not.toContain(created.key);
    expect(rows[0]?.dump).not.toContain(created.key.slice(11));

    for (const headers of <Record<string, string>[]>[
      { authorization: `Bearer ${created.key}` },
      { 'x-api-key': created.key },
    ]) {
      const me = await call(`${gateway.url}/v1/me`, { headers });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'tenant', key_id: created.id, group: 'gold' });
    }
  });

  it('should refuse a scope the key lacks with 403 scope_denied', async () => {
    const readOnly = await createKey({ tenant: 'acme', scopes: ['read'] });
    const headers = { authorization: `Bearer ${readOnly.key}` };
    expect((await call(`${gateway.url}/v1/models`, { headers })).status).toBe(200);
    expect((await call(`${gateway.url}/v1/estimate`, { headers, body: image })).status).toBe(200);
    const refused = await call(`${gateway.url}/v1/generations`, { headers, body: image });
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('scope_denied');
    const generateOnly = await createKey({ tenant: 'acme', scopes: ['generate'] });
    const list = await call(`${gateway.url}/v1/generations`, {
      headers: { authorization: `Bearer ${generateOnly.key}` },
    });
    expect(code(list)).toBe('scope_denied');
  });

  it('should refuse a model outside the allow-list with 403 model_not_allowed', async () => {
    // acme's group (gold) has no channel; the key's own group reaches the config providers.
    const videoOnly = await createKey({ tenant: 'acme', models: ['sim-video'], group: 'default' });
    const headers = { authorization: `Bearer ${videoOnly.key}` };
    const refused = await call(`${gateway.url}/v1/generations`, { headers, body: image });
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('model_not_allowed');
    const openAi = await call(`${gateway.url}/v1/images/generations`, {
      headers,
      body: { model: 'sim-image', prompt: 'a cat', size: '256x256' },
    });
    expect(code(openAi)).toBe('model_not_allowed');
    const allowed = await call(`${gateway.url}/v1/generations`, {
      headers,
      body: { model: 'sim-video', prompt: 'waves', duration: 4, resolution: '720p' },
    });
    expect(allowed.status).toBe(202);
  });

  it('should refuse an expired key with 401 invalid_api_key (on the gateway clock)', async () => {
    const shortLived = await createKey({ tenant: 'acme', expires_in_seconds: 60 });
    const headers = { authorization: `Bearer ${shortLived.key}` };
    expect((await call(`${gateway.url}/v1/me`, { headers })).status).toBe(200);
    clock.advance(61_000);
    const expired = await call(`${gateway.url}/v1/me`, { headers });
    expect(expired.status).toBe(401);
    expect(code(expired)).toBe('invalid_api_key');
  });

  it('should honour the IP allow-list', async () => {
    const elsewhere = await createKey({ tenant: 'acme', allowed_ips: ['10.0.0.0/8'] });
    const refused = await call(`${gateway.url}/v1/me`, {
      headers: { authorization: `Bearer ${elsewhere.key}` },
    });
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('ip_not_allowed');
    const loopback = await createKey({ tenant: 'acme', allowed_ips: ['127.0.0.0/8', '::1'] });
    const served = await call(`${gateway.url}/v1/me`, {
      headers: { authorization: `Bearer ${loopback.key}` },
    });
    expect(served.status).toBe(200);
    const bad = await call(`${gateway.url}/admin/keys`, {
      headers: admin,
      body: { tenant: 'acme', allowed_ips: ['not-an-ip'] },
    });
    expect(bad.status).toBe(400);
  });

  it('should apply a revoke by the admin API and by plain SQL at once', async () => {
    const first = await createKey({ tenant: 'acme' });
    const second = await createKey({ tenant: 'acme' });
    const me = (key: string) =>
      call(`${gateway.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect((await me(first.key)).status).toBe(200);
    expect((await me(second.key)).status).toBe(200);

    const revoked = await call(`${gateway.url}/admin/keys/${first.id}`, {
      method: 'DELETE',
      headers: { authorization: admin.authorization },
    });
    expect(revoked.body).toMatchObject({ revoked_at: expect.any(String) });
    expect(code(await me(first.key))).toBe('invalid_api_key');

    // Plain SQL: only the trigger's NOTIFY can explain the refusal (the backstop is an hour
    // away); the test's timeout bounds the wait.
    await gateway.gateway.database.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [
      second.id,
    ]);
    while ((await me(second.key)).status === 200) await new Promise(setImmediate);
    expect(code(await me(second.key))).toBe('invalid_api_key');
  });

  it('should record last use lazily, in one batched write', async () => {
    const used = await createKey({ tenant: 'acme' });
    await call(`${gateway.url}/v1/me`, { headers: { authorization: `Bearer ${used.key}` } });
    const before = await call(`${gateway.url}/admin/keys/${used.id}`, { headers: admin });
    expect(before.body).toMatchObject({ last_used_at: null });
    await gateway.gateway.tenancy.cache.flush();
    const after = await call(`${gateway.url}/admin/keys/${used.id}`, { headers: admin });
    expect(after.body).toMatchObject({ last_used_at: expect.any(String) });
  });

  it("should keep the operator's admin routes from a tenant's admin key", async () => {
    // A tenant admin manages its own keys (test/e2e/tenant-admin.test.ts), not the tenant list.
    const key = await createKey({ tenant: 'acme', scopes: ['admin', 'read'] });
    const refused = await call(`${gateway.url}/admin/tenants`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(refused.status).toBe(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('operator_only');
    const tenants = await call(`${gateway.url}/admin/tenants`, { headers: admin });
    expect((tenants.body as { data: unknown[] }).data).toHaveLength(1);
  });
});
