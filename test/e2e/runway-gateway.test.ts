import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakePng } from '../fakes/fake-media.js';
import { RunwayFake } from '../fakes/runway/runway-fake.js';
import { downloadOutput, generate } from '../helpers/provider-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The part of an image_to_video request that the gateway sent to Runway's fake. */
const ImageToVideoRequest = z.looseObject({ promptImage: z.string() });

describe('runway through a real gateway', () => {
  let fake: RunwayFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwayFake.start();
    test = await startTestGateway('pglite', {
      // Runway's 5 s polling floor is dropped so the test's fast engine polls at its own pace.
      providers: [
        {
          id: 'runway',
          type: 'runway',
          apiKey: 'test-key',
          baseUrl: fake.url,
          minPollIntervalMs: 0,
        },
      ],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should animate an uploaded image with gen4_turbo and store the MP4', async () => {
    const dataUri = `data:image/png;base64,${(await fakePng()).toString('base64')}`;
    const { status, job } = await generate(test, {
      model: 'gen4_turbo',
      prompt: 'the lighthouse beam sweeps the sea',
      input_images: [dataUri],
      aspect_ratio: '9:16',
      duration: 5,
    });
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('runway');
    // Runway's own figure: 25 credits at $0.01.
    expect(job.cost.actual_usd).toBeCloseTo(0.25);
    const video = await downloadOutput(test, job.outputs[0]!.url);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString()).toBe('ftyp');
    const create = fake.requests.findLast((request) => request.path === '/v1/image_to_video')!;
    expect(create.headers['x-runway-version']).toBe('2024-11-06');
    expect(create.json).toMatchObject({
      model: 'gen4_turbo',
      ratio: '720:1280',
      duration: 5,
      promptText: 'the lighthouse beam sweeps the sea',
    });
    expect(ImageToVideoRequest.parse(create.json).promptImage).toMatch(/^data:image\/png;base64,/);
  });

  it('should generate a 720p gen4_image picture priced at 5 credits', async () => {
    const { job } = await generate(test, {
      model: 'gen4_image',
      prompt: 'a paper boat',
      width: 1280,
      height: 720,
    });
    expect(job.status).toBe('succeeded');
    expect(job.cost.estimated_usd).toBeCloseTo(0.05);
    expect(job.cost.actual_usd).toBeCloseTo(0.05);
    const image = await downloadOutput(test, job.outputs[0]!.url);
    expect(image.contentType).toBe('image/png');
  });

  it('should fail the job with provider_insufficient_credits when the balance is empty', async () => {
    fake.creditBalance = 0;
    try {
      const { job } = await generate(test, {
        model: 'gen4_image',
        prompt: 'a kite',
      });
      expect(job.status).toBe('failed');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]?.error?.code).toBe('provider_insufficient_credits');
      expect(job.attempts[0]?.error?.message).toMatch(/enough credits/);
    } finally {
      fake.creditBalance = 1000;
    }
  });
});
