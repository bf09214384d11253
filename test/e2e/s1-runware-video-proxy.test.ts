import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  S1GenerateAnswerSchema,
  S1UploadAnswerSchema,
} from '../../src/http/schemas/s1-runware-schemas.js';
import { onePixelPng } from '../fakes/fake-http-server.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'e2e-s1-admin-key';
const auth = { authorization: `Bearer ${adminKey}` };

/** The S1 document's request example, in its fields (the key is a placeholder there too). */
const seedRequestExample = {
  api_key: 'RUNWARE_API_KEY',
  image_url: 'https://i.imgur.com/example.png',
  prompt: 'Cinematic motion...',
  duration: 5,
  resolution: '720p',
};

const generationsPath = '/api/v3/runware/videos/generations';

describe('S1 Runware video proxy (Runware fake)', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      adminKey,
      providers: [{ id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint }],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  beforeEach(() => fake.setScenario('ok'));
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  const generate = (body: Record<string, unknown>) =>
    postJson(`${test.url}${generationsPath}`, body, auth);

  it("should answer the seed's example with the finished video, on SeeDance 1.0 Pro Fast", async () => {
    const { status, body } = await generate(seedRequestExample);
    expect(status).toBe(200);
    const answer = S1GenerateAnswerSchema.strict().parse(body);
    expect(answer.status).toBe('completed');
    expect(answer.id).toMatch(/^gen_/);
    expect(answer.result.video_url).toMatch(new RegExp(`^${test.url}/v1/assets/asset_`));
    const task = fake.lastTask()!.request as Record<string, unknown>;
    expect(task).toMatchObject({ model: 'bytedance:2@2', duration: 5, width: 1248, height: 704 });
    expect(JSON.stringify(task)).toContain('https://i.imgur.com/example.png');
    // The body's api_key is not the provider's key: the gateway's configured key is used.
    expect(JSON.stringify(task)).not.toContain('RUNWARE_API_KEY');
    const video = await fetch(answer.result.video_url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
  });

  it.each([
    ['a data: URL', { image_url: 'data:image/png;base64,iVBORw0KGgo=' }],
    ['a private address', { image_url: 'http://10.0.0.7/frame.png' }],
    ['loopback', { image_url: 'http://127.0.0.1:9/frame.png' }],
  ])('should refuse %s as image_url with 400 invalid image_url', async (_name, change) => {
    const { status, body } = await generate({ ...seedRequestExample, ...change });
    expect(status).toBe(400);
    const error = ErrorBody.parse(body).error;
    expect(error.code).toBe('invalid_image_url');
    expect(error.message).toMatch(/^Invalid image_url/);
  });

  it.each([
    ['a resolution S1 never offered', { resolution: '4k' }],
    ['a duration below 1.2 s', { duration: 1 }],
    ['a duration above 12 s', { duration: 12.5 }],
    ['no prompt', { prompt: undefined }],
  ])('should answer 400 for %s', async (_name, change) => {
    const { status } = await generate({ ...seedRequestExample, ...change });
    expect(status).toBe(400);
  });

  it('should answer 402 with the minimum top-up and the wallet page when credit ran out', async () => {
    fake.setScenario('insufficient_credits');
    const { status, body } = await generate(seedRequestExample);
    expect(status).toBe(402);
    const error = ErrorBody.parse(body).error;
    expect(error.code).toBe('insufficient_credits');
    expect(error.message).toContain('$5');
    expect(error.message).toContain('$20');
    expect(error.message).toContain('https://my.runware.ai/wallet');
  });

  it("should fail a native job pinned to Runware with Runware's own error, not all_providers_failed", async () => {
    fake.setScenario('insufficient_credits');
    const { status, body } = await postJson(
      `${test.url}/v1/generations?wait=30`,
      {
        model: 'seedance-1-pro-fast',
        provider: 'runware',
        prompt: 'Cinematic motion...',
        input_images: ['https://i.imgur.com/example.png'],
        duration: 5,
        resolution: '720p',
      },
      auth,
    );
    expect(status).toBe(200);
    const job = JobBody.parse(body);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('provider_insufficient_credits');
    expect(job.error?.details).toMatchObject({ provider: 'runware' });
  });

  it('should answer 500 for any other Runware error', async () => {
    fake.setScenario('auth_error');
    const { status, body } = await generate(seedRequestExample);
    expect(status).toBe(500);
    expect(ErrorBody.parse(body).error.code).toBe('runware_error');
  });

  it('should answer 403 once Runware is switched off on the control plane, and 200 again after', async () => {
    const off = await fetch(`${test.url}/admin/providers/runware/disable`, {
      method: 'POST',
      headers: auth,
    });
    expect(off.status).toBe(200);
    try {
      const { status, body } = await generate(seedRequestExample);
      expect(status).toBe(403);
      expect(ErrorBody.parse(body).error.code).toBe('provider_disabled');
    } finally {
      await fetch(`${test.url}/admin/providers/runware/enable`, { method: 'POST', headers: auth });
    }
    expect((await generate(seedRequestExample)).status).toBe(200);
  });

  it('should take the same keys as the native API when auth is on', async () => {
    const { status } = await postJson(`${test.url}${generationsPath}`, seedRequestExample);
    expect(status).toBe(401);
    const download = `${test.url}/api/v3/runware/download?url=x`;
    expect((await fetch(download)).status).toBe(401);
    // A browser's CORS preflight carries no key.
    expect((await fetch(download, { method: 'OPTIONS' })).status).toBe(204);
  });
});

describe('S1 Runware video proxy with RUNWARE_ENABLED=false', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway(
      'pglite',
      { providers: undefined },
      {
        env: {
          RUNWARE_API_KEY: 'test-key',
          RUNWARE_BASE_URL: fake.endpoint,
          RUNWARE_ENABLED: 'false',
        },
      },
    );
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should answer 403', async () => {
    const { status, body } = await postJson(`${test.url}${generationsPath}`, seedRequestExample);
    expect(status).toBe(403);
    expect(ErrorBody.parse(body).error.code).toBe('provider_disabled');
  });
});

describe('S1 uploads (public URL set)', () => {
  const publicUrl = 'https://gateway.example.com';
  let fake: RunwareFake;
  let test: TestGateway;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      publicUrl,
      providers: [{ id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint }],
      jobs: { maxSubmitRounds: 1 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  async function upload(body: FormData | Uint8Array, headers: Record<string, string> = {}) {
    const response = await fetch(`${test.url}/api/v3/uploads`, { method: 'POST', body, headers });
    expect(response.status).toBe(200);
    return S1UploadAnswerSchema.strict().parse(await response.json()).url;
  }

  it('should take a multipart file and answer a gateway URL that generate uses without fetching', async () => {
    const form = new FormData();
    form.append('file', new Blob([onePixelPng], { type: 'image/png' }), 'frame.png');
    const url = await upload(form);
    expect(url).toMatch(new RegExp(`^${publicUrl}/v1/assets/asset_`));
    const { status, body } = await postJson(`${test.url}${generationsPath}`, {
      ...seedRequestExample,
      image_url: url,
    });
    expect(status).toBe(200);
    S1GenerateAnswerSchema.strict().parse(body);
    // Runware is handed the gateway's public link to the stored upload.
    expect(JSON.stringify(fake.lastTask()!.request)).toContain(url);
  });

  it('should take a raw image body, and the native API should accept its URL as input_images', async () => {
    const url = await upload(onePixelPng, { 'content-type': 'image/png' });
    const { status, body } = await postJson(`${test.url}/v1/generations?wait=30`, {
      model: 'seedance-1-pro-fast',
      prompt: 'waves',
      input_images: [url],
      duration: 5,
    });
    expect(status).toBe(200);
    const job = JobBody.parse(body);
    expect(job.status).toBe('succeeded');
    expect(job.request.input_images).toEqual([url.slice(`${publicUrl}/v1/assets/`.length)]);
  });

  it('should refuse an upload that is not an image (415, as the native upload route)', async () => {
    const response = await fetch(`${test.url}/api/v3/uploads`, {
      method: 'POST',
      body: Buffer.from('not an image'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(response.status).toBe(415);
  });
});
