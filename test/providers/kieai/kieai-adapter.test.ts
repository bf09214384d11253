import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, ProviderError } from '../../../src/core/errors/index.js';
import type { ProviderRequest, StatusResult } from '../../../src/core/provider-adapter.js';
import { KieaiAdapter } from '../../../src/providers/kieai/kieai-adapter.js';
import { KieaiConfigSchema } from '../../../src/providers/kieai/kieai-config.js';
import { sampleImageInput, sampleRequest } from '../../contracts/sample-request.js';
import { KieaiFake } from '../../fakes/kieai/kieai-fake.js';
import { createTestClock } from '../../helpers/test-clock.js';
import { estimateAdapterCost } from '../../../src/catalog/estimate-cost.js';

const signal = () => AbortSignal.timeout(5000);
const context = (attemptId: string, callbackUrl?: string) => ({
  jobId: `gen_${attemptId}`,
  attemptId,
  signal: signal(),
  callbackUrl,
});
const hmacKey = 'kie-hmac-key';

describe('Kie.ai adapter against its fake', () => {
  let fake: KieaiFake;
  let adapter: KieaiAdapter;
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  const lastPost = () => fake.requests.findLast((entry) => entry.method === 'POST')!;
  const runToEnd = async (request: ProviderRequest) => {
    const submitted = await adapter.submit(request, context('att_run'));
    const seen: StatusResult[] = [];
    for (let poll = 0; poll < 100; poll++) {
      const result = await adapter.status(submitted.operation, { signal: signal() });
      seen.push(result);
      if (result.status !== 'pending') return { submitted, seen, result };
      // The fake's tasks age only when its clock moves: one poll interval per step.
      await fake.advance(15);
    }
    throw new Error('never finished');
  };

  beforeAll(async () => {
    fake = await KieaiFake.start({ webhookHmacKey: hmacKey, clock: createTestClock() });
    adapter = new KieaiAdapter(
      KieaiConfigSchema.parse({
        id: 'kieai',
        type: 'kieai',
        apiKey: 'test-key',
        baseUrl: fake.url,
        webhookHmacKey: hmacKey,
      }),
    );
  });
  afterAll(async () => {
    await fake.close();
  });

  it('should submit Veo text-to-video with Bearer auth and the callback', async () => {
    const submitted = await adapter.submit(
      sampleRequest(model('veo-3-fast'), { overrides: { aspectRatio: '9:16', seed: 23456 } }),
      context('att_veo', 'https://gw.example.com/v1/providers/kieai/webhook'),
    );
    const sent = lastPost();
    expect(sent.path).toBe('/api/v1/veo/generate');
    expect(sent.headers.authorization).toBe('Bearer test-key');
    expect(sent.json).toEqual({
      prompt: 'a lighthouse at dusk',
      model: 'veo3_fast',
      generationType: 'TEXT_2_VIDEO',
      aspectRatio: '9:16',
      enableTranslation: true,
      seeds: 23456,
      callBackUrl: 'https://gw.example.com/v1/providers/kieai/webhook',
    });
    expect(submitted.operation).toMatchObject({
      family: 'veo',
      taskId: submitted.providerJobId,
      durationSeconds: 8,
      resolution: '720p',
    });
  });

  it('should submit Runway image-to-video with imageUrl, 1080p and the 5 s duration', async () => {
    await adapter.submit(
      sampleRequest(model('runway-gen3-alpha-turbo'), {
        task: 'image-to-video',
        imageUrl: 'https://example.com/in.png',
        overrides: { resolution: '1080p' },
      }),
      context('att_rw'),
    );
    expect(lastPost()).toMatchObject({
      path: '/api/v1/runway/generate',
      json: {
        prompt: 'a lighthouse at dusk',
        model: 'runway-duration-5-generate',
        imageUrl: 'https://example.com/in.png',
        duration: 5,
        quality: '1080p',
        aspectRatio: '16:9',
        waterMark: '',
      },
    });
  });

  it('should refuse input images without a public URL (retryable, so another provider may take it)', async () => {
    const request = sampleRequest(model('veo-3-fast'), { task: 'image-to-video' });
    const inline = { ...sampleImageInput('unused'), url: undefined };
    const error = await adapter
      .submit({ ...request, inputImages: [inline] }, context('att_nourl'))
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'provider_invalid_request',
      isRetryable: true,
      message: 'Kie.ai needs a public URL for input images; set SWITCHYARD_PUBLIC_URL',
    });
  });

  it('should refuse Veo seeds outside 10000–99999 before calling Kie', async () => {
    const before = fake.submissions;
    await expect(
      adapter.submit(
        sampleRequest(model('veo-3-fast'), { overrides: { seed: 7 } }),
        context('att_seed'),
      ),
    ).rejects.toMatchObject({ code: 'provider_invalid_request' });
    expect(fake.submissions).toBe(before);
  });

  it('should walk Runway through wait/queueing/generating to success and Veo through successFlag 0 to 1', async () => {
    const runway = await runToEnd(sampleRequest(model('runway-gen3-alpha-turbo')));
    const phases = runway.seen.map((entry) =>
      entry.status === 'pending' ? entry.phase : entry.status,
    );
    expect(phases).toContain('queued');
    expect(phases).toContain('running');
    expect(runway.result).toMatchObject({
      status: 'completed',
      outputs: [{ type: 'url', url: `${fake.url}/files/${runway.submitted.providerJobId}.mp4` }],
      usage: { videoSeconds: 5 },
    });
    const veo = await runToEnd(sampleRequest(model('veo-3-fast')));
    expect(veo.seen[0]).toEqual({ status: 'pending', phase: 'running' });
    expect(veo.result).toMatchObject({
      status: 'completed',
      outputs: [{ mimeType: 'video/mp4', durationSeconds: 8 }],
    });
    expect(
      fake.requests.some(
        (entry) =>
          entry.path === '/api/v1/veo/record-info' &&
          entry.query.get('taskId') === veo.submitted.providerJobId,
      ),
    ).toBe(true);
  });

  it('should map failed tasks: content rejection final, upstream failure retryable', async () => {
    expect(
      (await runToEnd(sampleRequest(model('veo-3-fast'), { overrides: { prompt: 'x #reject' } })))
        .result,
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected', isRetryable: false });
    expect(
      (await runToEnd(sampleRequest(model('veo-3-fast'), { overrides: { prompt: 'x #fail500' } })))
        .result,
    ).toMatchObject({ status: 'failed', code: 'provider_generation_failed', isRetryable: true });
    expect(
      (
        await runToEnd(
          sampleRequest(model('runway-gen3-alpha-turbo'), { overrides: { prompt: 'x #reject' } }),
        )
      ).result,
    ).toMatchObject({ status: 'failed', code: 'provider_content_rejected' });
  });

  it("should map Kie.ai's code 422 for a model it does not serve to a retryable provider_model_unavailable in both families", async () => {
    const cases = [
      [sampleRequest(model('veo-3-fast')), 'veo3_legacy', 'Invalid model'],
      [
        sampleRequest(model('runway-gen3-alpha-turbo')),
        'runway-duration-10-generate',
        'model name not supported',
      ],
    ] as const;
    for (const [request, retiredId, msg] of cases) {
      const retired = { ...request, offering: { ...request.offering, providerModelId: retiredId } };
      const error = await adapter
        .submit(retired, context(`att_gone_${retiredId}`))
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        code: 'provider_model_unavailable',
        isRetryable: true,
        details: { kieaiCode: 422 },
      });
      expect((error as ProviderError).message).toContain(msg);
    }
  });

  it('should keep a code 422 about the request itself (an empty prompt) a non-retryable provider_invalid_request', async () => {
    fake.setScenario('invalid_request');
    const error = await adapter
      .submit(sampleRequest(model('veo-3-fast')), context('att_badinput'))
      .catch((thrown: unknown) => thrown);
    fake.setScenario('ok');
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: false });
  });

  it('should detect exhausted credits as body code 402 on HTTP 200 and as a mirrored HTTP 402', async () => {
    fake.setScenario('insufficient_credits');
    const inBody = await adapter
      .submit(sampleRequest(model('veo-3-fast')), context('att_c1'))
      .catch((thrown: unknown) => thrown);
    fake.setScenario('ok');
    expect(inBody).toBeInstanceOf(ProviderError);
    expect(inBody).toMatchObject({
      code: 'provider_insufficient_credits',
      isRetryable: true,
      statusCode: 200,
    });
    const mirrored = await KieaiFake.start({ errorStatus: 'mirror' });
    try {
      mirrored.setScenario('insufficient_credits');
      const other = new KieaiAdapter(
        KieaiConfigSchema.parse({
          id: 'kieai',
          type: 'kieai',
          apiKey: 'test-key',
          baseUrl: mirrored.url,
        }),
      );
      const error = await other
        .submit(sampleRequest(model('veo-3-fast')), context('att_c2'))
        .catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'provider_insufficient_credits', statusCode: 402 });
    } finally {
      await mirrored.close();
    }
  });

  it('should verify callbacks (valid, forged, replayed, unsigned) and read the result back from Kie', async () => {
    const { submitted } = await runToEnd(sampleRequest(model('runway-gen3-alpha-turbo')));
    const id = submitted.providerJobId;
    const readsBefore = fake.requests.filter(
      (entry) => entry.path === '/api/v1/runway/record-detail',
    ).length;
    expect(await adapter.parseWebhook!(await fake.webhook(id))).toMatchObject({
      providerJobId: id,
      result: { status: 'completed' },
    });
    expect(
      fake.requests.filter((entry) => entry.path === '/api/v1/runway/record-detail').length,
    ).toBe(readsBefore + 1);
    const rejects = async (promise: Promise<unknown>, reason: string) => {
      const error = await promise.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ httpStatus: 401, details: { reason } });
    };
    await rejects(
      adapter.parseWebhook!(await fake.webhook(id, { forge: true })),
      'invalid_signature',
    );
    await rejects(
      adapter.parseWebhook!(await fake.webhook(id, { timestampOffsetSeconds: -3600 })),
      'timestamp_out_of_tolerance',
    );
    const unsigned = await fake.webhook(id);
    await rejects(
      adapter.parseWebhook!({ ...unsigned, headers: { 'content-type': 'application/json' } }),
      'missing_headers',
    );
    // The body is unsigned: a swapped task id breaks the signature.
    const swapped = await fake.webhook(id);
    await rejects(
      adapter.parseWebhook!({
        ...swapped,
        rawBody: Buffer.from(swapped.rawBody.toString().replace(id, 'someone-else')),
      }),
      'invalid_signature',
    );
  });

  it('should register no callback and accept none without a webhookHmacKey', async () => {
    const plain = new KieaiAdapter(
      KieaiConfigSchema.parse({
        id: 'kieai',
        type: 'kieai',
        apiKey: 'test-key',
        baseUrl: fake.url,
      }),
    );
    await plain.submit(
      sampleRequest(plain.models[0]!),
      context('att_plain', 'https://gw.example.com/v1/providers/kieai/webhook'),
    );
    expect(lastPost().json).not.toHaveProperty('callBackUrl');
    expect(plain.parseWebhook).toBeUndefined();
    expect(plain.models.every((offering) => !offering.capabilities.supportsWebhook)).toBe(true);
  });

  it('should estimate cost from the catalog (per clip, by resolution)', () => {
    expect(estimateAdapterCost(adapter, sampleRequest(model('veo-3-fast')))).toBeCloseTo(0.3);
    expect(
      estimateAdapterCost(adapter, sampleRequest(model('runway-gen3-alpha-turbo'))),
    ).toBeCloseTo(0.06);
    expect(
      estimateAdapterCost(
        adapter,
        sampleRequest(model('runway-gen3-alpha-turbo'), { overrides: { resolution: '1080p' } }),
      ),
    ).toBeCloseTo(0.15);
  });

  it('should report health with the credit balance', async () => {
    expect(await adapter.healthCheck({ signal: signal() })).toMatchObject({
      ok: true,
      credits: { remainingUsd: 5, exhausted: false },
    });
    fake.setCredits(0);
    expect(await adapter.healthCheck({ signal: signal() })).toMatchObject({
      ok: true,
      credits: { exhausted: true },
    });
    fake.setCredits(1000);
    const wrong = new KieaiAdapter(
      KieaiConfigSchema.parse({ id: 'kieai', type: 'kieai', apiKey: 'wrong', baseUrl: fake.url }),
    );
    expect(await wrong.healthCheck({ signal: signal() })).toMatchObject({ ok: false });
  });
});
