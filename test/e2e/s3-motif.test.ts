import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  S3BatchAnswerSchema,
  S3GenerationAnswerSchema,
  s3StrategyNames,
} from '../../src/http/schemas/s3-motif-schemas.js';
import { onePixelPng } from '../fakes/fake-http-server.js';
import { GoogleFake } from '../fakes/google/google-fake.js';
import { fakeEnhancementSuffix, RunwareFake } from '../fakes/runware/runware-fake.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The seed's "Test Image Generation" curl body, byte for byte (its -d argument). */
const seedPartyBody = `{
    "prompt": "A beautiful party decoration with balloons and confetti",
    "style": "party",
    "user_id": "test_user"
  }`;
const seedPrompt = 'A beautiful party decoration with balloons and confetti';

/** POSTs a body exactly as given, the way `curl -H "Content-Type: application/json" -d` does. */
async function postRaw(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function jobOf(test: TestGateway, id: string, headers: Record<string, string> = {}) {
  const { body } = await getJson(`${test.url}/v1/generations/${id}`, headers);
  return JobBody.parse(body);
}

describe('S3 image service manager (simulator, open gateway)', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it("should answer the seed's status curl with every provider and the routing in force", async () => {
    // curl http://localhost:8000/motif/services/status
    const response = await fetch(`${test.url}/motif/services/status`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'healthy',
      routing_strategy: 'primary_first',
      primary_provider: 'simulator',
      default_model: 'sim-image',
      providers: { simulator: { name: 'simulator', type: 'simulator', enabled: true } },
    });
  });

  it("should generate the seed's party example with the party preset, naming the provider", async () => {
    const { status, body } = await postRaw(
      `${test.url}/motif/generation/generate-from-prompt`,
      seedPartyBody,
    );
    expect(status).toBe(200);
    const answer = S3GenerationAnswerSchema.strict().parse(body);
    expect(answer).toMatchObject({
      provider: 'simulator',
      model: 'sim-image',
      prompt: seedPrompt,
      style: 'party',
      user_id: 'test_user',
    });
    expect(answer.prompt_used).toContain(seedPrompt);
    expect(answer.prompt_used).toContain('festive party decoration');
    expect(answer.cost).toBeGreaterThan(0);
    expect(answer.images).toHaveLength(1);
    const image = await fetch(answer.image_url);
    expect(image.headers.get('content-type')).toBe('image/png');
    const job = await jobOf(test, answer.generation_id);
    expect(job.original_prompt).toBe(seedPrompt);
    expect(job.request).toMatchObject({ style_preset: 'party', width: 1024, height: 1024 });
    expect(job.request.negative_prompt).toContain('blurry');
  });

  it('should refuse an unknown style with 400 naming the presets', async () => {
    const { status, body } = await postJson(`${test.url}/motif/generation/generate-from-prompt`, {
      prompt: 'x',
      style: 'gothic-disco',
    });
    expect(status).toBe(400);
    const error = ErrorBody.parse(body).error;
    expect(error.code).toBe('unknown_style');
    expect(error.message).toContain('party');
  });

  it('should generate from an inspiration image given by URL or uploaded, with its strength', async () => {
    const first = S3GenerationAnswerSchema.parse(
      (await postRaw(`${test.url}/motif/generation/generate-from-prompt`, seedPartyBody)).body,
    );
    const byUrl = await postJson(`${test.url}/motif/generation/generate-from-inspiration`, {
      prompt: 'the same decoration in blue',
      image_url: first.image_url,
      strength: 0.4,
      user_id: 'test_user',
    });
    expect(byUrl.status).toBe(200);
    const answer = S3GenerationAnswerSchema.parse(byUrl.body);
    const job = await jobOf(test, answer.generation_id);
    expect(job.task).toBe('image-to-image');
    expect(job.request.strength).toBe(0.4);
    expect(job.request.input_images?.[0]).toMatch(/^asset_/);

    const form = new FormData();
    form.append('file', new Blob([onePixelPng], { type: 'image/png' }), 'room.png');
    form.append('prompt', 'birthday version of this room');
    form.append('style', 'birthday');
    form.append('strength', '0.6');
    const uploaded = await fetch(`${test.url}/motif/generation/generate-from-inspiration`, {
      method: 'POST',
      body: form,
    });
    expect(uploaded.status).toBe(200);
    const fromUpload = S3GenerationAnswerSchema.parse(await uploaded.json());
    expect(fromUpload.style).toBe('birthday');
    expect((await jobOf(test, fromUpload.generation_id)).request.strength).toBe(0.6);
  });

  it('should refuse a private inspiration URL with the native SSRF check', async () => {
    const { status, body } = await postJson(
      `${test.url}/motif/generation/generate-from-inspiration`,
      { prompt: 'x', image_url: 'http://10.0.0.7/room.png' },
    );
    expect(status).toBe(400);
    expect(ErrorBody.parse(body).error.code).toBeTruthy();
  });

  it('should generate n variations of one prompt concurrently', async () => {
    const { status, body } = await postJson(`${test.url}/motif/generation/generate-batch`, {
      prompt: 'confetti table',
      num_variations: 3,
      style: 'party',
      user_id: 'test_user',
    });
    expect(status).toBe(200);
    const answer = S3BatchAnswerSchema.strict().parse(body);
    expect(answer).toMatchObject({ success: true, total: 3, succeeded: 3, failed: 0 });
    expect(new Set(answer.results.map((item) => item.generation_id)).size).toBe(3);
    expect(answer.results.every((item) => item.provider === 'simulator')).toBe(true);
  });

  it('should change the routing strategy through the control plane, and refuse unknown names', async () => {
    for (const strategy of s3StrategyNames) {
      const { status, body } = await postJson(`${test.url}/motif/services/routing-strategy`, {
        strategy,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ success: true, routing_strategy: strategy });
      expect(test.gateway.controlPlane.settings().strategy).toBe(strategy);
    }
    const audit = await test.gateway.controlPlane.audit({ limit: 1 });
    expect(audit[0]).toMatchObject({
      flag_key: 'GEN_ROUTING_STRATEGY',
      new_value: { flag_value_text: 'health_based' },
    });
    const refused = await postJson(`${test.url}/motif/services/routing-strategy`, {
      strategy: 'fastest',
    });
    expect(refused.status).toBe(400);
    expect(ErrorBody.parse(refused.body).error.message).toContain('primary_first');
    await postJson(`${test.url}/motif/services/routing-strategy`, { strategy: 'primary_first' });
  });

  it('should set the primary provider and refuse an unknown one', async () => {
    const { status, body } = await postJson(`${test.url}/motif/services/primary-provider`, {
      provider: 'simulator',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, primary_provider: 'simulator' });
    const refused = await postJson(`${test.url}/motif/services/primary-provider`, {
      provider: 'midjourney',
    });
    expect(refused.status).toBe(400);
    expect(ErrorBody.parse(refused.body).error.message).toContain('simulator');
  });

  it('should list capabilities, test a provider, estimate costs, check health and report metrics', async () => {
    const providers = (await getJson(`${test.url}/motif/services/providers`)).body as {
      providers: { name: string; models: { model: string; tasks: string[] }[] }[];
      style_presets: Record<string, unknown>;
    };
    expect(providers.providers[0]!.models.map((model) => model.model)).toContain('sim-image');
    expect(Object.keys(providers.style_presets)).toEqual(
      expect.arrayContaining(['party', 'birthday', 'wedding']),
    );

    const tested = await postJson(`${test.url}/motif/services/test-generation`, {
      provider: 'simulator',
    });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ success: true, provider: 'simulator' });

    const estimate = await postJson(`${test.url}/motif/services/cost-estimate`, {
      prompt: 'balloons',
      style: 'party',
      num_images: 4,
    });
    expect(estimate.status).toBe(200);
    const estimated = estimate.body as {
      estimated_cost: number;
      estimates: { provider: string; cost_per_image: number }[];
    };
    expect(estimated.estimates[0]!.provider).toBe('simulator');
    expect(estimated.estimated_cost).toBeCloseTo(estimated.estimates[0]!.cost_per_image * 4);

    const checked = await postJson(`${test.url}/motif/services/health-check`, {});
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ results: { simulator: { healthy: true } } });

    const metrics = (await getJson(`${test.url}/motif/services/metrics`)).body as {
      providers: Record<string, { total_requests: number; success_rate: number | null }>;
    };
    expect(metrics.providers.simulator!.total_requests).toBeGreaterThan(0);
    expect(metrics.providers.simulator!.success_rate).toBe(1);

    const again = await postJson(`${test.url}/motif/services/reinitialize`, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ success: true, results: { simulator: { healthy: true } } });
  });
});

describe('S3 image service manager (Runware fake, Gemini fallback, admin key)', () => {
  const adminKey = 'e2e-s3-admin-key';
  const auth = { authorization: `Bearer ${adminKey}` };
  let runware: RunwareFake;
  let google: GoogleFake;
  let test: TestGateway;
  beforeAll(async () => {
    runware = await RunwareFake.start();
    google = await GoogleFake.start();
    test = await startTestGateway('pglite', {
      adminKey,
      providers: [
        { id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: runware.endpoint },
        { id: 'google', type: 'google', apiKey: 'test-key', baseUrl: google.baseUrl },
      ],
      compat: { s3: { enhancePrompt: true } },
      jobs: { maxSubmitRounds: 1 },
    });
  });
  beforeEach(() => {
    runware.setScenario('ok');
    runware.refusePromptsContaining(undefined);
  });
  afterAll(async () => {
    await test?.close();
    await runware?.close();
    await google?.close();
  });

  it('should take the same keys as /v1 on generation routes and the admin key on management', async () => {
    const keyless = await postRaw(
      `${test.url}/motif/generation/generate-from-prompt`,
      seedPartyBody,
    );
    expect(keyless.status).toBe(401);
    expect((await fetch(`${test.url}/motif/services/status`)).status).toBe(401);
    const wrong = await fetch(`${test.url}/motif/services/status`, {
      headers: { authorization: 'Bearer not-the-admin-key' },
    });
    expect(wrong.status).toBe(401);
    const refused = await postJson(
      `${test.url}/motif/services/routing-strategy`,
      { strategy: 'round_robin' },
      { authorization: 'Bearer not-the-admin-key' },
    );
    expect(refused.status).toBe(401);
    expect(test.gateway.controlPlane.settings().strategy).toBe('primary_first');
  });

  it("should serve the seed's party example on Runware with the prompt enhanced, recorded on the job", async () => {
    const { status, body } = await postRaw(
      `${test.url}/motif/generation/generate-from-prompt`,
      seedPartyBody,
      auth,
    );
    expect(status).toBe(200);
    const answer = S3GenerationAnswerSchema.strict().parse(body);
    expect(answer).toMatchObject({
      provider: 'runware',
      model: 'flux-dev',
      prompt: seedPrompt,
      prompt_enhanced_by: 'runware',
    });
    expect(answer.prompt_used).toContain(fakeEnhancementSuffix);
    const enhance = runware.enhanceRequests.at(-1)!;
    expect(enhance).toMatchObject({ taskType: 'promptEnhance', promptVersions: 1 });
    expect(String(enhance.prompt)).toContain('festive party decoration');
    const task = runware.lastTask()!.request;
    expect(task).toMatchObject({ model: 'runware:101@1', positivePrompt: answer.prompt_used });
    const job = await jobOf(test, answer.generation_id, auth);
    expect(job).toMatchObject({ prompt_enhanced_by: 'runware', original_prompt: seedPrompt });
    expect(job.prompt).toBe(answer.prompt_used);
  });

  it('should fall back to Gemini when Runware fails', async () => {
    runware.setScenario('server_error');
    const { status, body } = await postJson(
      `${test.url}/motif/generation/generate-from-prompt`,
      { prompt: 'balloon arch', style: 'party', enhance_prompt: false },
      auth,
    );
    expect(status).toBe(200);
    const answer = S3GenerationAnswerSchema.parse(body);
    expect(answer).toMatchObject({ provider: 'google', model: 'gemini-3.1-flash-image' });
    const job = await jobOf(test, answer.generation_id, auth);
    expect(job.attempts.map((attempt) => attempt.provider)).toEqual(['runware', 'google']);
    expect(job.request.aspect_ratio).toBe('1:1');
  });

  it('should report a batch with a partial failure per item', async () => {
    runware.refusePromptsContaining('REFUSED');
    const { status, body } = await postJson(
      `${test.url}/motif/generation/generate-batch`,
      {
        prompts: ['balloon arch', 'REFUSED confetti table', 'garland'],
        style: 'party',
        enhance_prompt: false,
      },
      auth,
    );
    expect(status).toBe(207);
    const answer = S3BatchAnswerSchema.strict().parse(body);
    expect(answer).toMatchObject({ success: false, total: 3, succeeded: 2, failed: 1 });
    const failed = answer.results.find((item) => !item.success)!;
    expect(failed).toMatchObject({ index: 1, status: 'failed' });
    expect(failed.error?.code).toBe('provider_invalid_request');
    expect(answer.results.filter((item) => item.success).map((item) => item.provider)).toEqual([
      'runware',
      'runware',
    ]);
  });

  it('should show a routing-strategy change made through /motif in the control plane and its audit', async () => {
    const { status } = await postJson(
      `${test.url}/motif/services/routing-strategy`,
      { strategy: 'cost_optimized', reason: 'cheaper first' },
      auth,
    );
    expect(status).toBe(200);
    const routing = (await getJson(`${test.url}/admin/routing`, auth)).body as {
      strategy: string;
    };
    expect(routing.strategy).toBe('cost_optimized');
    const audit = (await getJson(`${test.url}/admin/audit?limit=1`, auth)).body as {
      data: { newValue?: string; new_value?: string; reason?: string | null }[];
    };
    expect(JSON.stringify(audit.data[0])).toContain('cost_optimized');
    expect(JSON.stringify(audit.data[0])).toContain('cheaper first');
    const primary = await postJson(
      `${test.url}/motif/services/primary-provider`,
      { provider: 'gemini' },
      auth,
    );
    expect(primary.body).toMatchObject({ primary_provider: 'google' });
    await postJson(`${test.url}/motif/services/primary-provider`, { provider: 'runware' }, auth);
    await postJson(
      `${test.url}/motif/services/routing-strategy`,
      { strategy: 'primary_first' },
      auth,
    );
  });

  it('should list Runware capabilities with tiers and prompt enhancement, and estimate a premium batch', async () => {
    const { body } = await getJson(`${test.url}/motif/services/providers`, auth);
    const listed = body as {
      providers: {
        name: string;
        prompt_enhancement: boolean;
        models: { model: string; quality_tiers: string[] }[];
      }[];
    };
    const runwareEntry = listed.providers.find((entry) => entry.name === 'runware')!;
    expect(runwareEntry.prompt_enhancement).toBe(true);
    expect(
      runwareEntry.models.find((model) => model.model === 'flux-schnell')!.quality_tiers,
    ).toEqual(['fast', 'standard', 'premium']);
    const estimate = await postJson(
      `${test.url}/motif/services/cost-estimate`,
      { prompt: 'x', model: 'flux-schnell', quality: 'premium', num_images: 2 },
      auth,
    );
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({ routed_provider: 'runware' });
    expect((estimate.body as { estimated_cost: number }).estimated_cost).toBeCloseTo(0.0076);
  });
});
