import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors/index.js';
import type {
  ImageInput,
  ProviderRequest,
  StatusResult,
  SubmitResult,
} from '../../../src/core/provider-adapter.js';
import { OpenAIAdapter } from '../../../src/providers/openai/openai-adapter.js';
import { OpenAIConfigSchema } from '../../../src/providers/openai/openai-config.js';
import { renderPng } from '../../../src/providers/simulator/render-png.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { OpenAIFake } from '../../fakes/openai/openai-fake.js';
import { soraRelayOffering } from '../../fakes/openai/openai-relay-offering.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const context = (attemptId = 'att_test') => ({
  jobId: 'gen_test',
  attemptId,
  signal: AbortSignal.timeout(5000),
});
const call = () => ({ signal: AbortSignal.timeout(5000) });

async function multipart(fake: OpenAIFake): Promise<FormData> {
  const request = fake.submissionRequests().at(-1)!;
  return new Response(new Uint8Array(request.rawBody), {
    headers: { 'content-type': request.headers['content-type']! },
  }).formData();
}

describe('openai adapter against the fake', () => {
  let fake: OpenAIFake;
  let adapter: OpenAIAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;

  beforeAll(async () => {
    // A relay that still serves Sora, with sora-2 configured as an operator would: OpenAI
    // itself shut the Videos API down (see the test of the real answer below).
    fake = await OpenAIFake.start({ apiKey: 'test-key', relay: true });
    adapter = new OpenAIAdapter(
      OpenAIConfigSchema.parse({
        id: 'openai',
        type: 'openai',
        apiKey: 'test-key',
        baseUrl: fake.baseUrl,
        organization: 'org-1',
        project: 'proj-1',
        models: [soraRelayOffering],
      }),
    );
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.scenario = 'ok';
    fake.videoOutcome = 'completed';
    fake.pollsUntilDone = 2;
  });

  async function poll(submitted: SubmitResult): Promise<StatusResult[]> {
    const seen: StatusResult[] = [];
    for (let index = 0; index < 10; index++) {
      const result = await adapter.status(submitted.operation, call());
      seen.push(result);
      if (result.status !== 'pending') break;
    }
    return seen;
  }

  it('should send the key, organisation and project headers', async () => {
    await adapter.submit(sampleRequest(model('gpt-image-2')), context());
    const sent = fake.submissionRequests().at(-1)!;
    expect(sent.headers).toMatchObject({
      authorization: 'Bearer test-key',
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
    });
  });

  it('should answer images synchronously as bytes, with the request id as provider job id', async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('gpt-image-2'), { overrides: { n: 2, quality: 'premium' } }),
      context(),
    );
    expect(submitted.providerJobId).toMatch(/^req_/);
    expect(submitted.immediate?.status).toBe('completed');
    if (submitted.immediate?.status !== 'completed') return;
    expect(submitted.immediate.outputs).toHaveLength(2);
    expect(submitted.immediate.outputs[0]).toMatchObject({
      type: 'bytes',
      mimeType: 'image/png',
      width: 1024,
      height: 1024,
    });
    // 2 × 4160 output tokens at $30/M + 12 text tokens at $5/M.
    expect(submitted.immediate.usage?.costUsd).toBeCloseTo(0.24966, 6);
    expect(fake.submissionRequests().at(-1)!.json).toEqual({
      model: 'gpt-image-2',
      prompt: 'a lighthouse at dusk',
      n: 2,
      size: '1024x1024',
      quality: 'high',
    });
  });

  it('should report retired DALL·E 3 as an unavailable model, which falls back', async () => {
    const gptImage = model('gpt-image-2');
    const error = await adapter
      .submit(
        sampleRequest({ ...gptImage, modelKey: 'dall-e-3', providerModelId: 'dall-e-3' }),
        context(),
      )
      .catch((thrown: unknown) => thrown);
    expect(fake.submissionRequests().at(-1)!.json).toMatchObject({ model: 'dall-e-3' });
    expect(error).toMatchObject({
      code: 'provider_model_unavailable',
      isRetryable: true,
      statusCode: 404,
    });
    expect((error as Error).message).toContain('has been deprecated');
  });

  it('should mark the models OpenAI shut down (gpt-image-1, sora-2 on OpenAI itself) unavailable, retryably', async () => {
    const openai = await OpenAIFake.start({ apiKey: 'test-key' });
    try {
      const direct = new OpenAIAdapter(
        OpenAIConfigSchema.parse({
          id: 'openai',
          type: 'openai',
          apiKey: 'test-key',
          baseUrl: openai.baseUrl,
          models: [soraRelayOffering],
        }),
      );
      const gptImage = model('gpt-image-2');
      for (const request of [
        sampleRequest({ ...gptImage, modelKey: 'gpt-image-1', providerModelId: 'gpt-image-1' }),
        sampleRequest(soraRelayOffering),
      ]) {
        const error = await direct.submit(request, context()).catch((thrown: unknown) => thrown);
        expect(error).toMatchObject({
          code: 'provider_model_unavailable',
          isRetryable: true,
          statusCode: 404,
        });
      }
    } finally {
      await openai.close();
    }
  });

  it('should send image-to-image to /images/edits with the input bytes', async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('gpt-image-2'), { task: 'image-to-image' }),
      context(),
    );
    expect(fake.submissionRequests().at(-1)!.path).toBe('/v1/images/edits');
    const form = await multipart(fake);
    const file = form.get('image') as Blob;
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(form.get('prompt')).toBe('a lighthouse at dusk');
    expect(submitted.immediate?.status).toBe('completed');
  });

  it('should take a Sora video through queued, in_progress and completed', async () => {
    fake.pollsUntilDone = 3;
    const submitted = await adapter.submit(
      sampleRequest(model('sora-2'), {
        overrides: { duration: 8, aspectRatio: '9:16', width: 720, height: 1280 },
      }),
      context(),
    );
    expect(submitted.providerJobId).toMatch(/^video_/);
    expect(Object.fromEntries((await multipart(fake)).entries())).toEqual({
      prompt: 'a lighthouse at dusk',
      model: 'sora-2',
      seconds: '8',
      size: '720x1280',
    });
    const seen = await poll(submitted);
    expect(
      seen.map((result) =>
        result.status === 'pending' ? `${result.phase}:${result.progress}` : result.status,
      ),
    ).toEqual(['running:0.33', 'running:0.67', 'completed']);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'completed', usage: { videoSeconds: 8 } });
    if (done.status !== 'completed' || done.outputs[0]?.type !== 'url') return;
    const output = done.outputs[0];
    expect(output.url).toBe(`${fake.baseUrl}/videos/${submitted.providerJobId}/content`);
    const content = await fetch(output.url, { headers: output.headers });
    expect(content.headers.get('content-type')).toBe('video/mp4');
    expect(
      estimateAdapterCost(adapter, sampleRequest(model('sora-2'), { overrides: { duration: 8 } })),
    ).toBeCloseTo(0.8, 6);
  });

  it('should upload an image-to-video reference of the output size', async () => {
    const data = await renderPng({ prompt: 'first frame', seed: 3, width: 1280, height: 720 });
    const image: ImageInput = { read: async () => ({ data, mimeType: 'image/png' }) };
    const request: ProviderRequest = sampleRequest(model('sora-2'), {
      task: 'image-to-video',
      overrides: { inputImages: [image] },
    });
    await adapter.submit(request, context());
    const file = (await multipart(fake)).get('input_reference') as Blob;
    expect(Buffer.from(await file.arrayBuffer()).equals(data)).toBe(true);
  });

  it('should map a moderated video to content_rejected and an internal failure to a retryable one', async () => {
    fake.videoOutcome = 'moderated';
    const moderated = await adapter.submit(sampleRequest(model('sora-2')), context());
    expect((await poll(moderated)).at(-1)).toMatchObject({
      status: 'failed',
      code: 'provider_content_rejected',
      isRetryable: false,
    });
    fake.videoOutcome = 'failed';
    const failed = await adapter.submit(sampleRequest(model('sora-2')), context());
    expect((await poll(failed)).at(-1)).toMatchObject({
      status: 'failed',
      code: 'provider_generation_failed',
      isRetryable: true,
    });
  });

  it('should detect exhausted credit from the real 429 insufficient_quota body', async () => {
    fake.scenario = 'insufficient_credits';
    const error = await adapter
      .submit(sampleRequest(model('sora-2')), context())
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider_insufficient_credits',
      statusCode: 429,
      isRetryable: true,
    });
  });

  it('should never put the key in errors', async () => {
    fake.scenario = 'auth_error';
    const error = (await adapter
      .submit(sampleRequest(model('gpt-image-2')), context())
      .catch((thrown: unknown) => thrown)) as ProviderError;
    expect(error.code).toBe('provider_auth_failed');
    expect(`${error.message} ${error.responseBody}`).not.toMatch(/test-key|sk-test-\*/);
  });

  it('should report a lost synchronous image operation as a retryable failure', async () => {
    expect(await adapter.status({ kind: 'image', requestId: 'req_1' }, call())).toMatchObject({
      status: 'failed',
      isRetryable: true,
    });
    await expect(adapter.status({ kind: 'nonsense' }, call())).rejects.toMatchObject({
      code: 'provider_bad_response',
    });
  });

  it('should report health from GET /models, and an auth failure as not ok', async () => {
    expect(await adapter.healthCheck(call())).toMatchObject({ ok: true });
    const wrongKey = new OpenAIAdapter(
      OpenAIConfigSchema.parse({
        id: 'openai-b',
        type: 'openai',
        apiKey: 'wrong',
        baseUrl: fake.baseUrl,
      }),
    );
    const health = await wrongKey.healthCheck(call());
    expect(health.ok).toBe(false);
    expect(health.error).toContain('401');
  });
});
