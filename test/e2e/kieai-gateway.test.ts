import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KieaiFake } from '../fakes/kieai/kieai-fake.js';
import { fakeMp4 } from '../fakes/fake-media.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The parts of a job resource these tests read. */
const JobSchema = z.looseObject({
  status: z.string(),
  provider: z.string().nullish(),
  outputs: z.array(z.object({ url: z.string() })).default([]),
  attempts: z.array(
    z.looseObject({ status: z.string(), error: z.object({ code: z.string() }).nullish() }),
  ),
  cost: z.looseObject({ actual_usd: z.number().nullish() }),
});

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: JobSchema.parse(await response.json()) };
}

describe('Kie.ai through a real gateway (pglite)', () => {
  let fake: KieaiFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await KieaiFake.start();
    test = await startTestGateway('pglite', {
      providers: [{ id: 'kieai', type: 'kieai', apiKey: 'test-key', baseUrl: fake.url }],
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should generate a veo-3-fast video on Kie.ai and serve it from the asset store', async () => {
    fake.setScenario('ok');
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'veo-3-fast',
      prompt: 'waves at night',
      aspect_ratio: '9:16',
    });
    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('kieai');
    expect(body.cost.actual_usd).toBeCloseTo(0.3);
    const submitted = fake.requests.find(
      (request) => request.method === 'POST' && request.path === '/api/v1/veo/generate',
    );
    expect(submitted?.json).toMatchObject({
      prompt: 'waves at night',
      model: 'veo3_fast',
      generationType: 'TEXT_2_VIDEO',
      aspectRatio: '9:16',
    });
    expect(submitted?.json).not.toHaveProperty('callBackUrl');
    const video = await fetch(body.outputs[0]!.url.replace(/^http:\/\/[^/]+/, test.url));
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(await fakeMp4())).toBe(true);
  });

  it('should fail the job with provider_insufficient_credits when Kie.ai answers code 402', async () => {
    fake.setScenario('insufficient_credits');
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'runway-gen3-alpha-turbo',
      prompt: 'a red kite',
    });
    fake.setScenario('ok');
    expect(body.status).toBe('failed');
    expect(body.attempts.map((attempt) => attempt.error?.code)).toContain(
      'provider_insufficient_credits',
    );
  });
});
