import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GoogleFake } from '../fakes/google/google-fake.js';
import { downloadOutput, generate } from '../helpers/provider-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('google through a real gateway', () => {
  let fake: GoogleFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await GoogleFake.start({ apiKey: 'test-key' });
    test = await startTestGateway('pglite', {
      providers: [{ id: 'google', type: 'google', apiKey: 'test-key', baseUrl: fake.baseUrl }],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.scenario = 'ok';
  });

  it('should generate a Gemini image and serve it from the asset store', async () => {
    const { status, job } = await generate(test, {
      model: 'gemini-3.1-flash-image',
      prompt: 'a paper lantern',
      aspect_ratio: '3:2',
    });
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('google');
    expect(job.cost.actual_usd).toBeCloseTo(0.067, 6);
    const image = await downloadOutput(test, job.outputs[0]!.url);
    expect(image.contentType).toBe('image/png');
    expect(image.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('should generate a Veo video, download the file URI with the key and store the MP4', async () => {
    const { job } = await generate(
      test,
      { model: 'veo-3-fast', prompt: 'waves on a beach', duration: 4, aspect_ratio: '9:16' },
      30,
    );
    expect(job.status).toBe('succeeded');
    expect(job.attempts[0]?.provider_job_id).toMatch(/operations\//);
    expect(job.cost.actual_usd).toBeCloseTo(0.4, 6);
    const fileCall = fake.server.requests.find((request) => request.path.endsWith(':download'));
    expect(fileCall?.headers['x-goog-api-key']).toBe('test-key');
    const video = await downloadOutput(test, job.outputs[0]!.url);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(JSON.stringify(job)).not.toContain('test-key');
  });

  it('should fail the job with provider_insufficient_credits when prepayment credits are depleted', async () => {
    fake.scenario = 'insufficient_credits';
    const { job } = await generate(test, { model: 'veo-3-fast', prompt: 'a red balloon' });
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('all_providers_failed');
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]?.error?.code).toBe('provider_insufficient_credits');
  });
});
