import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, ProviderError } from '../../../src/core/errors/index.js';
import type { ProviderRequest, StatusResult } from '../../../src/core/provider-adapter.js';
import { FalAdapter } from '../../../src/providers/fal/fal-adapter.js';
import { FalConfigSchema } from '../../../src/providers/fal/fal-config.js';
import { sampleImageInput, sampleRequest } from '../../contracts/sample-request.js';
import { createTestClock } from '../../helpers/test-clock.js';
import { FalFake } from '../../fakes/fal/fal-fake.js';
import { fakePng } from '../../fakes/fake-media.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const signal = () => AbortSignal.timeout(5000);
const context = (attemptId: string, callbackUrl?: string) => ({
  jobId: `gen_${attemptId}`,
  attemptId,
  signal: signal(),
  callbackUrl,
});

describe('fal adapter against its fake', () => {
  let fake: FalFake;
  let adapter: FalAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const runToEnd = async (request: ProviderRequest) => {
    const submitted = await adapter.submit(request, context('att_run'));
    const seen: StatusResult[] = [];
    for (let poll = 0; poll < 100; poll++) {
      const result = await adapter.status(submitted.operation, { signal: signal() });
      seen.push(result);
      if (result.status !== 'pending') return { submitted, seen, result };
      // The fake's requests age only when its clock moves: one poll interval per step.
      await fake.advance(20);
    }
    throw new Error('never finished');
  };

  beforeAll(async () => {
    fake = await FalFake.start({ clock: createTestClock() });
    adapter = new FalAdapter(
      FalConfigSchema.parse({
        id: 'fal',
        type: 'fal',
        apiKey: 'test-key',
        baseUrl: fake.url,
        jwksUrl: fake.jwksUrl,
      }),
    );
  });
  afterAll(async () => {
    await fake.close();
  });

  it('should submit FLUX to the full endpoint path with Key auth and the fal_webhook callback', async () => {
    const request = sampleRequest(model('flux-dev'), {
      overrides: { width: 768, height: 512, n: 2, seed: 11 },
    });
    const submitted = await adapter.submit(
      request,
      context('att_map', 'https://gw.example.com/v1/providers/fal/webhook'),
    );
    const sent = fake.requests.findLast((entry) => entry.method === 'POST')!;
    expect(sent.path).toBe('/fal-ai/flux/dev');
    expect(sent.headers.authorization).toBe('Key test-key');
    expect(sent.query.get('fal_webhook')).toBe('https://gw.example.com/v1/providers/fal/webhook');
    expect(sent.json).toEqual({
      prompt: 'a lighthouse at dusk',
      image_size: { width: 768, height: 512 },
      num_images: 2,
      seed: 11,
    });
    expect(submitted.operation).toMatchObject({
      endpointId: 'fal-ai/flux/dev',
      requestId: submitted.providerJobId,
    });
  });

  it('should map IN_QUEUE, IN_PROGRESS and COMPLETED, polling only {owner}/{app} URLs', async () => {
    const { submitted, seen, result } = await runToEnd(sampleRequest(model('flux-schnell')));
    const statuses = seen.map((entry) => (entry.status === 'pending' ? entry.phase : entry.status));
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('completed');
    expect(result).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'url', mimeType: 'image/png', width: 64, height: 64 }],
    });
    const polled = fake.requests
      .filter((entry) => entry.path.includes(submitted.providerJobId))
      .map((entry) => entry.path);
    expect(polled).toContain(`/fal-ai/flux/requests/${submitted.providerJobId}/status`);
    expect(polled).toContain(`/fal-ai/flux/requests/${submitted.providerJobId}`);
    expect(polled.every((path) => !path.startsWith('/fal-ai/flux/schnell/'))).toBe(true);
  });

  it('should send Kling an input image URL, or a data URI when the gateway has no public URL', async () => {
    const withUrl = sampleRequest(model('kling-v2-5-standard'), {
      imageUrl: 'https://example.com/cat.png',
      overrides: { duration: 10, negativePrompt: 'blur' },
    });
    await adapter.submit(withUrl, context('att_i2v'));
    expect(fake.requests.findLast((entry) => entry.method === 'POST')!.json).toEqual({
      prompt: 'a lighthouse at dusk',
      image_url: 'https://example.com/cat.png',
      duration: '10',
      negative_prompt: 'blur',
    });
    const inline = { ...sampleImageInput('unused'), url: undefined };
    await adapter.submit({ ...withUrl, inputImages: [inline] }, context('att_i2v_inline'));
    const sent = fake.requests.findLast((entry) => entry.method === 'POST')!.json as {
      image_url: string;
    };
    expect(sent.image_url).toBe(`data:image/png;base64,${(await fakePng()).toString('base64')}`);
  });

  it('should report the video seconds and estimate cost from the catalog', async () => {
    const request = sampleRequest(model('kling-v2-5-standard'), {
      imageUrl: `${fake.url}/files/in.png`,
      overrides: { duration: 10 },
    });
    expect(estimateAdapterCost(adapter, request)).toBeCloseTo(0.42);
    expect(
      estimateAdapterCost(
        adapter,
        sampleRequest(model('flux-dev'), { overrides: { width: 1024, height: 768 } }),
      ),
    ).toBeCloseTo(0.025);
    const { result } = await runToEnd(request);
    expect(result).toMatchObject({
      status: 'completed',
      usage: { videoSeconds: 10 },
      outputs: [{ mimeType: 'video/mp4', durationSeconds: 10 }],
    });
  });

  it('should map failed results: 422 final, runner errors retryable, all-NSFW rejected', async () => {
    const failed = async (prompt: string) =>
      (await runToEnd(sampleRequest(model('flux-schnell'), { overrides: { prompt } }))).result;
    expect(await failed('x #fail422')).toMatchObject({
      status: 'failed',
      code: 'provider_invalid_request',
      isRetryable: false,
    });
    expect(await failed('x #fail500')).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    expect(await failed('x #nsfw')).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
    });
  });

  it('should map the 404 for an endpoint fal no longer serves to a retryable provider_model_unavailable', async () => {
    const request = sampleRequest(model('flux-dev'));
    const retired = {
      ...request,
      offering: { ...request.offering, providerModelId: 'fal-ai/flux-retired/v1' },
    };
    const error = await adapter
      .submit(retired, context('att_gone'))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider_model_unavailable',
      isRetryable: true,
      statusCode: 404,
    });
  });

  it('should keep a 422 about the input (a missing field) a non-retryable provider_invalid_request', async () => {
    fake.setScenario('invalid_request');
    const error = await adapter
      .submit(sampleRequest(model('flux-dev')), context('att_badinput'))
      .catch((thrown: unknown) => thrown);
    fake.setScenario('ok');
    expect(error).toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: false,
      statusCode: 422,
    });
  });

  it('should detect the exhausted balance in its real 403 shape', async () => {
    fake.setScenario('insufficient_credits');
    const error = await adapter
      .submit(sampleRequest(model('flux-dev')), context('att_credit'))
      .catch((thrown: unknown) => thrown);
    fake.setScenario('ok');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 403,
    });
  });

  it('should cancel at {owner}/{app}/requests/{id}/cancel and then report canceled', async () => {
    const submitted = await adapter.submit(sampleRequest(model('flux-dev')), context('att_cancel'));
    await adapter.cancel(submitted.operation, { signal: signal() });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/fal-ai/flux/requests/${submitted.providerJobId}/cancel`,
    });
    expect(await adapter.status(submitted.operation, { signal: signal() })).toEqual({
      status: 'canceled',
    });
    // A second cancel meets ALREADY_COMPLETED and is not an error.
    await expect(
      adapter.cancel(submitted.operation, { signal: signal() }),
    ).resolves.toBeUndefined();
  });

  it('should verify webhooks against the JWKS: valid, forged, replayed, unsigned, tampered', async () => {
    const { submitted } = await runToEnd(sampleRequest(model('flux-schnell')));
    const id = submitted.providerJobId;
    const jwksFetchesBefore = fake.requests.filter(
      (entry) => entry.path === '/.well-known/jwks.json',
    ).length;
    expect(await adapter.parseWebhook(await fake.webhook(id))).toMatchObject({
      providerJobId: id,
      result: { status: 'completed' },
    });
    expect(await adapter.parseWebhook(await fake.webhook(id))).toMatchObject({ providerJobId: id });
    const jwksFetches =
      fake.requests.filter((entry) => entry.path === '/.well-known/jwks.json').length -
      jwksFetchesBefore;
    expect(jwksFetches).toBeLessThanOrEqual(1);
    const rejects = async (promise: Promise<unknown>, reason: string) => {
      const error = await promise.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ httpStatus: 401, details: { reason } });
    };
    await rejects(
      adapter.parseWebhook(await fake.webhook(id, { forge: true })),
      'invalid_signature',
    );
    await rejects(
      adapter.parseWebhook(await fake.webhook(id, { timestampOffsetSeconds: -301 })),
      'timestamp_out_of_tolerance',
    );
    await rejects(
      adapter.parseWebhook(await fake.webhook(id, { timestampOffsetSeconds: 301 })),
      'timestamp_out_of_tolerance',
    );
    const unsigned = await fake.webhook(id);
    await rejects(
      adapter.parseWebhook({ ...unsigned, headers: { 'content-type': 'application/json' } }),
      'missing_headers',
    );
    const tampered = await fake.webhook(id);
    await rejects(
      adapter.parseWebhook({
        ...tampered,
        rawBody: Buffer.from(tampered.rawBody.toString().replace('image-0', 'evil-0')),
      }),
      'invalid_signature',
    );
  });

  it('should reject a signed webhook whose body names another request', async () => {
    const signed = fake.signedWebhook('req-a', {
      request_id: 'req-b',
      status: 'OK',
      payload: { images: [{ url: 'https://x/y.png' }] },
    });
    await expect(adapter.parseWebhook(signed)).rejects.toMatchObject({
      code: 'provider_bad_response',
    });
  });

  it('should treat an OK webhook without a serialisable payload as still pending (polling fetches it)', async () => {
    const signed = fake.signedWebhook('req-c', {
      request_id: 'req-c',
      status: 'OK',
      payload: null,
      payload_error: 'not JSON serialisable',
    });
    expect(await adapter.parseWebhook(signed)).toEqual({
      providerJobId: 'req-c',
      result: { status: 'pending', phase: 'running' },
    });
  });

  it('should turn an ERROR webhook into a failed status', async () => {
    const body = {
      request_id: 'req-error',
      gateway_request_id: 'req-error',
      status: 'ERROR',
      error: 'Invalid status code: 422',
      payload: { detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] },
    };
    const signed = fake.signedWebhook('req-error', body);
    expect(await adapter.parseWebhook(signed)).toEqual({
      providerJobId: 'req-error',
      result: {
        status: 'failed',
        code: 'provider_invalid_request',
        message: 'fal rejected the request: body.prompt: field required',
        isRetryable: false,
      },
    });
  });

  it('should report health: reachable with a working key, failing with a wrong one', async () => {
    expect(await adapter.healthCheck({ signal: signal() })).toMatchObject({ ok: true });
    const wrong = new FalAdapter(
      FalConfigSchema.parse({ id: 'fal', type: 'fal', apiKey: 'wrong', baseUrl: fake.url }),
    );
    expect(await wrong.healthCheck({ signal: signal() })).toMatchObject({ ok: false });
  });
});
