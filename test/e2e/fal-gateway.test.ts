import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FalFake } from '../fakes/fal/fal-fake.js';
import { fakeMp4, fakePng } from '../fakes/fake-media.js';
import { jobWhen } from '../helpers/job-when.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The parts of a job resource these tests read. */
const JobSchema = z.looseObject({
  status: z.string(),
  provider: z.string().nullish(),
  outputs: z.array(z.object({ url: z.string() })).default([]),
  id: z.string(),
  attempts: z.array(
    z.looseObject({
      status: z.string(),
      provider_job_id: z.string().nullish(),
      error: z.object({ code: z.string() }).nullish(),
    }),
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

describe('fal through a real gateway (pglite)', () => {
  let fake: FalFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await FalFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'fal', type: 'fal', apiKey: 'test-key', baseUrl: fake.url, jwksUrl: fake.jwksUrl },
      ],
      // The fake also serves the test's input image; a provider host is not a client source
      // unless configured.
      downloads: { allowedPrivateHosts: [new URL(fake.url).host] },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should generate a flux-schnell image on fal and serve it from the asset store', async () => {
    fake.setScenario('ok');
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'flux-schnell',
      prompt: 'a paper lantern',
      width: 512,
      height: 512,
      seed: 3,
    });
    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    expect(body.provider).toBe('fal');
    expect(body.attempts[0]!.status).toBe('succeeded');
    expect(body.cost.actual_usd).toBeCloseTo(0.003);
    const submitted = fake.requests.find(
      (request) => request.method === 'POST' && request.path === '/fal-ai/flux/schnell',
    );
    expect(submitted?.json).toMatchObject({
      prompt: 'a paper lantern',
      image_size: { width: 512, height: 512 },
      num_images: 1,
      seed: 3,
    });
    const image = await fetch(body.outputs[0]!.url.replace(/^http:\/\/[^/]+/, test.url));
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(await fakePng())).toBe(true);
  });

  it('should generate a Kling video from an input image URL', async () => {
    fake.setScenario('ok');
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'kling-v2-5-standard',
      prompt: 'the lantern drifts upward',
      input_images: [`${fake.url}/files/input.png`],
      duration: 5,
    });
    expect(body.status).toBe('succeeded');
    expect(body.cost.actual_usd).toBeCloseTo(0.21);
    // fal fetches URLs itself: the gateway passes the client's URL on and downloads nothing.
    const submitted = fake.requests.find((request) => request.path.includes('kling'));
    expect(JSON.stringify(submitted?.json)).toContain(`${fake.url}/files/input.png`);
    expect(fake.requests.filter((request) => request.path === '/files/input.png')).toEqual([]);
    const video = await fetch(body.outputs[0]!.url.replace(/^http:\/\/[^/]+/, test.url));
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(await fakeMp4())).toBe(true);
  });

  it('should fail the job with provider_insufficient_credits when fal reports an exhausted balance', async () => {
    fake.setScenario('insufficient_credits');
    const { body } = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'flux-dev',
      prompt: 'a paper lantern',
    });
    fake.setScenario('ok');
    expect(body.status).toBe('failed');
    expect(body.attempts.map((attempt) => attempt.error?.code)).toContain(
      'provider_insufficient_credits',
    );
  });

  it('should take a signed fal webhook on the provider route and refuse a forged one', async () => {
    fake.setScenario('ok');
    const { body } = await postJson(`${test.url}/v1/generations`, {
      model: 'flux-dev',
      prompt: 'a lantern',
    });
    const submitted = await jobWhen(test, body.id, (job) =>
      Boolean(job.attempts[0]?.provider_job_id),
    );
    const providerJobId = submitted.attempts[0]?.provider_job_id ?? undefined;
    expect(providerJobId).toBeDefined();
    const send = async (webhook: Awaited<ReturnType<FalFake['webhook']>>) =>
      fetch(`${test.url}/v1/providers/fal/webhook`, {
        method: 'POST',
        headers: webhook.headers as Record<string, string>,
        body: webhook.rawBody,
      });
    expect((await send(await fake.webhook(providerJobId!, { forge: true }))).status).toBe(401);
    const accepted = await send(await fake.webhook(providerJobId!));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ received: true, matched: true });
  });
});
