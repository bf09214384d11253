import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config-schema.js';
import { createTestClock } from '../helpers/test-clock.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { jobWhen } from '../helpers/job-when.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'rate-limit-admin-key';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const image = { model: 'sim-image', prompt: 'a red balloon', width: 64, height: 64 };

interface Answer {
  status: number;
  headers: Headers;
  body: {
    id?: string;
    key?: string;
    status?: string;
    error?: { code: string; message: string; details?: object };
  };
}

async function send(
  url: string,
  key: string,
  options: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${key}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

async function createKey(url: string, body: object): Promise<string> {
  const created = await send(`${url}/admin/keys`, adminKey, { body });
  expect(created.status).toBe(201);
  return created.body.key!;
}

/** Videos take ten minutes: jobs stay unfinished for as long as a test needs them to. */
const providers: ConfigInput['providers'] = [
  { id: 'simulator', type: 'simulator', models: ['sim-image'], latencyMs: { p50: 5, p95: 10 } },
  { id: 'slow', type: 'simulator', models: ['sim-video'], latencyMs: { p50: 6e5, p95: 6e5 } },
];
const video = { model: 'sim-video', prompt: 'waves', duration: 4, resolution: '720p' };

function expectRefused(answer: Answer, code: string, maxRetryAfter: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body.error?.code).toBe(code);
  expect(answer.body.error?.message).toEqual(expect.any(String));
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
}

/** Two gateways on one PostgreSQL; with `redis`, both count in the same (per-run) namespace. */
describe.each(['redis', 'postgres'] as const)(
  'rate limits across two instances (%s store)',
  (store) => {
    const namespace = `switchyard-test-${randomBytes(6).toString('hex')}:`;
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let instances: TestGateway[] = [];
    let urls: string[] = [];
    beforeAll(async () => {
      database = await createPostgresDatabase();
      const config: Partial<ConfigInput> = {
        adminKey,
        secretKey: 'a-shared-secret-key-0123',
        providers,
        health: { checkIntervalSeconds: 0 },
        ...(store === 'redis' ? { redisUrl, rateLimits: { redisNamespace: namespace } } : {}),
      };
      instances = [
        await startTestGateway('postgres', config, { databaseUrl: database.url }),
        await startTestGateway('postgres', config, { databaseUrl: database.url }),
      ];
      urls = instances.map((instance) => instance.url);
      expect(
        (await send(`${urls[0]}/admin/tenants`, adminKey, { body: { name: 'acme' } })).status,
      ).toBe(201);
    });
    afterAll(async () => {
      for (const instance of instances) await instance.close();
      await database?.drop();
      if (store === 'redis') {
        const redis = new Redis(redisUrl);
        const keys = await redis.keys(`${namespace}*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    });

    it('should refuse the (N+1)th request of a key across both instances with 429 and Retry-After', async () => {
      const limit = 6;
      const key = await createKey(urls[0]!, { tenant: 'acme', rate_limit_rpm: limit });
      for (let index = 0; index < limit; index++) {
        const answer = await send(`${urls[index % 2]}/v1/models`, key);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(limit - index - 1));
      }
      for (const url of urls)
        expectRefused(await send(`${url}/v1/models`, key), 'rate_limited', 60);
      const refused = await send(`${urls[1]}/v1/generations`, key, { body: image });
      expectRefused(refused, 'rate_limited', 60);
      expect(refused.body.error?.details).toEqual({ limit, window_seconds: 60 });
    });

    it('should leave keys without a limit, the admin key and other keys alone', async () => {
      const unlimited = await createKey(urls[0]!, { tenant: 'acme' });
      const other = await createKey(urls[0]!, { tenant: 'acme', rate_limit_rpm: 3 });
      for (let index = 0; index < 20; index++) {
        const url = urls[index % 2]!;
        expect((await send(`${url}/v1/models`, unlimited)).status).toBe(200);
        expect((await send(`${url}/v1/models`, adminKey)).status).toBe(200);
      }
      for (let index = 0; index < 3; index++)
        expect((await send(`${urls[index % 2]}/v1/models`, other)).status).toBe(200);
    });

    it('should admit exactly max_concurrent_jobs unfinished jobs of a key racing on both instances', async () => {
      const limit = 3;
      const key = await createKey(urls[0]!, { tenant: 'acme', max_concurrent_jobs: limit });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          send(`${urls[index % 2]}/v1/generations`, key, { body: video }),
        ),
      );
      const accepted = answers.filter((answer) => answer.status === 202);
      expect(accepted).toHaveLength(limit);
      const refused = answers.filter((answer) => answer.status !== 202);
      for (const answer of refused) expectRefused(answer, 'concurrency_limit', 5);

      // A finished (here: canceled) job frees its slot on every instance. Canceled once running,
      // so that the cancel does not race the provider submission.
      const first = accepted[0]!.body.id!;
      // Read with the admin key (never counted).
      await jobWhen(instances, first, (job) => job.status === 'running', {
        authorization: `Bearer ${adminKey}`,
      });
      const canceled = await send(`${urls[1]}/v1/generations/${first}/cancel`, key, {
        method: 'POST',
      });
      expect(canceled.status).toBe(200);
      expect((await send(`${urls[1]}/v1/generations`, key, { body: video })).status).toBe(202);
      expectRefused(
        await send(`${urls[0]}/v1/generations`, key, { body: video }),
        'concurrency_limit',
        5,
      );
    });

    it('should not count the unfinished jobs of other keys or the admin key', async () => {
      const key = await createKey(urls[0]!, { tenant: 'acme', max_concurrent_jobs: 1 });
      for (let index = 0; index < 3; index++)
        expect(
          (await send(`${urls[index % 2]}/v1/generations`, adminKey, { body: video })).status,
        ).toBe(202);
      expect((await send(`${urls[0]}/v1/generations`, key, { body: video })).status).toBe(202);
    });
  },
);

describe('rate limits on one PGlite gateway with the config defaults and an injected clock', () => {
  const clock = createTestClock();
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(
      'pglite',
      {
        adminKey,
        providers,
        health: { checkIntervalSeconds: 0 },
        rateLimits: { defaultRequestsPerMinute: 3, defaultMaxConcurrentJobs: 1 },
      },
      { now: clock.now },
    );
    await send(`${gateway.url}/admin/tenants`, adminKey, { body: { name: 'acme' } });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('should apply the default to keys without a limit and start a new window a minute later', async () => {
    const key = await createKey(gateway.url, { tenant: 'acme' });
    const me = await send(`${gateway.url}/v1/me`, key);
    expect(me.body).toMatchObject({ rate_limit_rpm: 3, max_concurrent_jobs: 1 });
    for (let index = 0; index < 2; index++)
      expect((await send(`${gateway.url}/v1/models`, key)).status).toBe(200);
    clock.advance(30_000);
    const refused = await send(`${gateway.url}/v1/models`, key);
    expectRefused(refused, 'rate_limited', 30);
    clock.advance(30_000);
    expect((await send(`${gateway.url}/v1/models`, key)).status).toBe(200);
  });

  it('should let a key of its own override the defaults, and never limit the admin key', async () => {
    const key = await createKey(gateway.url, {
      tenant: 'acme',
      rate_limit_rpm: 50,
      max_concurrent_jobs: 2,
    });
    for (let index = 0; index < 2; index++)
      expect((await send(`${gateway.url}/v1/generations`, key, { body: video })).status).toBe(202);
    expectRefused(
      await send(`${gateway.url}/v1/generations`, key, { body: video }),
      'concurrency_limit',
      5,
    );
    for (let index = 0; index < 10; index++)
      expect((await send(`${gateway.url}/v1/models`, adminKey)).status).toBe(200);
  });
});

describe('a configured Redis that cannot be reached', () => {
  it('should stop the start with a message naming REDIS_URL', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-no-redis-'));
    try {
      await expect(
        startTestGateway('pglite', { redisUrl: 'redis://127.0.0.1:1' }, { dataDir }),
      ).rejects.toThrow(/REDIS_URL is set but Redis cannot be reached/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
