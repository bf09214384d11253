import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../fakes/fake-media.js';
import { backends } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'isolation-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const image = { model: 'sim-image', prompt: 'a red balloon', width: 64, height: 64 };
const video = { model: 'sim-video', prompt: 'waves', duration: 4, resolution: '720p' };

interface Job {
  id: string;
  status: string;
  outputs: { url: string }[];
}

/** What one tenant owns: a finished job, an unfinished one, an upload, an output file. */
interface Holdings {
  key: string;
  finished: Job;
  running: Job;
  uploadId: string;
  outputId: string;
}

async function send(
  url: string,
  key: string | undefined,
  options: { method?: string; body?: unknown; raw?: Buffer; type?: string } = {},
): Promise<{ status: number; body: unknown; bytes: number }> {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.raw) headers['content-type'] = options.type ?? 'image/png';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined && !options.raw ? 'GET' : 'POST'),
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const buffer = Buffer.from(await response.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(buffer.toString('utf8'));
  } catch {
    body = undefined;
  }
  return { status: response.status, body, bytes: buffer.length };
}

describe.each(backends)('tenant isolation (%s)', (backend) => {
  let gateway: TestGateway;
  const holdings: Record<'a' | 'b', Holdings> = {} as Record<'a' | 'b', Holdings>;
  beforeAll(async () => {
    gateway = await startTestGateway(backend, {
      adminKey,
      providers: [
        { id: 'simulator', type: 'simulator', models: ['sim-image'] },
        // Videos take ten minutes: they stay unfinished while the test cancels across tenants.
        {
          id: 'slow',
          type: 'simulator',
          models: ['sim-video'],
          latencyMs: { p50: 600_000, p95: 600_000 },
        },
      ],
    });
    const png = await fakePng();
    for (const name of ['a', 'b'] as const) {
      await send(`${gateway.url}/admin/tenants`, adminKey, { body: { name } });
      const key = (
        (await send(`${gateway.url}/admin/keys`, adminKey, { body: { tenant: name } })).body as {
          key: string;
        }
      ).key;
      const upload = await send(`${gateway.url}/v1/uploads`, key, { raw: png });
      expect(upload.status).toBe(201);
      const uploadId = (upload.body as { id: string }).id;
      const finished = await send(`${gateway.url}/v1/generations?wait=30`, key, {
        body: { ...image, input_images: [uploadId], model: 'sim-image' },
      });
      expect(finished.status).toBe(200);
      const running = await send(`${gateway.url}/v1/generations`, key, { body: video });
      expect(running.status).toBe(202);
      const job = finished.body as Job;
      holdings[name] = {
        key,
        finished: job,
        running: running.body as Job,
        uploadId,
        outputId: job.outputs[0]!.url.split('/').pop()!,
      };
    }
  });
  afterAll(async () => {
    await gateway?.close();
  });

  /** Jobs (unfinished ones still progress on their own: only their end counts), ratings, files. */
  async function snapshot() {
    const { rows } = await gateway.gateway.database.query<{ state: string }>(
      `SELECT json_build_object(
         'jobs', (SELECT json_agg(json_build_object('id', id, 'status', CASE WHEN status IN ('queued', 'submitted', 'running') THEN 'active' ELSE status END, 'tenant', tenant_id) ORDER BY id) FROM generations),
         'feedback', (SELECT count(*) FROM generation_feedback),
         'assets', (SELECT count(*) FROM assets))::text AS state`,
    );
    return rows[0]!.state;
  }

  it("should answer 404 on every route tried with another tenant's ids, and change nothing", async () => {
    const { a, b } = holdings;
    const before = await snapshot();
    const base = gateway.url;
    const attempts: [string, Awaited<ReturnType<typeof send>>][] = [
      ['get', await send(`${base}/v1/generations/${a.finished.id}`, b.key)],
      ['wait', await send(`${base}/v1/generations/${a.running.id}?wait=5`, b.key)],
      ['cancel', await send(`${base}/v1/generations/${a.running.id}/cancel`, b.key, { body: {} })],
      [
        'regenerate',
        await send(`${base}/v1/generations/${a.finished.id}/regenerate`, b.key, { body: {} }),
      ],
      [
        'feedback',
        await send(`${base}/v1/generations/${a.finished.id}/feedback`, b.key, {
          body: { rating: 1 },
        }),
      ],
      ['openai video', await send(`${base}/v1/videos/${a.running.id}`, b.key)],
      ['openai content', await send(`${base}/v1/videos/${a.finished.id}/content`, b.key)],
      ['output file', await send(`${base}/v1/assets/${a.outputId}`, b.key)],
      ['upload file', await send(`${base}/v1/assets/${a.uploadId}`, b.key)],
      ['s5 status', await send(`${base}/api/videos/status/${a.running.id}`, b.key)],
    ];
    for (const [route, answer] of attempts) expect(answer.status, route).toBe(404);
    // Another tenant's upload as an input is as unknown as a missing one.
    const borrowed = await send(`${base}/v1/generations`, b.key, {
      body: { ...image, input_images: [a.uploadId] },
    });
    expect(borrowed.status).toBe(400);
    expect((borrowed.body as { error: { code: string } }).error.code).toBe('asset_not_found');
    expect(await snapshot()).toBe(before);
  });

  it("should list only the caller's jobs, and every job for the admin key", async () => {
    const { a, b } = holdings;
    const ids = async (key: string) =>
      (
        (await send(`${gateway.url}/v1/generations?limit=100`, key)).body as { data: Job[] }
      ).data.map((job) => job.id);
    expect((await ids(a.key)).sort()).toEqual([a.finished.id, a.running.id].sort());
    expect((await ids(b.key)).sort()).toEqual([b.finished.id, b.running.id].sort());
    expect(await ids(adminKey)).toEqual(
      expect.arrayContaining([a.finished.id, a.running.id, b.finished.id, b.running.id]),
    );
    const adminGet = await send(`${gateway.url}/v1/generations/${a.finished.id}`, adminKey);
    expect(adminGet.status).toBe(200);
  });

  it('should let the owner act on its own jobs and serve output links without a key', async () => {
    const { a } = holdings;
    expect((await send(`${gateway.url}/v1/generations/${a.finished.id}`, a.key)).status).toBe(200);
    const file = await send(`${gateway.url}/v1/assets/${a.outputId}`, a.key);
    expect(file.status).toBe(200);
    // The link handed to an end user: no key needed (asset ids carry 80 random bits).
    const anonymous = await send(`${gateway.url}/v1/assets/${a.outputId}`, undefined);
    expect(anonymous.status).toBe(200);
    expect(anonymous.bytes).toBe(file.bytes);
    const feedback = await send(`${gateway.url}/v1/generations/${a.finished.id}/feedback`, a.key, {
      body: { rating: 5 },
    });
    expect(feedback.status).toBe(201);
    const canceled = await send(`${gateway.url}/v1/generations/${a.running.id}/cancel`, a.key, {
      body: {},
    });
    expect(canceled.status).toBe(200);
    expect((canceled.body as Job).status).toBe('canceled');
  });

  it('should record the tenant on its jobs and uploads, and none for the admin key', async () => {
    const asAdmin = await send(`${gateway.url}/v1/generations?wait=30`, adminKey, { body: image });
    const { rows } = await gateway.gateway.database.query<{ id: string; tenant_id: string | null }>(
      'SELECT id, tenant_id FROM generations',
    );
    const tenantOf = new Map(rows.map((row) => [row.id, row.tenant_id]));
    expect(tenantOf.get((asAdmin.body as Job).id)).toBeNull();
    const tenants = (
      (await send(`${gateway.url}/admin/tenants`, adminKey)).body as {
        data: { id: string; name: string }[];
      }
    ).data;
    const idOf = (name: string) => tenants.find((tenant) => tenant.name === name)!.id;
    expect(tenantOf.get(holdings.a.finished.id)).toBe(idOf('a'));
    expect(tenantOf.get(holdings.b.running.id)).toBe(idOf('b'));
    const uploads = await gateway.gateway.database.query<{ tenant_id: string | null }>(
      'SELECT tenant_id FROM assets WHERE id = $1',
      [holdings.b.uploadId],
    );
    expect(uploads.rows[0]?.tenant_id).toBe(idOf('b'));
  });

  it('should guard the S5 video routes with the same keys and keep their jobs per tenant', async () => {
    const { a, b } = holdings;
    const base = gateway.url;
    const body = { prompt: 'waves', model: 'sim-video', duration: 4, userId: 'shared-user' };
    const keyless = await send(`${base}/api/videos/generate`, undefined, { body });
    expect(keyless.status).toBe(401);
    expect((keyless.body as { error: { code: string } }).error.code).toBe('missing_api_key');
    const created = await send(`${base}/api/videos/generate`, a.key, { body });
    expect(created.status).toBe(200);
    const { jobId } = created.body as { jobId: string };
    expect((await send(`${base}/api/videos/status/${jobId}`, a.key)).status).toBe(200);
    expect((await send(`${base}/api/videos/status/${jobId}`, b.key)).status).toBe(404);
    const listed = async (key: string) =>
      (
        (await send(`${base}/api/videos/jobs?userId=shared-user`, key)).body as {
          jobs: { jobId: string }[];
        }
      ).jobs.map((job) => job.jobId);
    expect(await listed(a.key)).toEqual([jobId]);
    expect(await listed(b.key)).toEqual([]);
  });

  it('should keep idempotency keys apart between tenants', async () => {
    const { a, b } = holdings;
    const create = (key: string) =>
      fetch(`${gateway.url}/v1/generations`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': 'order-17',
        },
        body: JSON.stringify(image),
      }).then(async (response) => (await response.json()) as Job);
    const first = await create(a.key);
    const second = await create(b.key);
    expect(second.id).not.toBe(first.id);
    expect((await create(a.key)).id).toBe(first.id);
  });
});

describe('admin key on /admin', () => {
  it('should keep the existing admin auth', async () => {
    const gateway = await startTestGateway('pglite', { adminKey });
    try {
      const tenants = await fetch(`${gateway.url}/admin/tenants`, { headers: admin });
      expect(tenants.status).toBe(200);
      const wrong = await fetch(`${gateway.url}/admin/tenants`, {
        headers: { authorization: 'Bearer wrong' },
      });
      expect(wrong.status).toBe(401);
    } finally {
      await gateway.close();
    }
  });
});
