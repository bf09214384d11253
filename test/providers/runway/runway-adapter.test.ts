import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors/index.js';
import type { JsonValue, StatusResult } from '../../../src/core/provider-adapter.js';
import { RunwayAdapter } from '../../../src/providers/runway/runway-adapter.js';
import { RunwayConfigSchema } from '../../../src/providers/runway/runway-config.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { fakePng } from '../../fakes/fake-media.js';
import { createTestClock } from '../../helpers/test-clock.js';
import { RunwayFake } from '../../fakes/runway/runway-fake.js';

const signal = () => ({ signal: AbortSignal.timeout(5000) });
let attempt = 0;
const submitContext = () => ({
  jobId: 'gen_test',
  attemptId: `att_${++attempt}`,
  signal: AbortSignal.timeout(5000),
});

async function statuses(
  adapter: RunwayAdapter,
  operation: JsonValue,
  fake: RunwayFake,
): Promise<StatusResult[]> {
  const seen: StatusResult[] = [];
  for (let poll = 0; poll < 200; poll++) {
    const result = await adapter.status(operation, signal());
    seen.push(result);
    if (result.status !== 'pending') return seen;
    // The fake's tasks age only when its clock moves: one poll interval per step.
    await fake.advance(10);
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

describe('runway adapter against its fake', () => {
  let fake: RunwayFake;
  let adapter: RunwayAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const configFor = (overrides: Record<string, unknown> = {}) =>
    RunwayConfigSchema.parse({
      id: 'runway',
      type: 'runway',
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      ...overrides,
    });

  beforeAll(async () => {
    fake = await RunwayFake.start({ clock: createTestClock() });
    adapter = new RunwayAdapter(configFor());
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.setScenario('ok');
    fake.setOutcome('succeeded');
    fake.setThrottled(false);
    fake.creditBalance = 1000;
  });

  it('should create gen4_turbo tasks on /v1/image_to_video with the key and API version headers', async () => {
    const request = sampleRequest(model('gen4_turbo'), {
      imageUrl: 'https://cdn.example.com/first.png',
      overrides: {
        aspectRatio: '21:9',
        width: undefined,
        height: undefined,
        duration: 10,
        seed: 11,
      },
    });
    const submitted = await adapter.submit(request, submitContext());
    const sent = fake.requests.findLast((entry) => entry.method === 'POST')!;
    expect(sent.path).toBe('/v1/image_to_video');
    expect(sent.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(sent.headers['x-runway-version']).toBe('2024-11-06');
    expect(sent.json).toEqual({
      model: 'gen4_turbo',
      promptText: 'a lighthouse at dusk',
      ratio: '1584:672',
      seed: 11,
      duration: 10,
      promptImage: 'https://cdn.example.com/first.png',
    });
    expect(submitted.operation).toEqual({
      taskId: submitted.providerJobId,
      kind: 'video',
      durationSeconds: 10,
    });
  });

  it("should walk PENDING → RUNNING → SUCCEEDED with progress, the poll floor and Runway's cost", async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('gen4_turbo'), { overrides: { duration: 4 } }),
      submitContext(),
    );
    const seen = await statuses(adapter, submitted.operation, fake);
    expect(seen[0]).toEqual({ status: 'pending', phase: 'queued', retryAfterMs: 5000 });
    expect(
      seen.some(
        (result) =>
          result.status === 'pending' &&
          result.phase === 'running' &&
          typeof result.progress === 'number',
      ),
    ).toBe(true);
    expect(seen.at(-1)).toMatchObject({
      status: 'completed',
      usage: { costUsd: 0.2, videoSeconds: 4 },
    });
  });

  it('should report THROTTLED tasks as queued', async () => {
    fake.setThrottled(true);
    const submitted = await adapter.submit(sampleRequest(model('gen4_image')), submitContext());
    expect(await adapter.status(submitted.operation, signal())).toMatchObject({
      status: 'pending',
      phase: 'queued',
    });
    expect(fake.tasks.get(submitted.providerJobId)?.throttled).toBe(true);
  });

  it('should map failed and moderated tasks', async () => {
    fake.setOutcome('failed');
    const failed = await adapter.submit(sampleRequest(model('gen4_image')), submitContext());
    expect((await statuses(adapter, failed.operation, fake)).at(-1)).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
    fake.setOutcome('moderated');
    const moderated = await adapter.submit(sampleRequest(model('gen4_image')), submitContext());
    expect((await statuses(adapter, moderated.operation, fake)).at(-1)).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
      isRetryable: false,
    });
  });

  it('should cancel a running task with DELETE and read it back as canceled', async () => {
    const submitted = await adapter.submit(sampleRequest(model('gen4_turbo')), submitContext());
    await adapter.cancel(submitted.operation, signal());
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/v1/tasks/${submitted.providerJobId}`,
    });
    expect(await adapter.status(submitted.operation, signal())).toEqual({ status: 'canceled' });
  });

  it('should report a deleted finished task as a retryable failure', async () => {
    const submitted = await adapter.submit(sampleRequest(model('gen4_image')), submitContext());
    await statuses(adapter, submitted.operation, fake);
    await adapter.cancel(submitted.operation, signal());
    expect(await adapter.status(submitted.operation, signal())).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  it("should detect an empty balance in Runway's real 400 answer", async () => {
    fake.creditBalance = 3;
    const error = await rejection(
      adapter.submit(sampleRequest(model('gen4_turbo')), submitContext()),
    );
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 400,
    });
    expect(error.message).toContain('You do not have enough credits to run this task.');
  });

  it('should map a schema rejection to a non-retryable invalid request naming the field', async () => {
    fake.setScenario('invalid_request');
    const error = await rejection(
      adapter.submit(sampleRequest(model('gen4_image')), submitContext()),
    );
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
    expect(error.message).toContain('ratio: Invalid enum value');
  });

  it('should fail auth with a wrong key and never echo it', async () => {
    const wrong = new RunwayAdapter(configFor({ apiKey: 'key_wrong-secret-value' }));
    const error = await rejection(
      wrong.submit(sampleRequest(model('gen4_image')), submitContext()),
    );
    expect(error).toMatchObject({ code: 'provider_auth_failed', isRetryable: false });
    expect(`${error.message} ${error.responseBody}`).not.toContain('wrong-secret-value');
  });

  it('should send HTTPS URLs as they are and everything else as a data URI', async () => {
    const image = model('gen4_image');
    await adapter.submit(
      sampleRequest(image, { task: 'image-to-image', imageUrl: 'https://cdn.example.com/ref.png' }),
      submitContext(),
    );
    expect(fake.requests.findLast((entry) => entry.method === 'POST')!.json).toMatchObject({
      referenceImages: [{ uri: 'https://cdn.example.com/ref.png' }],
    });
    // A gateway on loopback/plain HTTP: Runway could not fetch it, so the bytes go inline.
    await adapter.submit(
      sampleRequest(image, {
        task: 'image-to-image',
        imageUrl: 'http://127.0.0.1:8787/v1/assets/asset_1',
      }),
      submitContext(),
    );
    const inline = (
      fake.requests.findLast((entry) => entry.method === 'POST')!.json as {
        referenceImages: { uri: string }[];
      }
    ).referenceImages[0]!.uri;
    expect(
      Buffer.from(inline.replace(/^data:image\/png;base64,/, ''), 'base64').equals(await fakePng()),
    ).toBe(true);
  });

  it('should ask for a public URL, retryably, for an image too big to inline', async () => {
    const big = {
      assetId: 'asset_big',
      read: async () => ({ data: Buffer.alloc(4 * 1024 * 1024), mimeType: 'image/png' }),
    };
    const error = await rejection(
      adapter.submit(
        { ...sampleRequest(model('gen4_turbo')), inputImages: [big] },
        submitContext(),
      ),
    );
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    expect(error.message).toContain('SWITCHYARD_PUBLIC_URL');
  });

  it('should report the credit balance in the health check', async () => {
    fake.creditBalance = 1234;
    expect(await adapter.healthCheck(signal())).toMatchObject({
      ok: true,
      credits: { remainingUsd: 12.34, exhausted: false },
    });
    fake.creditBalance = 0;
    expect(await adapter.healthCheck(signal())).toMatchObject({
      ok: false,
      credits: { remainingUsd: 0, exhausted: true },
    });
    const wrong = new RunwayAdapter(configFor({ apiKey: 'nope' }));
    expect(await wrong.healthCheck(signal())).toMatchObject({
      ok: false,
      error: expect.stringContaining('401'),
    });
  });
});
