import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakePng } from '../fakes/fake-media.js';
import { ReplicateFake } from '../fakes/replicate/replicate-fake.js';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson } from '../helpers/http-client.js';
import { downloadOutput, generate } from '../helpers/provider-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { createTestClock } from '../helpers/test-clock.js';

/** Resolves once `condition` holds (checked every 10 ms; fails after 5 s). */
async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 500) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A prediction create request as the Replicate fake recorded it. */
const PredictionCreate = z.looseObject({
  input: z.record(z.string(), z.unknown()),
  webhook: z.string().optional(),
  webhook_events_filter: z.array(z.string()).optional(),
});

/** A port that was free a moment ago, so the gateway's public URL can be known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('replicate through a real gateway (polling)', () => {
  let fake: ReplicateFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await ReplicateFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'replicate', type: 'replicate', apiKey: 'test-key', baseUrl: fake.baseUrl },
      ],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should generate flux-schnell images and copy them into the asset store', async () => {
    const { status, job } = await generate(test, {
      model: 'flux-schnell',
      prompt: 'a paper lantern',
      width: 1344,
      height: 768,
      n: 2,
    });
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('replicate');
    expect(job.outputs).toHaveLength(2);
    expect(job.attempts[0]?.provider_model_id).toBe('black-forest-labs/flux-schnell');
    expect(job.cost.actual_usd).toBeCloseTo(0.006);
    const image = await downloadOutput(test, job.outputs[0]!.url);
    expect(image.contentType).toBe('image/png');
    expect(image.bytes.subarray(1, 4).toString()).toBe('PNG');
    const create = PredictionCreate.parse(fake.creates.at(-1));
    expect(create.input).toMatchObject({
      aspect_ratio: '16:9',
      megapixels: '1',
      num_outputs: 2,
      output_format: 'png',
    });
  });

  it('should send an uploaded input image inline to kling-v1.6-pro and store the MP4', async () => {
    const dataUri = `data:image/png;base64,${(await fakePng()).toString('base64')}`;
    const { job } = await generate(test, {
      model: 'kling-v1.6-pro',
      prompt: 'the lantern drifts upward',
      input_images: [dataUri],
      duration: 5,
    });
    expect(job.status).toBe('succeeded');
    expect(job.cost.actual_usd).toBeCloseTo(0.49);
    const video = await downloadOutput(test, job.outputs[0]!.url);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString()).toBe('ftyp');
    const create = PredictionCreate.parse(fake.creates.at(-1));
    expect(String(create.input.start_image)).toMatch(/^data:image\/png;base64,/);
  });

  it('should fail the job with provider_insufficient_credits when Replicate answers 402', async () => {
    fake.setScenario('insufficient_credits');
    try {
      const { job } = await generate(test, {
        model: 'haiper-v2',
        prompt: 'a storm at sea',
      });
      expect(job.status).toBe('failed');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]?.error?.code).toBe('provider_insufficient_credits');
      expect(job.attempts[0]?.error?.message).toMatch(/insufficient credit/i);
    } finally {
      fake.setScenario('ok');
    }
  });
});

describe('replicate through a real gateway (webhooks)', () => {
  let fake: ReplicateFake;
  let test: TestGateway;
  beforeAll(async () => {
    // The fake runs on a test clock: its predictions finish (and its webhook goes out) when the
    // test advances it.
    fake = await ReplicateFake.start({ clock: createTestClock() });
    const port = await freePort();
    test = await startTestGateway('pglite', {
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      providers: [
        { id: 'replicate', type: 'replicate', apiKey: 'test-key', baseUrl: fake.baseUrl },
      ],
      // Polls would only start after 10 s: the job completes long before any poll.
      jobs: { pollInitialMs: 2000, pollMaxMs: 10_000 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it("should complete a job from Replicate's signed completion webhook", async () => {
    const creates = fake.creates.length;
    const generation = generate(test, { model: 'haiper-v2', prompt: 'fog over a harbour' }, 8);
    await until(() => fake.creates.length > creates);
    // The prediction runs its course (starting, processing) and Replicate calls back.
    await fake.advance(1000);
    const { job } = await generation;
    expect(job.status).toBe('succeeded');
    // The webhook finished the job: the gateway never polled the prediction.
    expect(
      fake.requests.filter(
        (request) => request.method === 'GET' && request.path.startsWith('/v1/predictions/'),
      ),
    ).toEqual([]);
    const create = PredictionCreate.parse(fake.creates.at(-1));
    expect(create.webhook).toBe(`${test.url}/v1/providers/replicate/webhook`);
    expect(create.webhook_events_filter).toEqual(['completed']);
    expect(fake.deliveries.at(-1)).toMatchObject({
      status: 200,
      predictionId: job.attempts[0]?.provider_job_id,
    });
    const stored = JobBody.parse((await getJson(`${test.url}/v1/generations/${job.id}`)).body);
    expect(stored.outputs[0]?.mime_type).toBe('video/mp4');
    expect(stored.cost.actual_usd).toBeCloseTo(0.2);
  });

  it('should reject a forged webhook with 401', async () => {
    const prediction = [...fake.predictions.keys()].at(-1)!;
    const forged = await fake.buildWebhook(prediction, { forge: true });
    const response = await fetch(`${test.url}/v1/providers/replicate/webhook`, {
      method: 'POST',
      headers: forged.headers as Record<string, string>,
      body: forged.rawBody,
    });
    expect(response.status).toBe(401);
  });
});
