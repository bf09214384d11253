import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors/index.js';
import type { StatusResult, SubmitResult } from '../../../src/core/provider-adapter.js';
import { GoogleAdapter } from '../../../src/providers/google/google-adapter.js';
import { GoogleConfigSchema } from '../../../src/providers/google/google-config.js';
import { sampleRequest } from '../../contracts/sample-request.js';
import { GoogleFake } from '../../fakes/google/google-fake.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const context = () => ({
  jobId: 'gen_test',
  attemptId: 'att_test',
  signal: AbortSignal.timeout(5000),
});
const call = () => ({ signal: AbortSignal.timeout(5000) });

describe('google adapter against the fake', () => {
  let fake: GoogleFake;
  let adapter: GoogleAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;

  beforeAll(async () => {
    fake = await GoogleFake.start({ apiKey: 'test-key' });
    adapter = new GoogleAdapter(
      GoogleConfigSchema.parse({
        id: 'google',
        type: 'google',
        apiKey: 'test-key',
        baseUrl: fake.baseUrl,
      }),
    );
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.scenario = 'ok';
    fake.videoOutcome = 'completed';
    fake.imageOutcome = 'image';
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

  it('should call generateContent with the key header (never ?key=) and return the image as bytes', async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('gemini-3.1-flash-image'), { overrides: { aspectRatio: '9:16' } }),
      context(),
    );
    const sent = fake.submissionRequests().at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('test-key');
    expect(sent.query.has('key')).toBe(false);
    expect(sent.json).toMatchObject({
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '9:16' } },
    });
    expect(submitted.immediate).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'bytes', mimeType: 'image/png' }],
    });
    expect(submitted.providerJobId.length).toBeGreaterThan(5);
    expect(
      estimateAdapterCost(adapter, sampleRequest(model('gemini-3.1-flash-image'))),
    ).toBeCloseTo(0.067, 6);
  });

  it('should report blocked prompts and text-only answers as failed submissions', async () => {
    fake.imageOutcome = 'blocked';
    expect(
      (await adapter.submit(sampleRequest(model('gemini-3.1-flash-image')), context())).immediate,
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
    fake.imageOutcome = 'text_only';
    expect(
      (await adapter.submit(sampleRequest(model('gemini-3.1-flash-image')), context())).immediate,
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
  });

  it('should start a Veo operation, poll it to done and hand out the file URI with the key', async () => {
    fake.pollsUntilDone = 3;
    const submitted = await adapter.submit(
      sampleRequest(model('veo-3-fast'), { overrides: { duration: 6, negativePrompt: 'text' } }),
      context(),
    );
    const sent = fake.submissionRequests().at(-1)!;
    expect(sent.path).toBe('/v1beta/models/veo-3.1-fast-generate-001:predictLongRunning');
    expect(sent.json).toEqual({
      instances: [{ prompt: 'a lighthouse at dusk' }],
      parameters: {
        aspectRatio: '16:9',
        resolution: '720p',
        durationSeconds: 6,
        negativePrompt: 'text',
      },
    });
    expect(submitted.providerJobId).toMatch(/^models\/veo-3\.1-fast-generate-001\/operations\//);
    const seen = await poll(submitted);
    expect(seen.map((result) => result.status)).toEqual(['pending', 'pending', 'completed']);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'completed', usage: { videoSeconds: 6 } });
    if (done.status !== 'completed' || done.outputs[0]?.type !== 'url') return;
    const { url, headers } = done.outputs[0];
    expect(headers).toEqual({ 'x-goog-api-key': 'test-key' });
    expect((await fetch(url)).status).toBe(403);
    const video = await fetch(url, { headers });
    expect(video.headers.get('content-type')).toBe('video/mp4');
    // 6 s at the 720p rate of $0.10/s.
    expect(
      estimateAdapterCost(
        adapter,
        sampleRequest(model('veo-3-fast'), { overrides: { duration: 6 } }),
      ),
    ).toBeCloseTo(0.6, 6);
  });

  it('should send the first frame inline for image-to-video', async () => {
    await adapter.submit(sampleRequest(model('veo-3-fast'), { task: 'image-to-video' }), context());
    const instance = (
      fake.submissionRequests().at(-1)!.json as {
        instances: Record<string, { mimeType?: string; bytesBase64Encoded?: string }>[];
      }
    ).instances[0]!;
    expect(instance.image?.mimeType).toBe('image/png');
    expect(
      Buffer.from(instance.image!.bytesBase64Encoded!, 'base64').subarray(1, 4).toString(),
    ).toBe('PNG');
  });

  it('should map a filtered and a failed operation', async () => {
    fake.videoOutcome = 'filtered';
    expect(
      (await poll(await adapter.submit(sampleRequest(model('veo-3-fast')), context()))).at(-1),
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
    fake.videoOutcome = 'failed';
    expect(
      (await poll(await adapter.submit(sampleRequest(model('veo-3-fast')), context()))).at(-1),
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
  });

  it('should detect depleted prepayment credits and read the rate-limit wait from RetryInfo', async () => {
    fake.scenario = 'insufficient_credits';
    const credits = await adapter
      .submit(sampleRequest(model('veo-3-fast')), context())
      .catch((thrown: unknown) => thrown);
    expect(credits).toBeInstanceOf(ProviderError);
    expect(credits).toMatchObject({
      code: 'provider_insufficient_credits',
      statusCode: 429,
      isRetryable: true,
    });
    fake.scenario = 'rate_limited';
    await expect(
      adapter.submit(sampleRequest(model('veo-3-fast')), context()),
    ).rejects.toMatchObject({ code: 'provider_rate_limited', retryAfterMs: 7000 });
  });

  it('should refuse an operation name that is not a plain resource path', async () => {
    await expect(
      adapter.status(
        { kind: 'video', name: '../../evil', durationSeconds: 8, width: 1280, height: 720 },
        call(),
      ),
    ).rejects.toMatchObject({ code: 'provider_bad_response' });
    expect(await adapter.status({ kind: 'image', responseId: 'r1' }, call())).toMatchObject({
      status: 'failed',
      isRetryable: true,
    });
  });

  it('should report health, and a wrong key as not ok', async () => {
    expect(await adapter.healthCheck(call())).toMatchObject({ ok: true });
    const wrongKey = new GoogleAdapter(
      GoogleConfigSchema.parse({
        id: 'google-b',
        type: 'google',
        apiKey: 'wrong',
        baseUrl: fake.baseUrl,
      }),
    );
    expect(await wrongKey.healthCheck(call())).toMatchObject({
      ok: false,
      error: expect.stringContaining('API key not valid'),
    });
  });
});
