import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { AimlapiFake } from '../fakes/aimlapi/aimlapi-fake.js';

const JobSchema = z.looseObject({
  status: z.string(),
  provider: z.string().nullable(),
  outputs: z.array(z.looseObject({ url: z.string() })),
  cost: z.looseObject({ actual_usd: z.number().nullable() }),
  attempts: z.array(
    z.looseObject({ provider: z.string(), error: z.looseObject({ code: z.string() }).nullable() }),
  ),
});

describe('AIMLAPI through a real gateway', () => {
  let fake: AimlapiFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await AimlapiFake.start();
    test = await startTestGateway('pglite', {
      providers: [{ id: 'aimlapi', type: 'aimlapi', apiKey: 'test-key', baseUrl: fake.url }],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  beforeEach(() => fake.setScenario('ok'));
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  async function generate(body: Record<string, unknown>) {
    const response = await fetch(`${test.url}/v1/generations?wait=30`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return JobSchema.parse(await response.json());
  }

  async function download(url: string) {
    const response = await fetch(url.replace(/^https?:\/\/[^/]+/, test.url));
    return {
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  it('should generate a Kling video and store it in the gateway', async () => {
    const job = await generate({ model: 'kling-v2-5-turbo-pro', prompt: 'a fox', duration: 5 });
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('aimlapi');
    expect(job.cost.actual_usd).toBeCloseTo(0.35);
    const file = await download(job.outputs[0]!.url);
    expect(file.type).toBe('video/mp4');
    expect(file.bytes.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('should generate a FLUX image synchronously', async () => {
    const job = await generate({
      model: 'flux-schnell',
      prompt: 'a kite',
      width: 512,
      height: 512,
    });
    expect(job.status).toBe('succeeded');
    const file = await download(job.outputs[0]!.url);
    expect(file.type).toBe('image/png');
  });

  it('should fail the job with provider_insufficient_credits when credit is gone', async () => {
    fake.setScenario('insufficient_credits');
    const job = await generate({ model: 'kling-v2-5-turbo-pro', prompt: 'broke' });
    expect(job.status).toBe('failed');
    expect(job.attempts[0]).toMatchObject({
      provider: 'aimlapi',
      error: { code: 'provider_insufficient_credits' },
    });
  });
});
