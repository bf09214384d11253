import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai/openai-fake.js';
import { soraRelayOffering } from '../fakes/openai/openai-relay-offering.js';
import { downloadOutput, generate } from '../helpers/provider-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('openai through a real gateway', () => {
  let fake: OpenAIFake;
  let test: TestGateway;
  beforeAll(async () => {
    // OpenAI shut its Videos API down; a relay that still serves Sora keeps that path covered.
    fake = await OpenAIFake.start({ apiKey: 'test-key', relay: true });
    test = await startTestGateway('pglite', {
      providers: [
        {
          id: 'openai',
          type: 'openai',
          apiKey: 'test-key',
          baseUrl: fake.baseUrl,
          models: [soraRelayOffering],
        },
      ],
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

  it('should generate a gpt-image-2 image, store it and charge the token cost', async () => {
    const { status, job } = await generate(test, {
      model: 'gpt-image-2',
      prompt: 'a paper lantern',
      width: 1024,
      height: 1024,
      quality: 'fast',
    });
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('openai');
    expect(job.attempts[0]?.provider_job_id).toMatch(/^req_/);
    // 12 text tokens at $5/M + 272 output tokens at $30/M, as the fake reports.
    expect(job.cost.actual_usd).toBeCloseTo(0.00822, 6);
    const sent = fake.submissionRequests().at(-1)!.json;
    expect(sent).toMatchObject({ model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1 });
    const image = await downloadOutput(test, job.outputs[0]!.url);
    expect(image.contentType).toBe('image/png');
    expect(image.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('should serve a client that still names the retired gpt-image-1 with its successor gpt-image-2', async () => {
    const { status, job } = await generate(test, {
      model: 'gpt-image-1',
      prompt: 'a paper lantern',
      width: 1024,
      height: 1024,
    });
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(job.model).toBe('gpt-image-2');
    expect(fake.submissionRequests().at(-1)!.json).toMatchObject({ model: 'gpt-image-2' });
  });

  it('should generate a sora-2 video on a relay and copy the MP4 from /content into the asset store', async () => {
    const { job } = await generate(
      test,
      { model: 'sora-2', prompt: 'waves on a beach', duration: 4, aspect_ratio: '9:16' },
      30,
    );
    expect(job.status).toBe('succeeded');
    expect(job.attempts[0]?.provider_job_id).toMatch(/^video_/);
    expect(job.cost.actual_usd).toBeCloseTo(0.4, 6);
    const contentCall = fake.server.requests.find((request) => request.path.endsWith('/content'));
    expect(contentCall?.headers.authorization).toBe('Bearer test-key');
    const video = await downloadOutput(test, job.outputs[0]!.url);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(JSON.stringify(job)).not.toContain('test-key');
  });

  it('should fail the job with provider_insufficient_credits when the quota is exhausted', async () => {
    fake.scenario = 'insufficient_credits';
    const { job } = await generate(test, { model: 'gpt-image-2', prompt: 'a red balloon' });
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('all_providers_failed');
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]?.error?.code).toBe('provider_insufficient_credits');
  });
});
