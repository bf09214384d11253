import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors/index.js';
import { ModelOfferingSchema } from '../../../src/core/model-capabilities.js';
import type {
  JsonValue,
  ProviderRequest,
  StatusResult,
} from '../../../src/core/provider-adapter.js';
import { ReplicateAdapter } from '../../../src/providers/replicate/replicate-adapter.js';
import { ReplicateConfigSchema } from '../../../src/providers/replicate/replicate-config.js';
import { actualCost } from '../../../src/catalog/estimate-cost.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { fakePng } from '../../fakes/fake-media.js';
import { createTestClock } from '../../helpers/test-clock.js';
import { ReplicateFake } from '../../fakes/replicate/replicate-fake.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const signal = () => ({ signal: AbortSignal.timeout(5000) });
let attempt = 0;
const submitContext = (callbackUrl?: string) => ({
  jobId: 'gen_test',
  attemptId: `att_${++attempt}`,
  signal: AbortSignal.timeout(5000),
  callbackUrl,
});

async function settle(
  adapter: ReplicateAdapter,
  operation: JsonValue,
  fake: ReplicateFake,
): Promise<StatusResult> {
  for (let poll = 0; poll < 100; poll++) {
    const result = await adapter.status(operation, signal());
    if (result.status !== 'pending') return result;
    // The fake's predictions age only when its clock moves: one poll interval per step.
    await fake.advance(25);
  }
  throw new Error('never settled');
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('replicate adapter against its fake', () => {
  let fake: ReplicateFake;
  let adapter: ReplicateAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const configFor = (overrides: Record<string, unknown> = {}) =>
    ReplicateConfigSchema.parse({
      id: 'replicate',
      type: 'replicate',
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      ...overrides,
    });

  beforeAll(async () => {
    fake = await ReplicateFake.start({ clock: createTestClock() });
    adapter = new ReplicateAdapter(configFor());
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.setScenario('ok');
    fake.setOutcome('succeeded');
  });

  it('should create official-model predictions on /v1/models/{owner}/{name}/predictions with the bearer token', async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('flux-schnell'), { overrides: { n: 2, seed: 7 } }),
      submitContext(),
    );
    const request = fake.requests.findLast((entry) => entry.method === 'POST')!;
    expect(request.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.json).toEqual({
      input: {
        prompt: 'a lighthouse at dusk',
        num_outputs: 2,
        output_format: 'png',
        aspect_ratio: '1:1',
        megapixels: '1',
        seed: 7,
        go_fast: false,
      },
    });
    expect(submitted.providerJobId).toMatch(/^[a-z0-9]+$/);
    const result = await settle(adapter, submitted.operation, fake);
    expect(result.status === 'completed' && result.outputs).toHaveLength(2);
  });

  it('should create pinned-version predictions on /v1/predictions with the version', async () => {
    const pinned = ModelOfferingSchema.parse({
      modelKey: 'my-sdxl',
      providerModelId:
        'someone/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b',
      kind: 'image',
      capabilities: { tasks: ['text-to-image'], sizeRange: { min: 512, max: 1536, multipleOf: 8 } },
      price: { type: 'per_compute_second', usd: 0.000725, estimatedSecondsPerOutput: 8 },
    });
    const custom = new ReplicateAdapter(configFor({ models: [pinned] }));
    expect(custom.models.map((offering) => offering.modelKey)).toContain('my-sdxl');
    await custom.submit(
      sampleRequest(custom.models.find((offering) => offering.modelKey === 'my-sdxl')!),
      submitContext(),
    );
    const request = fake.requests.findLast((entry) => entry.method === 'POST')!;
    expect(request.path).toBe('/v1/predictions');
    expect(request.json).toMatchObject({
      version: '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b',
      input: { prompt: 'a lighthouse at dusk' },
    });
  });

  it('should register a completion-only webhook when the gateway has a public URL', async () => {
    await adapter.submit(
      sampleRequest(model('kling-v1.6-pro')),
      submitContext('https://gateway.example.com/v1/providers/replicate/webhook'),
    );
    expect(fake.creates.at(-1)).toMatchObject({
      webhook: 'https://gateway.example.com/v1/providers/replicate/webhook',
      webhook_events_filter: ['completed'],
    });
    await adapter.submit(sampleRequest(model('kling-v1.6-pro')), submitContext());
    expect(fake.creates.at(-1)).not.toHaveProperty('webhook');
  });

  it('should map every prediction outcome', async () => {
    const outcomes: [
      Parameters<ReplicateFake['setOutcome']>[0],
      Partial<StatusResult> & Record<string, unknown>,
    ][] = [
      ['succeeded', { status: 'completed' }],
      ['failed', { status: 'failed', code: 'provider_generation_failed', isRetryable: true }],
      ['flagged', { status: 'failed', code: 'provider_content_rejected', isRetryable: false }],
      ['aborted', { status: 'failed', code: 'provider_timeout', isRetryable: true }],
    ];
    for (const [outcome, expected] of outcomes) {
      fake.setOutcome(outcome);
      const submitted = await adapter.submit(sampleRequest(model('haiper-v2')), submitContext());
      expect(await adapter.status(submitted.operation, signal())).toEqual({
        status: 'pending',
        phase: 'queued',
      });
      expect(await settle(adapter, submitted.operation, fake)).toMatchObject(expected);
    }
  });

  it('should report processing as running and cancel a running prediction', async () => {
    const submitted = await adapter.submit(sampleRequest(model('haiper-v2')), submitContext());
    let result = await adapter.status(submitted.operation, signal());
    for (
      let poll = 0;
      poll < 50 && result.status === 'pending' && result.phase === 'queued';
      poll++
    ) {
      await fake.advance(10);
      result = await adapter.status(submitted.operation, signal());
    }
    expect(result).toEqual({ status: 'pending', phase: 'running' });
    await adapter.cancel(submitted.operation, signal());
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/predictions/${submitted.providerJobId}/cancel`,
    });
    expect(await adapter.status(submitted.operation, signal())).toEqual({ status: 'canceled' });
  });

  it('should report compute and video seconds so the catalog prices the attempt', async () => {
    const request = sampleRequest(model('kling-v1.6-pro'), { overrides: { duration: 10 } });
    expect(estimateAdapterCost(adapter, request)).toBeCloseTo(0.98, 6);
    const result = await settle(
      adapter,
      (await adapter.submit(request, submitContext())).operation,
      fake,
    );
    expect(result).toMatchObject({
      status: 'completed',
      usage: { computeSeconds: 1.234, videoSeconds: 10 },
    });
    if (result.status !== 'completed') return;
    expect(
      actualCost(model('kling-v1.6-pro').price, request, result.usage, result.outputs.length),
    ).toBeCloseTo(0.98, 6);
    expect(
      estimateAdapterCost(adapter, sampleRequest(model('flux-schnell'), { overrides: { n: 4 } })),
    ).toBe(0.012);
  });

  it("should detect exhausted credit in Replicate's real 402 problem body", async () => {
    fake.setScenario('insufficient_credits');
    const error = await rejection(
      adapter.submit(sampleRequest(model('kling-v1.6-pro')), submitContext()),
    );
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 402,
    });
    expect(error.message).toContain('insufficient credit to run this model');
  });

  it('should fail auth with a wrong token and never echo the token', async () => {
    const wrong = new ReplicateAdapter(configFor({ apiKey: 'r8_wrong-secret-token' }));
    const error = await rejection(
      wrong.submit(sampleRequest(model('kling-v1.6-pro')), submitContext()),
    );
    expect(error).toMatchObject({
      code: 'provider_auth_failed',
      isRetryable: false,
      statusCode: 401,
    });
    expect(`${error.message} ${error.responseBody}`).not.toContain('wrong-secret-token');
    expect(await wrong.healthCheck(signal())).toMatchObject({ ok: false });
    expect(await adapter.healthCheck(signal())).toMatchObject({ ok: true });
  });

  it('should pass input image URLs through and inline gateway-held images as data URIs', async () => {
    const kling = model('kling-v1.6-pro');
    await adapter.submit(
      sampleRequest(kling, { imageUrl: 'https://images.example.com/a.png' }),
      submitContext(),
    );
    expect(fake.creates.at(-1)).toMatchObject({
      input: { start_image: 'https://images.example.com/a.png' },
    });
    const held = {
      assetId: 'asset_1',
      read: async () => ({ data: await fakePng(), mimeType: 'image/png' }),
    };
    await adapter.submit({ ...sampleRequest(kling), inputImages: [held] }, submitContext());
    const inline = (fake.creates.at(-1) as { input: { start_image: string } }).input.start_image;
    expect(
      Buffer.from(inline.replace(/^data:image\/png;base64,/, ''), 'base64').equals(await fakePng()),
    ).toBe(true);
  });

  it('should ask for a public URL, retryably, when an input image is too big to inline', async () => {
    const big = {
      assetId: 'asset_big',
      read: async () => ({ data: Buffer.alloc(1024 * 1024 + 1), mimeType: 'image/png' }),
    };
    const error = await rejection(
      adapter.submit(
        { ...sampleRequest(model('kling-v1.6-pro')), inputImages: [big] },
        submitContext(),
      ),
    );
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    expect(error.message).toContain('SWITCHYARD_PUBLIC_URL');
  });

  describe('webhooks', () => {
    let predictionId: string;
    beforeAll(async () => {
      const submitted = await adapter.submit(sampleRequest(model('flux-schnell')), submitContext());
      await settle(adapter, submitted.operation, fake);
      predictionId = submitted.providerJobId;
    });

    it('should accept a correctly signed completion webhook, fetching the secret once', async () => {
      const fresh = new ReplicateAdapter(configFor());
      const before = fake.requests.filter(
        (entry) => entry.path === '/v1/webhooks/default/secret',
      ).length;
      for (let index = 0; index < 3; index++) {
        const { providerJobId, result } = await fresh.parseWebhook(
          await fake.buildWebhook(predictionId),
        );
        expect(providerJobId).toBe(predictionId);
        expect(result).toMatchObject({ status: 'completed' });
      }
      expect(
        fake.requests.filter((entry) => entry.path === '/v1/webhooks/default/secret').length,
      ).toBe(before + 1);
    });

    it('should use a configured secret without asking Replicate', async () => {
      const configured = new ReplicateAdapter(configFor({ webhookSecret: fake.webhookSecret }));
      const before = fake.requests.length;
      await configured.parseWebhook(await fake.buildWebhook(predictionId));
      expect(fake.requests.length).toBe(before);
    });

    it('should reject forged, replayed, future-dated, unsigned and tampered webhooks with 401', async () => {
      const valid = await fake.buildWebhook(predictionId);
      const cases = [
        await fake.buildWebhook(predictionId, { forge: true }),
        await fake.buildWebhook(predictionId, { timestampOffsetSeconds: -3600 }),
        await fake.buildWebhook(predictionId, { timestampOffsetSeconds: 3600 }),
        { ...valid, headers: { 'content-type': 'application/json' } },
        { ...valid, rawBody: Buffer.from(valid.rawBody.toString().replace('succeeded', 'failed')) },
      ];
      for (const webhook of cases)
        await expect(adapter.parseWebhook(webhook)).rejects.toMatchObject({ httpStatus: 401 });
    });
  });
});

describe('replicate request typing', () => {
  it('should keep sample requests valid for every built-in model', () => {
    const adapter = new ReplicateAdapter(
      ReplicateConfigSchema.parse({ id: 'replicate', type: 'replicate', apiKey: 'k' }),
    );
    for (const offering of adapter.models) {
      const request: ProviderRequest = sampleRequest(offering);
      expect(estimateAdapterCost(adapter, request)).toBeGreaterThan(0);
    }
  });
});
