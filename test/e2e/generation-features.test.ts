import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEnhancementSuffix, RunwareFake } from '../fakes/runware/runware-fake.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('quality tiers, style presets and prompt enhancement (native API, Runware fake)', () => {
  let runware: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    runware = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: runware.endpoint },
        { id: 'simulator', type: 'simulator' },
      ],
      stylePresets: {
        banner: {
          promptTemplate: 'wide party banner reading {prompt}',
          model: 'flux-schnell',
          quality: 'fast',
          size: { width: 1536, height: 512 },
        },
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await runware?.close();
  });

  const create = (body: Record<string, unknown>) =>
    postJson(`${test.url}/v1/generations?wait=20`, body);

  it('should send each tier as the catalog declares it: steps, and a model variant', async () => {
    const fast = JobBody.parse(
      (await create({ model: 'flux-dev', prompt: 'a', quality: 'fast' })).body,
    );
    expect(fast.status).toBe('succeeded');
    expect(runware.lastTask()!.request).toMatchObject({ model: 'runware:101@1', steps: 12 });

    const premium = JobBody.parse(
      (await create({ model: 'flux-schnell', prompt: 'b', quality: 'premium' })).body,
    );
    expect(premium.status).toBe('succeeded');
    // schnell's premium tier is served by FLUX.1 [dev], priced as dev.
    expect(runware.lastTask()!.request).toMatchObject({ model: 'runware:101@1', steps: 28 });
    expect(premium.cost.estimated_usd).toBeCloseTo(0.0038);
  });

  it('should refuse an unknown tier with 400 naming the valid ones', async () => {
    const { status, body } = await create({ model: 'flux-dev', prompt: 'a', quality: 'ultra' });
    expect(status).toBe(400);
    const message = ErrorBody.parse(body).error.message + JSON.stringify(body);
    for (const tier of ['fast', 'standard', 'premium']) expect(message).toContain(tier);
  });

  it('should apply a configured preset: template, model, tier and size', async () => {
    const { status, body } = await create({ prompt: 'HAPPY 30TH', style: 'banner' });
    expect(status).toBe(200);
    const job = JobBody.parse(body);
    expect(job).toMatchObject({
      model: 'flux-schnell',
      provider: 'runware',
      prompt: 'wide party banner reading HAPPY 30TH',
      original_prompt: 'HAPPY 30TH',
    });
    expect(job.request).toMatchObject({ style_preset: 'banner', quality: 'fast', width: 1536 });
    expect(runware.lastTask()!.request).toMatchObject({ width: 1536, height: 512, steps: 2 });
  });

  it('should apply the built-in party preset to the model given', async () => {
    const job = JobBody.parse(
      (await create({ model: 'sim-image', prompt: 'x', style: 'party' })).body,
    );
    expect(job.prompt).toContain('festive party decoration');
    expect(job.request).toMatchObject({ width: 1024, height: 1024, style_preset: 'party' });
    expect(job.request.negative_prompt).toBeTruthy();
  });

  it('should refuse an unknown preset with 400 naming the presets, and a preset without a model', async () => {
    const unknown = await create({ model: 'flux-dev', prompt: 'x', style: 'vaporwave' });
    expect(unknown.status).toBe(400);
    const error = ErrorBody.parse(unknown.body).error;
    expect(error.code).toBe('unknown_style');
    expect(error.message).toContain('party');
    expect(error.message).toContain('banner');
    const modelless = await create({ prompt: 'x', style: 'party' });
    expect(modelless.status).toBe(400);
    expect(ErrorBody.parse(modelless.body).error.message).toContain('model is required');
  });

  it('should enhance the prompt with Runware and record what was sent', async () => {
    const { body } = await create({ model: 'flux-dev', prompt: 'a cake', enhance_prompt: true });
    const job = JobBody.parse(body);
    expect(job.prompt).toBe(`a cake, ${fakeEnhancementSuffix}`);
    expect(job).toMatchObject({ original_prompt: 'a cake', prompt_enhanced_by: 'runware' });
    expect(runware.enhanceRequests.at(-1)).toMatchObject({
      taskType: 'promptEnhance',
      prompt: 'a cake',
      promptMaxLength: 300,
    });
    expect(runware.lastTask()!.request.positivePrompt).toBe(job.prompt);
  });

  it('should send the prompt as given, with a warning, where no provider can enhance it', async () => {
    const job = JobBody.parse(
      (await create({ model: 'sim-image', prompt: 'a cake', enhance_prompt: true })).body,
    );
    expect(job.prompt).toBe('a cake');
    expect(job.prompt_enhanced_by).toBeNull();
    expect(job.warnings).toEqual([
      expect.objectContaining({ code: 'prompt_enhancement_unavailable' }),
    ]);
  });
});
