import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'tenant-admin-operator-key';

async function call(
  url: string,
  key: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const Created = z.looseObject({ id: z.string() });
const KeyList = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), tenant_id: z.string() })),
});
const Usage = z.looseObject({ data: z.array(z.looseObject({ tenant_id: z.string().optional() })) });

/**
 * A tenant key with the `admin` scope administers its own tenant: its keys, its usage, its
 * jobs (through /v1); the operator's routes and other tenants stay out of its reach.
 */
describe('tenant admins', { timeout: 120_000 }, () => {
  let test: TestGateway;
  const tenants: Record<
    'acme' | 'globex',
    { id: string; adminKey: string; keyId: string; jobId: string }
  > = {} as never;
  const url = (path: string) => `${test.url}${path}`;

  beforeAll(async () => {
    test = await startTestGateway('pglite', { adminKey });
    for (const name of ['acme', 'globex'] as const) {
      const tenant = Created.parse(
        (await call(url('/admin/tenants'), adminKey, 'POST', { name })).body,
      );
      const key = z.looseObject({ id: z.string(), key: z.string() }).parse(
        (
          await call(url('/admin/keys'), adminKey, 'POST', {
            tenant: tenant.id,
            name: `${name} admin`,
            scopes: ['generate', 'read', 'admin'],
          })
        ).body,
      );
      const job = Created.parse(
        (
          await call(url('/v1/generations?wait=30'), key.key, 'POST', {
            model: 'sim-image',
            prompt: `${name}'s balloon`,
            width: 64,
            height: 64,
          })
        ).body,
      );
      tenants[name] = { id: tenant.id, adminKey: key.key, keyId: key.id, jobId: job.id };
    }
  });
  afterAll(async () => {
    await test?.close();
  });

  it("should see and manage only its own tenant's keys", async () => {
    const { acme, globex } = tenants;
    const listed = KeyList.parse((await call(url('/admin/keys'), acme.adminKey)).body);
    expect(listed.data.map((key) => key.id)).toEqual([acme.keyId]);
    // Asking for another tenant's keys, or one of them by id, finds nothing.
    expect((await call(url(`/admin/keys?tenant=${globex.id}`), acme.adminKey)).status).toBe(404);
    expect((await call(url(`/admin/keys/${globex.keyId}`), acme.adminKey)).status).toBe(404);
    expect((await call(url(`/admin/keys/${globex.keyId}`), acme.adminKey, 'DELETE')).status).toBe(
      404,
    );
    expect(
      (await call(url('/admin/keys'), acme.adminKey, 'POST', { tenant: globex.id })).status,
    ).toBe(404);
    // Its own: a new read-only key, renamed, then revoked.
    const made = z.looseObject({ id: z.string(), key: z.string(), tenant_id: z.string() }).parse(
      (
        await call(url('/admin/keys'), acme.adminKey, 'POST', {
          tenant: acme.id,
          scopes: ['read'],
        })
      ).body,
    );
    expect(made.tenant_id).toBe(acme.id);
    expect(
      (await call(url(`/admin/keys/${made.id}`), acme.adminKey, 'PATCH', { name: 'reader' }))
        .status,
    ).toBe(200);
    expect((await call(url(`/admin/keys/${made.id}`), acme.adminKey, 'DELETE')).status).toBe(200);
    expect((await call(url(`/admin/tenants/${acme.id}`), acme.adminKey)).body).toMatchObject({
      id: acme.id,
      name: 'acme',
    });
    expect((await call(url(`/admin/tenants/${globex.id}`), acme.adminKey)).status).toBe(404);
    // The operator still sees every tenant's keys.
    const all = KeyList.parse((await call(url('/admin/keys'), adminKey)).body);
    expect(all.data.map((key) => key.tenant_id)).toEqual(
      expect.arrayContaining([acme.id, globex.id]),
    );
  });

  it("should see only its own tenant's jobs and usage", async () => {
    const { acme, globex } = tenants;
    const jobs = z
      .looseObject({ data: z.array(z.looseObject({ id: z.string() })) })
      .parse((await call(url('/v1/generations?limit=100'), acme.adminKey)).body);
    expect(jobs.data.map((job) => job.id)).toEqual([acme.jobId]);
    expect((await call(url(`/v1/generations/${globex.jobId}`), acme.adminKey)).status).toBe(404);
    const usage = Usage.parse((await call(url('/admin/usage'), acme.adminKey)).body);
    expect(usage.data.length).toBeGreaterThan(0);
    expect(usage.data.every((line) => line.tenant_id === acme.id)).toBe(true);
    expect((await call(url(`/admin/usage?tenant=${globex.id}`), acme.adminKey)).status).toBe(404);
    const everyone = Usage.parse((await call(url('/admin/usage'), adminKey)).body);
    expect(everyone.data.map((line) => line.tenant_id)).toEqual(
      expect.arrayContaining([acme.id, globex.id]),
    );
  });

  it('should tell the dashboard which admin it is', async () => {
    const { acme } = tenants;
    expect((await call(url('/admin/whoami'), adminKey)).body).toEqual({
      object: 'admin_caller',
      role: 'operator',
      tenant: null,
      scopes: ['generate', 'read', 'admin'],
    });
    expect((await call(url('/admin/whoami'), acme.adminKey)).body).toEqual({
      object: 'admin_caller',
      role: 'tenant_admin',
      tenant: { id: acme.id, name: 'acme' },
      scopes: ['generate', 'read', 'admin'],
    });
    const adminOnly = z.looseObject({ key: z.string() }).parse(
      (
        await call(url('/admin/keys'), adminKey, 'POST', {
          tenant: acme.id,
          name: 'console only',
          scopes: ['admin'],
        })
      ).body,
    );
    expect((await call(url('/admin/whoami'), adminOnly.key)).body).toMatchObject({
      role: 'tenant_admin',
      scopes: ['admin'],
    });
    const wrong = await call(url('/admin/whoami'), 'not-a-key');
    expect(wrong.status).toBe(401);
  });

  it("should not set a key's group or rate limits, which stay the operator's", async () => {
    const { acme } = tenants;
    for (const body of [
      { tenant: acme.id, group: 'premium' },
      { tenant: acme.id, rate_limit_rpm: 1_000_000 },
      { tenant: acme.id, max_concurrent_jobs: 1000 },
    ]) {
      const made = await call(url('/admin/keys'), acme.adminKey, 'POST', body);
      expect(made.status, JSON.stringify(body)).toBe(403);
      expect(ErrorBody.parse(made.body).error.code).toBe('operator_only');
    }
    for (const body of [{ group: 'premium' }, { rate_limit_rpm: null }]) {
      const changed = await call(url(`/admin/keys/${acme.keyId}`), acme.adminKey, 'PATCH', body);
      expect(changed.status, JSON.stringify(body)).toBe(403);
    }
    // The operator still sets them on the tenant's keys.
    const limited = await call(url(`/admin/keys/${acme.keyId}`), adminKey, 'PATCH', {
      rate_limit_rpm: 600,
    });
    expect(limited.body).toMatchObject({ rate_limit_rpm: 600 });
  });

  it('should be refused every operator route with 403 operator_only, naming the key it needs', async () => {
    const { acme } = tenants;
    // What a tenant admin may call (tenant-admin-auth.ts); every other admin route is the operator's.
    const ownRoutes = new Set([
      'get /admin/tenants/{id}',
      'get /admin/keys',
      'post /admin/keys',
      'get /admin/keys/{id}',
      'patch /admin/keys/{id}',
      'delete /admin/keys/{id}',
      'get /admin/usage',
      'get /admin/whoami',
    ]);
    const document = z
      .object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) })
      .parse((await call(url('/openapi.json'), adminKey)).body);
    const operatorRoutes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/admin/') || path.startsWith('/motif/services/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .filter((route) => !ownRoutes.has(route));
    expect(operatorRoutes.length).toBeGreaterThan(40);
    expect(operatorRoutes).toEqual(
      expect.arrayContaining([
        'get /admin/providers',
        'put /admin/routing/weights',
        'post /admin/rollouts',
        'get /admin/channels',
        'post /admin/tenants/{id}/balance',
        'post /admin/events/token',
        'get /motif/services/status',
        'post /motif/services/routing-strategy',
      ]),
    );
    const routingBefore = test.gateway.controlPlane.settings();
    for (const route of operatorRoutes) {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replaceAll(/\{[^}]+\}/g, acme.id);
      const body = method === 'get' || method === 'delete' ? undefined : {};
      const answer = await call(url(path), acme.adminKey, method.toUpperCase(), body);
      expect(answer.status, route).toBe(403);
      const { error } = ErrorBody.parse(answer.body);
      expect(error.code, route).toBe('operator_only');
      expect(error.message, route).toContain("the operator's admin key");
    }
    // Nothing was changed on the way.
    expect(test.gateway.controlPlane.settings()).toEqual(routingBefore);
  });

  it('should still answer a missing or wrong key on operator routes with 401', async () => {
    for (const path of ['/admin/providers', '/admin/rollouts', '/motif/services/status']) {
      const missing = await fetch(url(path));
      expect(missing.status, path).toBe(401);
      const wrong = await call(url(path), 'sy-not-a-real-key');
      expect(wrong.status, path).toBe(401);
      expect(ErrorBody.parse(wrong.body).error.code).toBe('unauthorized');
    }
  });

  it('should refuse a tenant key without the admin scope', async () => {
    const plain = z
      .looseObject({ key: z.string() })
      .parse((await call(url('/admin/keys'), adminKey, 'POST', { tenant: tenants.acme.id })).body);
    for (const path of ['/admin/keys', '/admin/providers', '/motif/services/status']) {
      const answer = await call(url(path), plain.key);
      expect(answer.status, path).toBe(401);
      expect(ErrorBody.parse(answer.body).error.code).toBe('unauthorized');
    }
  });
});
