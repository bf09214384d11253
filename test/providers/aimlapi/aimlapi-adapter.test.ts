import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../src/core/errors/index.js';
import type {
  JsonValue,
  ProviderAdapter,
  ProviderRequest,
  SubmitContext,
} from '../../../src/core/provider-adapter.js';
import { AimlapiAdapter } from '../../../src/providers/aimlapi/aimlapi-adapter.js';
import { AimlapiConfigSchema } from '../../../src/providers/aimlapi/aimlapi-config.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { AimlapiFake } from '../../fakes/aimlapi/aimlapi-fake.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

let counter = 0;
const context = (): SubmitContext => {
  const attemptId = `att_aimlapitest${String(++counter).padStart(12, '0')}`;
  return { jobId: `gen_${attemptId}`, attemptId, signal: AbortSignal.timeout(5000) };
};
const call = () => ({ signal: AbortSignal.timeout(5000) });

describe('AimlapiAdapter against the AIMLAPI fake', () => {
  let fake: AimlapiFake;
  let adapter: AimlapiAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const flux = (overrides: Partial<ProviderRequest> = {}) =>
    sampleRequest(model('flux-schnell'), { overrides });
  const kling = (overrides: Partial<ProviderRequest> = {}) =>
    sampleRequest(model('kling-v2-5-turbo-pro'), { overrides });

  beforeAll(async () => {
    fake = await AimlapiFake.start();
    // A trailing /v1 (the OpenAI-compatible habit) is tolerated.
    adapter = new AimlapiAdapter(
      AimlapiConfigSchema.parse({
        id: 'aimlapi',
        type: 'aimlapi',
        apiKey: 'test-key',
        baseUrl: `${fake.url}/v1`,
      }),
    );
  });
  beforeEach(() => {
    fake.setScenario('ok');
    fake.imageShape = 'data';
  });
  afterAll(async () => {
    await fake.close();
  });

  async function finish(operation: JsonValue) {
    const seen: string[] = [];
    for (let poll = 0; poll < 10; poll++) {
      const result = await adapter.status(operation, call());
      seen.push(result.status === 'pending' ? result.phase : result.status);
      if (result.status !== 'pending') return { result, seen };
    }
    throw new Error('never finished');
  }

  it('should send a Kling text-to-video job with Bearer auth and poll it to an MP4', async () => {
    const submitted = await adapter.submit(
      kling({ duration: 10, aspectRatio: '9:16', negativePrompt: 'blur' }),
      context(),
    );
    const post = fake.server.requests.findLast((entry) => entry.method === 'POST')!;
    expect(post.path).toBe('/v2/video/generations');
    expect(post.headers.authorization).toBe('Bearer test-key');
    expect(post.json).toEqual({
      model: 'klingai/v2.5-turbo/pro/text-to-video',
      prompt: 'a lighthouse at dusk',
      duration: 10,
      negative_prompt: 'blur',
      aspect_ratio: '9:16',
    });
    const { result, seen } = await finish(submitted.operation);
    expect(seen).toEqual(['queued', 'running', 'completed']);
    const poll = fake.server.requests.findLast((entry) => entry.method === 'GET')!;
    expect(poll.path).toBe('/v2/video/generations');
    expect(poll.query.get('generation_id')).toBe(submitted.providerJobId);
    // 1,400,000 credits at $1 = 2,000,000 credits.
    expect(result).toMatchObject({
      status: 'completed',
      usage: { costUsd: 0.7, videoSeconds: 10 },
    });
  });

  it('should send the first frame of an image-to-video job as image_url', async () => {
    const request = sampleRequest(model('kling-v2-5-turbo-pro'), {
      task: 'image-to-video',
      imageUrl: `${fake.url}/files/frame.png`,
    });
    await adapter.submit(request, context());
    expect(fake.lastRequest()).toMatchObject({
      model: 'klingai/v2.5-turbo/pro/image-to-video',
      image_url: `${fake.url}/files/frame.png`,
    });
  });

  it('should map a generation that ends in error', async () => {
    fake.failNextVideo({ name: 'GenerationError', message: 'Upstream provider failed' });
    const submitted = await adapter.submit(kling(), context());
    const { result } = await finish(submitted.operation);
    expect(result).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
      message: expect.stringContaining('Upstream provider failed'),
    });
  });

  it('should report an unknown generation id as a failed, retryable generation', async () => {
    expect(await adapter.status({ kind: 'video', generationId: 'nope' }, call())).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  it('should finish FLUX images in the submit call with AIMLAPI credit cost', async () => {
    const submitted = await adapter.submit(flux({ n: 2, seed: 5 }), context());
    expect(fake.lastRequest()).toEqual({
      model: 'flux/schnell',
      prompt: 'a lighthouse at dusk',
      num_images: 2,
      image_size: { width: 1024, height: 1024 },
      seed: 5,
    });
    expect(submitted.immediate).toMatchObject({ status: 'completed', usage: { costUsd: 0.0063 } });
    if (submitted.immediate?.status !== 'completed') return;
    expect(submitted.immediate.outputs).toHaveLength(2);
    // The engine may poll after a restart: the stored result answers the same.
    expect(await adapter.status(submitted.operation, call())).toEqual(submitted.immediate);
  });

  it('should read the images[] and base64 answer shapes too', async () => {
    fake.imageShape = 'images';
    const listed = await adapter.submit(flux(), context());
    expect(listed.immediate).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'url', mimeType: 'image/png', width: 1024, height: 1024 }],
    });
    fake.imageShape = 'b64';
    const inline = await adapter.submit(flux(), context());
    expect(inline.immediate).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'bytes', mimeType: 'image/png' }],
    });
    expect(await adapter.status(inline.operation, call())).toMatchObject({
      status: 'failed',
      isRetryable: true,
    });
  });

  it("should map AIMLAPI's enum refusal of a model it does not serve to a retryable provider_model_unavailable on both routes", async () => {
    for (const [request, retiredId] of [
      [flux(), 'flux/dev-retired'],
      [kling(), 'klingai/v1-standard'],
    ] as const) {
      const retired = { ...request, offering: { ...request.offering, providerModelId: retiredId } };
      const error = await adapter.submit(retired, context()).then(
        () => undefined,
        (caught: unknown) => caught as ProviderError,
      );
      expect(error).toMatchObject({
        code: 'provider_model_unavailable',
        isRetryable: true,
        statusCode: 400,
      });
      expect(error?.message).toContain('Invalid enum value. Expected');
    }
  });

  it('should keep the same enum refusal on another field (duration) a non-retryable provider_invalid_request', async () => {
    fake.setScenario('invalid_request');
    await expect(adapter.submit(kling(), context())).rejects.toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: false,
    });
  });

  it('should detect exhausted credit (403 "run out of credits") on both routes', async () => {
    fake.setScenario('insufficient_credits');
    for (const request of [flux(), kling()]) {
      await expect(adapter.submit(request, context())).rejects.toMatchObject({
        code: 'provider_insufficient_credits',
        isRetryable: true,
        statusCode: 403,
      });
    }
  });

  it('should map a wrong key to a non-retryable auth error without leaking the key', async () => {
    const wrong = new AimlapiAdapter(
      AimlapiConfigSchema.parse({
        id: 'aimlapi',
        type: 'aimlapi',
        apiKey: 'secret-wrong-key',
        baseUrl: fake.url,
      }),
    );
    const error = (await wrong.submit(flux(), context()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error & { code: string; isRetryable: boolean; responseBody?: string };
    expect(error).toMatchObject({ code: 'provider_auth_failed', isRetryable: false });
    expect(`${error.message} ${error.responseBody}`).not.toContain('secret-wrong-key');
  });

  it('should report the balance as health', async () => {
    fake.balance = 4.5;
    expect(await adapter.healthCheck(call())).toMatchObject({
      ok: true,
      credits: { remainingUsd: 4.5, exhausted: false },
    });
    fake.balance = 0;
    expect((await adapter.healthCheck(call())).credits).toEqual({
      remainingUsd: 0,
      exhausted: true,
    });
  });

  it('should estimate costs from the catalog and declare no webhooks or cancel', () => {
    expect(estimateAdapterCost(adapter, kling({ duration: 10 }))).toBeCloseTo(0.7);
    expect(estimateAdapterCost(adapter, flux({ n: 2 }))).toBeCloseTo(0.006);
    const contract: ProviderAdapter = adapter;
    expect(contract.parseWebhook).toBeUndefined();
    expect(contract.cancel).toBeUndefined();
    expect(contract.recover).toBeUndefined();
  });
});
