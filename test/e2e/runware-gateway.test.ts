import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunwareWebhookTokens } from '../../src/providers/runware/runware-webhook.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';

const webhookSecret = 'e2e-runware-webhook-secret';

const JobSchema = z.looseObject({
  status: z.string(),
  provider: z.string().nullable(),
  outputs: z.array(z.looseObject({ url: z.string(), mime_type: z.string() })),
  cost: z.looseObject({ actual_usd: z.number().nullable() }),
  warnings: z.array(z.looseObject({ code: z.string() })),
  attempts: z.array(
    z.looseObject({
      provider: z.string(),
      provider_job_id: z.string().nullable(),
      error: z.looseObject({ code: z.string() }).nullable(),
    }),
  ),
});

describe('Runware through a real gateway', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        {
          id: 'runware',
          type: 'runware',
          apiKey: 'test-key',
          baseUrl: fake.endpoint,
          webhookSecret,
        },
      ],
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

  it('should generate a FLUX image and serve it from the gateway asset store', async () => {
    const job = await generate({
      model: 'flux-schnell',
      prompt: 'a red balloon',
      width: 512,
      height: 512,
    });
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('runware');
    expect(job.cost.actual_usd).toBeCloseTo(0.0013);
    const file = await download(job.outputs[0]!.url);
    expect(file.type).toBe('image/png');
    expect(file.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('should generate a 720p Seedance video, warn about the native size, and cost it', async () => {
    const job = await generate({
      model: 'seedance-1-pro-fast',
      prompt: 'waves',
      resolution: '720p',
      duration: 5,
    });
    expect(job.status).toBe('succeeded');
    expect(job.warnings.map((warning) => warning.code)).toContain('parameter_adjusted');
    expect(job.cost.actual_usd).toBeCloseTo(0.07);
    const file = await download(job.outputs[0]!.url);
    expect(file.type).toBe('video/mp4');
    expect(file.bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(fake.lastTask()!.request).toMatchObject({ width: 1248, height: 704, duration: 5 });
  });

  it('should fail the job with provider_insufficient_credits on the attempt when credit is gone', async () => {
    fake.setScenario('insufficient_credits');
    const job = await generate({ model: 'flux-dev', prompt: 'no money', width: 512, height: 512 });
    expect(job.status).toBe('failed');
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]).toMatchObject({
      provider: 'runware',
      error: { code: 'provider_insufficient_credits' },
    });
  });

  it('should route a Runware callback through the gateway route and reject a forged one', async () => {
    const job = await generate({
      model: 'flux-schnell',
      prompt: 'a kite',
      width: 256,
      height: 256,
    });
    const taskUUID = job.attempts[0]!.provider_job_id!;
    const url = new RunwareWebhookTokens(webhookSecret).url(
      `${test.url}/v1/providers/runware/webhook`,
      taskUUID,
      1,
    );
    const post = (target: string) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fake.webhook(taskUUID, target).rawBody,
      });
    const accepted = await post(url);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ received: true, matched: true });
    const forged = await post(url.replace(/token=[^&]+/, 'token=forged'));
    expect(forged.status).toBe(401);
  });
});
