import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  S5GenerateAnswerSchema,
  S5ListAnswerSchema,
  S5StatusAnswerSchema,
} from '../../src/http/schemas/s5-video-schemas.js';
import { ReplicateFake } from '../fakes/replicate/replicate-fake.js';
import { ErrorBody, JobBody, JobListBody, waitForJob } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { downloadOutput } from '../helpers/provider-gateway.js';
import { createTestClock } from '../helpers/test-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The S5 document's generate example, byte for byte in its fields. */
const seedGenerateExample = {
  prompt: 'AI robot creating YouTube videos in futuristic neon studio',
  model: 'haiper/haiper-video-2',
  duration: 5,
  aspectRatio: '16:9',
};

/** A prediction create request as the Replicate fake recorded it. */
const PredictionCreate = z.looseObject({ input: z.record(z.string(), z.unknown()) });

async function generateVideo(test: TestGateway, body: Record<string, unknown>) {
  const { status, body: answer } = await postJson(`${test.url}/api/videos/generate`, body);
  return { status, answer };
}

/** Waits until no job of the gateway is in flight, so closing it interrupts no poll. */
async function settleJobs(test: TestGateway): Promise<void> {
  const list = JobListBody.parse((await getJson(`${test.url}/v1/generations?limit=100`)).body);
  for (const job of list.data) {
    if (!['succeeded', 'failed', 'canceled'].includes(job.status))
      await waitForJob(test.url, job.id);
  }
}

async function videoStatus(test: TestGateway, jobId: string) {
  const { status, body } = await getJson(`${test.url}/api/videos/status/${jobId}`);
  expect(status).toBe(200);
  return S5StatusAnswerSchema.strict().parse(body);
}

describe('S5 video engine routes (Replicate fake and the simulator)', () => {
  let fake: ReplicateFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await ReplicateFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'replicate', type: 'replicate', apiKey: 'test-key', baseUrl: fake.baseUrl },
        { id: 'simulator', type: 'simulator', latencyMs: { p50: 50, p95: 100 } },
      ],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    if (test) await settleJobs(test);
    await test?.close();
    await fake?.close();
  });

  it("should answer the seed's generate example, adjusting 5 s to Haiper's 6 s", async () => {
    const { status, answer } = await generateVideo(test, seedGenerateExample);
    expect(status).toBe(200);
    const generated = S5GenerateAnswerSchema.strict().parse(answer);
    expect(generated).toMatchObject({
      status: 'queued',
      provider: 'Replicate',
      tier: 'paid',
      estimatedTime: 90,
      // Haiper renders 4 or 6 s; 5 s is a tie, which goes to the longer: 6 s × $0.05.
      costUsd: 0.3,
      duration: 6,
      aspectRatio: '16:9',
    });
    expect(generated.jobId).toMatch(/^gen_/);
    expect(generated.warnings).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', parameter: 'duration' }),
    ]);
    // Answered once Replicate accepted it: the id is the prediction's.
    expect(fake.predictions.has(generated.providerJobId!)).toBe(true);
    expect(PredictionCreate.parse(fake.creates.at(-1)).input).toMatchObject({
      prompt: seedGenerateExample.prompt,
      duration: 6,
      aspect_ratio: '16:9',
    });

    // The change is on the native job too.
    const native = await waitForJob(test.url, generated.jobId);
    expect(native.status).toBe('succeeded');
    expect(native.warnings).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', parameter: 'duration' }),
    ]);

    const done = await videoStatus(test, generated.jobId);
    expect(done).toMatchObject({
      jobId: generated.jobId,
      status: 'completed',
      provider: 'Replicate',
      costUsd: 0.3,
      providerJobId: generated.providerJobId,
      error: null,
    });
    const video = await downloadOutput(test, done.videoUrl!);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('should take the short catalog key and charge a duration Haiper renders as asked', async () => {
    const { status, answer } = await generateVideo(test, {
      ...seedGenerateExample,
      model: 'haiper-v2',
      duration: 4,
    });
    expect(status).toBe(200);
    const generated = S5GenerateAnswerSchema.parse(answer);
    expect(generated).toMatchObject({ provider: 'Replicate', costUsd: 0.2, duration: 4 });
    expect(generated.warnings).toEqual([]);
  });

  it("should take Replicate's own model id as the full path too", async () => {
    const { answer } = await generateVideo(test, {
      ...seedGenerateExample,
      model: 'haiper-ai/haiper-video-2',
      duration: 6,
    });
    expect(S5GenerateAnswerSchema.parse(answer)).toMatchObject({
      provider: 'Replicate',
      costUsd: 0.3,
      warnings: [],
    });
  });

  it('should apply the seed defaults: 10 s (Haiper: 6 s) and 16:9', async () => {
    const { answer } = await generateVideo(test, { prompt: 'a quiet harbour', model: 'haiper-v2' });
    const generated = S5GenerateAnswerSchema.parse(answer);
    expect(generated).toMatchObject({ duration: 6, aspectRatio: '16:9', costUsd: 0.3 });
    expect(generated.warnings[0]?.message).toMatch(/10 s/);
    expect(PredictionCreate.parse(fake.creates.at(-1)).input).toMatchObject({
      duration: 6,
      aspect_ratio: '16:9',
    });

    // A model that renders 10 s renders the default as it is: the simulator (S5's Mock).
    const simulated = S5GenerateAnswerSchema.parse(
      (await generateVideo(test, { prompt: 'a quiet harbour', model: 'sim-video' })).answer,
    );
    expect(simulated).toMatchObject({
      provider: 'Mock',
      tier: 'free',
      duration: 10,
      aspectRatio: '16:9',
      costUsd: 0.1,
      warnings: [],
    });
  });

  it('should move an aspect ratio the model does not render to the nearest one', async () => {
    const { answer } = await generateVideo(test, {
      prompt: 'a wide canyon',
      model: 'sim-video',
      duration: 4,
      aspectRatio: '21:9',
    });
    const generated = S5GenerateAnswerSchema.parse(answer);
    expect(generated.aspectRatio).toBe('16:9');
    expect(generated.warnings).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', parameter: 'aspectRatio' }),
    ]);
  });

  it("should list a user's video jobs, newest first, with the limit", async () => {
    const ids: string[] = [];
    for (const prompt of ['first clip', 'second clip']) {
      const { answer } = await generateVideo(test, {
        prompt,
        model: 'sim-video',
        duration: 2,
        userId: 'user123',
      });
      ids.push(S5GenerateAnswerSchema.parse(answer).jobId);
    }
    await generateVideo(test, { prompt: 'not theirs', model: 'sim-video', userId: 'someone' });
    // An image job of the same user is not a video job.
    await postJson(`${test.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'a still',
      user: 'user123',
    });

    const { status, body } = await getJson(`${test.url}/api/videos/jobs?userId=user123&limit=10`);
    expect(status).toBe(200);
    const list = S5ListAnswerSchema.parse(body);
    expect(list.jobs.map((job) => job.id)).toEqual([...ids].reverse());
    expect(list.jobs[0]).toMatchObject({
      jobId: ids[1],
      prompt: 'second clip',
      model: 'sim-video',
      duration: 2,
      aspectRatio: '16:9',
      userId: 'user123',
      provider: 'Mock',
      thumbnailUrl: null,
    });

    const one = S5ListAnswerSchema.parse(
      (await getJson(`${test.url}/api/videos/jobs?userId=user123&limit=1`)).body,
    );
    expect(one.jobs.map((job) => job.id)).toEqual([ids[1]]);
  });

  it('should refuse an unknown model with 400 naming the video models', async () => {
    const { status, answer } = await generateVideo(test, {
      ...seedGenerateExample,
      model: 'haiper/haiper-video-9',
    });
    expect(status).toBe(400);
    const error = ErrorBody.parse(answer).error;
    expect(error.code).toBe('unknown_model');
    expect(error.message).toMatch(/haiper\/haiper-video-9/);
    expect(error.details?.available).toEqual(expect.arrayContaining(['haiper-v2', 'sim-video']));
  });

  it('should refuse an image model, a missing prompt and an unknown job clearly', async () => {
    const image = await generateVideo(test, { prompt: 'a still', model: 'sim-image' });
    expect(image.status).toBe(400);
    expect(ErrorBody.parse(image.answer).error.message).toMatch(/image/);

    const noPrompt = await generateVideo(test, { model: 'haiper-v2', duration: 5 });
    expect(noPrompt.status).toBe(400);
    expect(ErrorBody.parse(noPrompt.answer).error.code).toBe('invalid_request');

    const missing = await getJson(`${test.url}/api/videos/status/gen_00000000000000000000000000`);
    expect(missing.status).toBe(404);
    expect(ErrorBody.parse(missing.body).error.code).toBe('generation_not_found');
  });

  it('should keep the native API rejecting 5 s on Haiper with 400', async () => {
    const { status, body } = await postJson(`${test.url}/v1/generations`, {
      model: 'haiper-v2',
      prompt: 'x',
      duration: 5,
    });
    expect(status).toBe(400);
    expect(ErrorBody.parse(body).error.code).toBe('unsupported_parameter');
  });

  it('should document the routes under their own OpenAPI tag', async () => {
    const spec = z
      .looseObject({
        tags: z.array(z.looseObject({ name: z.string() })),
        paths: z.record(
          z.string(),
          z.record(z.string(), z.looseObject({ tags: z.array(z.string()) })),
        ),
      })
      .parse((await getJson(`${test.url}/openapi.json`)).body);
    expect(spec.tags.map((tag) => tag.name)).toContain('s5');
    for (const path of ['/api/videos/generate', '/api/videos/status/{jobId}', '/api/videos/jobs']) {
      expect(Object.values(spec.paths[path] ?? {})[0]?.tags).toEqual(['s5']);
    }
  });
});

describe('S5 estimatedTime from observed latency', () => {
  let fake: ReplicateFake;
  let test: TestGateway;
  beforeAll(async () => {
    // Predictions finish only when the test advances the fake's clock.
    fake = await ReplicateFake.start({ clock: createTestClock() });
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'replicate', type: 'replicate', apiKey: 'test-key', baseUrl: fake.baseUrl },
      ],
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should report the observed time to a result once a job of the model has finished', async () => {
    const first = S5GenerateAnswerSchema.parse(
      (await generateVideo(test, { ...seedGenerateExample, duration: 4 })).answer,
    );
    expect(first.estimatedTime).toBe(90);
    await fake.advance(1000);
    const finished = await waitForJob(test.url, first.jobId);
    expect(finished.status).toBe('succeeded');
    const seconds = (Date.parse(finished.completed_at!) - Date.parse(finished.created_at)) / 1000;

    const second = S5GenerateAnswerSchema.parse(
      (await generateVideo(test, { ...seedGenerateExample, duration: 4 })).answer,
    );
    // The API shows milliseconds; the database keeps microseconds (at most 1 ms more).
    expect([Math.max(1, Math.ceil(seconds)), Math.max(1, Math.ceil(seconds + 0.001))]).toContain(
      second.estimatedTime,
    );
    const stored = JobBody.parse(
      (await getJson(`${test.url}/v1/generations/${second.jobId}`)).body,
    );
    expect(stored.status).not.toBe('succeeded');
    await fake.advance(1000);
    expect((await waitForJob(test.url, second.jobId)).status).toBe('succeeded');
  });
});

describe('S5 chain exhausted', () => {
  const fakes: ReplicateFake[] = [];
  let test: TestGateway;
  beforeAll(async () => {
    const scenarios = ['auth_error', 'insufficient_credits', 'rate_limited'] as const;
    for (const scenario of scenarios) {
      const fake = await ReplicateFake.start();
      fake.setScenario(scenario);
      fakes.push(fake);
    }
    test = await startTestGateway('pglite', {
      providers: fakes.map((fake, index) => ({
        id: `replicate-${index + 1}`,
        type: 'replicate' as const,
        apiKey: 'test-key',
        baseUrl: fake.baseUrl,
      })),
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    for (const fake of fakes) await fake.close();
  });

  it("should answer the seed's message with each provider's reason", async () => {
    const { status, answer } = await generateVideo(test, seedGenerateExample);
    expect(status).toBe(503);
    const error = ErrorBody.parse(answer).error;
    expect(error.code).toBe('all_providers_failed');
    expect(error.message).toBe('All providers failed or exhausted');
    const details = z
      .object({
        jobId: z.string(),
        providers: z.array(
          z.looseObject({ provider: z.string(), providerId: z.string(), reason: z.string() }),
        ),
      })
      .parse(error.details);
    expect(
      details.providers.map(({ provider, providerId, reason }) => ({
        provider,
        providerId,
        reason,
      })),
    ).toEqual(
      expect.arrayContaining([
        { provider: 'Replicate', providerId: 'replicate-1', reason: 'authentication' },
        { provider: 'Replicate', providerId: 'replicate-2', reason: 'credits' },
        { provider: 'Replicate', providerId: 'replicate-3', reason: 'rate_limit' },
      ]),
    );
    expect(details.providers).toHaveLength(3);

    const failed = await videoStatus(test, details.jobId);
    expect(failed).toMatchObject({
      status: 'failed',
      videoUrl: null,
      error: { code: 'all_providers_failed', message: 'All providers failed or exhausted' },
    });
  });
});
