import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GoogleFake } from '../fakes/google/google-fake.js';
import { postJson } from '../helpers/http-client.js';
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

  const download = (url: string) => fetch(url.replace(/^http:\/\/[^/]+/, test.url));

  it('should generate a Gemini image and serve it from the asset store', async () => {
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'gemini-2.5-flash-image',
      prompt: 'a paper lantern',
      aspect_ratio: '3:2',
    });
    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('google');
    expect(body.cost.actual_usd).toBeCloseTo(0.039, 6);
    const image = await download(body.outputs[0].url);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('should generate a Veo video, download the file URI with the key and store the MP4', async () => {
    const { body } = await postJson(`${test.url}/v1/generations?wait=30`, {
      model: 'veo-3-fast',
      prompt: 'waves on a beach',
      duration: 4,
      aspect_ratio: '9:16',
    });
    expect(body.status).toBe('succeeded');
    expect(body.attempts[0].provider_job_id).toMatch(/operations\//);
    expect(body.cost.actual_usd).toBeCloseTo(0.4, 6);
    const fileCall = fake.server.requests.find((request) => request.path.endsWith(':download'));
    expect(fileCall?.headers['x-goog-api-key']).toBe('test-key');
    const video = await download(body.outputs[0].url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    expect(JSON.stringify(body)).not.toContain('test-key');
  });

  it('should fail the job with provider_insufficient_credits when prepayment credits are depleted', async () => {
    fake.scenario = 'insufficient_credits';
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'veo-3-fast',
      prompt: 'a red balloon',
    });
    expect(body.status).toBe('failed');
    expect(body.error.code).toBe('all_providers_failed');
    expect(body.attempts).toHaveLength(1);
    expect(body.attempts[0].error.code).toBe('provider_insufficient_credits');
  });
});
