import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../src/core/errors/index.js';
import type { ProviderRequest, SubmitContext } from '../../../src/core/provider-adapter.js';
import { RunwareAdapter } from '../../../src/providers/runware/runware-adapter.js';
import { RunwareConfigSchema } from '../../../src/providers/runware/runware-config.js';
import { runwareTaskUuid } from '../../../src/providers/runware/runware-task-uuid.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { RunwareFake } from '../../fakes/runware/runware-fake.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const callbackUrl = 'https://gw.example/v1/providers/runware/webhook';
let counter = 0;
const context = (overrides: Partial<SubmitContext> = {}): SubmitContext => {
  const attemptId = `att_runwaretest${String(++counter).padStart(12, '0')}`;
  return { jobId: `gen_${attemptId}`, attemptId, signal: AbortSignal.timeout(5000), ...overrides };
};
const call = () => ({ signal: AbortSignal.timeout(5000) });

describe('RunwareAdapter against the Runware fake', () => {
  let fake: RunwareFake;
  let adapter: RunwareAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const flux = (overrides: Partial<ProviderRequest> = {}) =>
    sampleRequest(model('flux-schnell'), { overrides });

  beforeAll(async () => {
    fake = await RunwareFake.start({ processingPolls: 1 });
    adapter = new RunwareAdapter(
      RunwareConfigSchema.parse({
        id: 'runware',
        type: 'runware',
        apiKey: 'test-key',
        baseUrl: fake.endpoint,
        webhookSecret: 'provider-test-secret-value',
      }),
    );
  });
  beforeEach(() => fake.setScenario('ok'));
  afterAll(async () => {
    await fake.close();
  });

  async function finish(operation: Parameters<RunwareAdapter['status']>[0]) {
    for (let poll = 0; poll < 10; poll++) {
      const result = await adapter.status(operation, call());
      if (result.status !== 'pending') return result;
    }
    throw new Error('never finished');
  }

  it('should POST one task array with Bearer auth and the attempt-derived task UUID', async () => {
    const submitContext = context({ callbackUrl });
    const submitted = await adapter.submit(flux({ n: 2 }), submitContext);
    const request = fake.server.requests.findLast((entry) => entry.method === 'POST')!;
    expect(request.path).toBe('/v1');
    expect(request.headers.authorization).toBe('Bearer test-key');
    const [task] = request.json as Record<string, unknown>[];
    const taskUUID = runwareTaskUuid(submitContext.attemptId);
    expect(submitted.providerJobId).toBe(taskUUID);
    expect(task).toMatchObject({
      taskType: 'imageInference',
      taskUUID,
      model: 'runware:100@1',
      numberResults: 2,
      deliveryMethod: 'async',
      includeCost: true,
    });
    expect(String(task!.webhookURL)).toMatch(
      new RegExp(`^${callbackUrl}\\?task=${taskUUID}&results=2&token=[\\w-]+$`),
    );
  });

  it('should poll getResponse through processing to success with Runware cost', async () => {
    const submitted = await adapter.submit(flux({ n: 2 }), context());
    const first = await adapter.status(submitted.operation, call());
    expect(first).toEqual({ status: 'pending', phase: 'running', progress: 0.5 });
    const poll = fake.server.requests.at(-1)!;
    expect(poll.json).toEqual([{ taskType: 'getResponse', taskUUID: submitted.providerJobId }]);
    const done = await adapter.status(submitted.operation, call());
    expect(done).toMatchObject({ status: 'completed', usage: { costUsd: 0.0026 } });
    if (done.status !== 'completed') return;
    expect(done.outputs).toHaveLength(2);
    const image = await fetch((done.outputs[0] as { url: string }).url);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('should take a Seedance image-to-video job to an MP4 with its per-second cost', async () => {
    const request = sampleRequest(model('seedance-1-pro-fast'), {
      task: 'image-to-video',
      imageUrl: `${fake.url}/files/frame.png`,
      overrides: { duration: 10 },
    });
    const submitted = await adapter.submit(request, context());
    expect(submitted.warnings?.[0]).toMatchObject({ code: 'parameter_adjusted' });
    expect(fake.lastTask()!.request).toMatchObject({
      width: 1248,
      height: 704,
      duration: 10,
      inputs: { frameImages: [{ image: `${fake.url}/files/frame.png`, frame: 'first' }] },
    });
    const done = await finish(submitted.operation);
    expect(done).toMatchObject({
      status: 'completed',
      usage: { costUsd: 0.14, videoSeconds: 10 },
      outputs: [
        { type: 'url', mimeType: 'video/mp4', width: 1248, height: 704, durationSeconds: 10 },
      ],
    });
  });

  it('should map a failed generation in errors[] and an inline error item', async () => {
    fake.failNextGeneration({ code: 'timeoutProvider', message: 'The provider timed out.' });
    const first = await adapter.submit(flux(), context());
    expect(await finish(first.operation)).toMatchObject({
      status: 'failed',
      code: 'provider_timeout',
      isRetryable: true,
    });
    fake.failNextGeneration(
      { code: 'providerContentPolicyViolation', message: 'Blocked.' },
      { inline: true },
    );
    const second = await adapter.submit(flux(), context());
    expect(await finish(second.operation)).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
      isRetryable: false,
    });
  });

  it('should map the insufficient-credit answer (HTTP 402) to a retryable credit error', async () => {
    fake.setScenario('insufficient_credits');
    await expect(adapter.submit(flux(), context())).rejects.toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 402,
      message: expect.stringContaining('insufficientCredits'),
    });
  });

  it("should answer a retired AIR id with Runware's refusal, mapped to a retryable provider_model_unavailable", async () => {
    const retired = { ...flux(), offering: { ...flux().offering, providerModelId: 'google:3@1' } };
    const error = await adapter.submit(retired, context()).then(
      () => undefined,
      (caught: unknown) => caught as ProviderError,
    );
    expect(error).toMatchObject({
      code: 'provider_model_unavailable',
      isRetryable: true,
      statusCode: 400,
    });
    expect(error?.message).toContain('valid AIR identifier');
    const answer = fake.server.requests.findLast((entry) => entry.method === 'POST')!;
    expect((answer.json as Record<string, unknown>[])[0]).toMatchObject({ model: 'google:3@1' });
  });

  it('should keep a refused width (invalidWidth) a non-retryable provider_invalid_request', async () => {
    fake.setScenario('invalid_request');
    await expect(adapter.submit(flux(), context())).rejects.toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: false,
    });
  });

  it('should never put the API key into errors', async () => {
    fake.setScenario('auth_error');
    const error = (await adapter.submit(flux(), context()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error;
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('test-key');
  });

  it('should recover a submission by attempt id and report a lost one as null', async () => {
    const submitContext = context();
    const submitted = await adapter.submit(flux(), submitContext);
    const before = fake.submissions();
    const recovered = await adapter.recover(flux(), submitContext);
    expect(recovered).toMatchObject({
      providerJobId: submitted.providerJobId,
      operation: submitted.operation,
    });
    expect(fake.submissions()).toBe(before);
    expect(await adapter.recover(flux(), context())).toBeNull();
  });

  it('should treat a task Runware no longer knows as a failed, retryable generation', async () => {
    const lost = { taskUUID: runwareTaskUuid('att_never'), taskType: 'imageInference', results: 1 };
    expect(await adapter.status(lost, call())).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  describe('with getResponse answering 400 for unknown tasks', () => {
    let strict: RunwareFake;
    let strictAdapter: RunwareAdapter;
    beforeAll(async () => {
      strict = await RunwareFake.start({ taskNotFoundStatus: 400 });
      strictAdapter = new RunwareAdapter(
        RunwareConfigSchema.parse({
          id: 'rw',
          type: 'runware',
          apiKey: 'test-key',
          baseUrl: strict.endpoint,
        }),
      );
    });
    afterAll(() => strict.close());

    it('should still fail the poll and recover nothing', async () => {
      const lost = {
        taskUUID: runwareTaskUuid('att_gone'),
        taskType: 'videoInference',
        results: 1,
      };
      expect(await strictAdapter.status(lost, call())).toMatchObject({ status: 'failed' });
      expect(await strictAdapter.recover(flux(), context())).toBeNull();
    });
  });

  describe('webhooks', () => {
    async function finishedTask(request = flux()) {
      const submitted = await adapter.submit(request, context({ callbackUrl }));
      await finish(submitted.operation);
      return submitted.providerJobId;
    }

    it('should accept the callback Runware posts to the URL it was given', async () => {
      const taskUUID = await finishedTask();
      const result = await adapter.parseWebhook(fake.webhook(taskUUID));
      expect(result.providerJobId).toBe(taskUUID);
      expect(result.result).toMatchObject({ status: 'completed', usage: { costUsd: 0.0013 } });
      // A replay carries no timestamp to reject; it repeats the same, already applied result.
      expect(await adapter.parseWebhook(fake.webhook(taskUUID))).toEqual(result);
    });

    it('should reject forged, unsigned and re-targeted callbacks with 401', async () => {
      const taskUUID = await finishedTask();
      const other = await finishedTask();
      const genuine = fake.webhook(taskUUID);
      const forged = { ...genuine, query: { ...genuine.query, token: 'AAAA' } };
      const unsigned = { ...genuine, query: {} };
      const retargeted = { ...fake.webhook(other), query: genuine.query };
      for (const webhook of [forged, unsigned, retargeted]) {
        await expect(adapter.parseWebhook(webhook)).rejects.toMatchObject({ httpStatus: 401 });
      }
    });

    it('should not complete a multi-image job from one per-result callback', async () => {
      const taskUUID = await finishedTask(flux({ n: 2 }));
      expect((await adapter.parseWebhook(fake.webhook(taskUUID))).result).toMatchObject({
        status: 'pending',
        phase: 'running',
      });
    });

    it('should map a failure callback', async () => {
      fake.failNextGeneration({ code: 'providerContentPolicyViolation', message: 'Blocked.' });
      const taskUUID = await finishedTask();
      expect((await adapter.parseWebhook(fake.webhook(taskUUID))).result).toMatchObject({
        status: 'failed',
        code: 'provider_content_rejected',
      });
    });
  });

  it('should report the Runware balance as health, and exhaustion at zero', async () => {
    fake.balance = 3.5;
    expect(await adapter.healthCheck(call())).toMatchObject({
      ok: true,
      credits: { remainingUsd: 3.5, exhausted: false },
    });
    fake.balance = 0;
    expect((await adapter.healthCheck(call())).credits).toEqual({
      remainingUsd: 0,
      exhausted: true,
    });
    const wrongKey = new RunwareAdapter(
      RunwareConfigSchema.parse({
        id: 'rw',
        type: 'runware',
        apiKey: 'nope',
        baseUrl: fake.endpoint,
      }),
    );
    expect(await wrongKey.healthCheck(call())).toMatchObject({ ok: false });
  });

  it('should estimate costs from the catalog', () => {
    const seedance = sampleRequest(model('seedance-1-pro-fast'));
    expect(estimateAdapterCost(adapter, seedance)).toBeCloseTo(0.07);
    expect(
      estimateAdapterCost(adapter, { ...seedance, resolution: '1080p', duration: 10 }),
    ).toBeCloseTo(0.314);
    expect(estimateAdapterCost(adapter, flux({ n: 4 }))).toBeCloseTo(0.0024);
  });
});
