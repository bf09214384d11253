import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { S1GenerateAnswerSchema } from '../../src/http/schemas/s1-runware-schemas.js';
import { FakeHttpServer } from '../fakes/fake-http-server.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { seedExamples, seedFiles, type SeedSystem } from '../fixtures/seed-examples.js';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const repository = path.resolve(import.meta.dirname, '../..');
/** The seed documents live beside the project (`shared/seeds`), not in it: CI may lack them. */
const seedsDirectory = [
  process.env.SWITCHYARD_SEEDS_DIR,
  path.resolve(repository, '../shared/seeds'),
  '/work/shared/seeds',
].find((candidate) => candidate && existsSync(candidate));

/** A seed document as ASCII: S2's and S4's have broken encoding around intact ASCII. */
async function seedText(system: SeedSystem): Promise<string> {
  const raw = await readFile(path.join(seedsDirectory!, seedFiles[system]), 'latin1');
  return raw.replace(/[^\x00-\x7f]/g, '');
}

/** The fenced blocks of a document. */
function fencedBlocks(text: string): string[] {
  return [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
}

describe.skipIf(!seedsDirectory)('every example of the seed documents is replayed', () => {
  it.each(Object.keys(seedFiles) as SeedSystem[])(
    "should account for every block of %s's document",
    async (system) => {
      const text = await seedText(system);
      const entries = seedExamples.filter((entry) => entry.seed === system);
      const missing = entries.filter((entry) => !text.includes(entry.snippet));
      expect(missing.map((entry) => entry.snippet)).toEqual([]);
      const unaccounted = fencedBlocks(text).filter(
        (block) => !entries.some((entry) => block.includes(entry.snippet)),
      );
      expect(unaccounted).toEqual([]);
    },
  );
});

describe('the tests named by the seed example registry', () => {
  it('should each still contain its marker', async () => {
    const lost: string[] = [];
    for (const entry of seedExamples) {
      if (!('replayedBy' in entry)) continue;
      const source = await readFile(path.join(repository, entry.replayedBy.file), 'utf8');
      if (!source.includes(entry.replayedBy.marker))
        lost.push(`${entry.replayedBy.file}: ${entry.replayedBy.marker}`);
    }
    expect(lost).toEqual([]);
  });
});

/** S1's request example, byte for byte (its ```json block). */
const s1SeedRequestBody = `{
  "api_key": "RUNWARE_API_KEY",
  "image_url": "https://i.imgur.com/...",
  "prompt": "Cinematic motion...",
  "duration": 5,
  "resolution": "720p"
}`;

describe("S1's request example, byte for byte (Runware fake)", () => {
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      providers: [{ id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint }],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should answer 200 with the documented shape', async () => {
    const { status, body } = await postJson(
      `${test.url}/api/v3/runware/videos/generations`,
      s1SeedRequestBody,
    );
    expect(status).toBe(200);
    const answer = S1GenerateAnswerSchema.strict().parse(body);
    expect(answer.status).toBe('completed');
    expect(answer.result.video_url).toMatch(/^http/);
    expect(JSON.stringify(fake.lastTask()!.request)).toContain('https://i.imgur.com/...');
  });
});

/** S4's curl after the fix (`-d` argument), byte for byte. */
const s4SeedCurlBody = '{"model":"gen4_turbo","prompt_text":"test"}';

describe("S4's relay curl, byte for byte (a passthrough upstream)", () => {
  let upstream: FakeHttpServer;
  let test: TestGateway;
  let key: string;
  const adminKey = 'seed-replay-admin-key';
  beforeAll(async () => {
    upstream = await FakeHttpServer.start(() => ({ json: { id: 'task_0001' } }));
    test = await startTestGateway('pglite', {
      adminKey,
      secretKey: 'seed-replay-secret-key-0123456789',
      health: { checkIntervalSeconds: 0 },
    });
    const fixtures = tenantFixtures(test.url, adminKey);
    const channel = await postJson(
      `${test.url}/admin/channels`,
      {
        type: 'passthrough',
        name: 'bltcy',
        base_url: upstream.url,
        keys: ['upstream-key'],
        models: ['runway'],
      },
      fixtures.admin,
    );
    expect(channel.status).toBe(201);
    key = (await fixtures.tenantWithKey({ name: 'relay-user' })).key;
  });
  afterAll(async () => {
    await test?.close();
    await upstream?.close();
  });

  it("should forward the body untouched with the channel's key and pass the answer back", async () => {
    const response = await fetch(`${test.url}/runwayml/v1/image_to_video`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: s4SeedCurlBody,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'task_0001' });
    const seen = upstream.requests.at(-1)!;
    expect(seen.path).toBe('/v1/image_to_video');
    expect(seen.rawBody.toString()).toBe(s4SeedCurlBody);
    expect(seen.headers.authorization).toBe('Bearer upstream-key');
  });
});

/** The fields S2's health contract documents per provider. */
const s2HealthProviderFields = ['ok', 'latency_ms', 'error', 'configured', 'deprecated'];

describe("S2's health check and monitoring queries (rewritten for analytics_events)", () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'fal', type: 'simulator', latencyMs: { p50: 5, p95: 10 }, models: ['sim-image'] },
        { id: 'runware', type: 'simulator', latencyMs: { p50: 5, p95: 10 }, models: ['sim-image'] },
      ],
      routing: { strategy: 'weighted', weights: { fal: 0.9, runware: 0.1 }, primary: 'fal' },
    });
    for (let index = 0; index < 12; index++) {
      const generated = await postJson(`${test.url}/v1/generations?wait=30`, {
        model: 'sim-image',
        prompt: `runbook ${index}`,
        user: `user-${index}`,
      });
      expect(JobBody.parse(generated.body).status).toBe('succeeded');
      if (index === 0) {
        const id = JobBody.parse(generated.body).id;
        const redo = await postJson(`${test.url}/v1/generations/${id}/regenerate`, {});
        expect(redo.status).toBe(202);
      }
    }
    await test.gateway.analytics.flush();
  });
  afterAll(async () => {
    await test?.close();
  });

  it("should answer the runbook's /api/health with its fields and the weights in force", async () => {
    const { status, body } = await getJson(`${test.url}/api/health`);
    expect(status).toBe(200);
    const health = z
      .looseObject({
        providers: z.record(z.string(), z.looseObject({})),
        config: z.looseObject({ primary: z.string().nullable(), weights: z.unknown() }),
      })
      .parse(body);
    for (const provider of ['fal', 'runware'])
      expect(Object.keys(health.providers[provider]!)).toEqual(
        expect.arrayContaining(s2HealthProviderFields),
      );
    expect(health.config).toMatchObject({ primary: 'fal', weights: { fal: 0.9, runware: 0.1 } });
  });

  it('should run every rewritten monitoring query of the S2 migration page', async () => {
    const page = await readFile(
      path.join(repository, 'docs/migrating/s2-staged-provider-switch.md'),
      'utf8',
    );
    const queries = [...page.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(queries).toHaveLength(5);
    const results: Record<string, Record<string, unknown>[]> = {};
    for (const query of queries) {
      const { rows } = await test.gateway.database.query<Record<string, unknown>>(query);
      for (const column of Object.keys(rows[0] ?? {})) results[column] = rows;
    }
    const number = (value: unknown) => Number(value);
    expect(results.p95_latency_ms?.length).toBeGreaterThan(0);
    expect(
      results.failure_rate_percent?.every((row) => number(row.failure_rate_percent) === 0),
    ).toBe(true);
    expect(results.avg_cost_per_image?.every((row) => number(row.avg_cost_per_image) > 0)).toBe(
      true,
    );
    expect(
      number(results.regenerate_voucher_rate_percent?.[0]?.regenerate_voucher_rate_percent),
    ).toBeGreaterThan(0);
    const split = results.request_count ?? [];
    const total = split.reduce((sum, row) => sum + number(row.percentage), 0);
    expect(Math.round(total)).toBe(100);
  });
});
