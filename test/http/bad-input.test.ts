import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { z } from 'zod';
import { getJson, postJson } from '../helpers/http-client.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { backends } from '../helpers/test-database.js';

/** The parts of the OpenAPI document the docs test reads. */
const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.unknown()),
});
const GenerationsPathItem = z.looseObject({
  post: z.looseObject({
    requestBody: z.looseObject({
      content: z.looseObject({
        'application/json': z.looseObject({
          schema: z.looseObject({ properties: z.record(z.string(), z.unknown()) }),
        }),
      }),
    }),
  }),
});

/** Every client mistake gets a 4xx with {"error":{"code","message"}} and leaves nothing behind. */
describe('bad input', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', { uploads: { maxBytes: 4096 } });
  });
  afterAll(async () => {
    await test?.close();
  });

  const expectError = (
    response: { status: number; body: unknown },
    status: number,
    code: string,
  ) => {
    expect(response.status).toBe(status);
    const { error } = ErrorBody.parse(response.body);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
  };

  async function jobCount(): Promise<number> {
    const { rows } = await test.gateway.database.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM generations',
    );
    return rows[0]!.count;
  }

  it.each([
    ['malformed JSON', '{"model": "sim-image", "prompt": ', 400, 'invalid_json'],
    ['a JSON array', '[1,2]', 400, 'invalid_request'],
    ['wrong types', { model: 'sim-image', prompt: 42 }, 400, 'invalid_request'],
    ['a missing prompt', { model: 'sim-image' }, 400, 'invalid_request'],
    [
      'an unknown field',
      { model: 'sim-image', prompt: 'x', colour: 'red' },
      400,
      'invalid_request',
    ],
    ['an unknown model', { model: 'dall-e-9', prompt: 'x' }, 400, 'unknown_model'],
    [
      'an out-of-range duration',
      { model: 'sim-video', prompt: 'x', duration: 30 },
      400,
      'unsupported_parameter',
    ],
    [
      'a negative duration',
      { model: 'sim-video', prompt: 'x', duration: -1 },
      400,
      'invalid_request',
    ],
    [
      'an unsupported size',
      { model: 'sim-image', prompt: 'x', width: 4000, height: 4000 },
      400,
      'unsupported_parameter',
    ],
    [
      'a size not in the presets',
      { model: 'sim-video', prompt: 'x', width: 1000, height: 500 },
      400,
      'unsupported_parameter',
    ],
    [
      'an unknown resolution',
      { model: 'sim-video', prompt: 'x', resolution: '4320p' },
      400,
      'unsupported_parameter',
    ],
    [
      'a duration on an image model',
      { model: 'sim-image', prompt: 'x', duration: 3 },
      400,
      'unsupported_parameter',
    ],
    ['too many outputs', { model: 'sim-image', prompt: 'x', n: 9 }, 400, 'unsupported_parameter'],
    [
      'a mismatched kind',
      { model: 'sim-image', prompt: 'x', kind: 'video' },
      400,
      'invalid_request',
    ],
    [
      'image-to-image without an input image',
      { model: 'sim-image', prompt: 'x', task: 'image-to-image' },
      400,
      'invalid_request',
    ],
    [
      'an unknown uploaded asset',
      { model: 'sim-image', prompt: 'x', input_images: ['asset_00000000000000000000000000'] },
      400,
      'asset_not_found',
    ],
    [
      'an input URL on a private network',
      {
        model: 'sim-image',
        prompt: 'x',
        input_images: ['http://169.254.169.254/latest/meta-data'],
      },
      400,
      'url_not_allowed',
    ],
    [
      'a webhook to loopback',
      { model: 'sim-image', prompt: 'x', webhook_url: 'http://127.0.0.1:9/hook' },
      400,
      'url_not_allowed',
    ],
    [
      'a non-http webhook',
      { model: 'sim-image', prompt: 'x', webhook_url: 'ftp://example.com/hook' },
      400,
      'invalid_request',
    ],
    [
      'an unknown provider pin',
      { model: 'sim-image', prompt: 'x', provider: 'nobody' },
      400,
      'unknown_provider',
    ],
    [
      'a bad data URI',
      { model: 'sim-image', prompt: 'x', input_images: ['data:image/png;base64,aGVsbG8='] },
      400,
      'invalid_request',
    ],
  ])('should reject %s without storing a job', async (_name, body, status, code) => {
    const before = await jobCount();
    expectError(
      await postJson(`${test.url}/v1/generations`, body),
      status as number,
      code as string,
    );
    expect(await jobCount()).toBe(before);
  });

  it('should answer 404 for unknown jobs, assets and routes', async () => {
    expectError(
      await getJson(`${test.url}/v1/generations/gen_00000000000000000000000000`),
      404,
      'generation_not_found',
    );
    expectError(
      await getJson(`${test.url}/v1/generations/../../etc/passwd`),
      404,
      'route_not_found',
    );
    expectError(await getJson(`${test.url}/v1/assets/asset_nope`), 404, 'asset_not_found');
    expectError(await getJson(`${test.url}/v1/nothing-here`), 404, 'route_not_found');
    expectError(
      await postJson(`${test.url}/v1/generations/gen_00000000000000000000000000/cancel`, {}),
      404,
      'generation_not_found',
    );
  });

  it('should reject bad list parameters', async () => {
    expectError(await getJson(`${test.url}/v1/generations?limit=1000`), 400, 'invalid_request');
    expectError(await getJson(`${test.url}/v1/generations?status=done`), 400, 'invalid_request');
    expectError(
      await getJson(`${test.url}/v1/generations?cursor=bm90LWFuLWlk`),
      400,
      'invalid_request',
    );
  });

  it('should reject a non-image upload by its bytes whatever the header says', async () => {
    const response = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: '%PDF-1.7 not an image',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'unsupported_media_type',
    );
    const form = new FormData();
    form.append('file', new Blob(['GIF89a but not really']), 'x.gif');
    const multipart = await fetch(`${test.url}/v1/uploads`, { method: 'POST', body: form });
    expect(multipart.status).toBe(415);
  });

  it('should reject an oversized upload with 413, raw or multipart', async () => {
    const count = async () =>
      (
        await test.gateway.database.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM assets',
        )
      ).rows[0]!.count;
    const before = await count();
    const big = Buffer.alloc(8192, 0x89);
    const raw = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: big,
    });
    expect(raw.status).toBe(413);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.png');
    const multipart = await fetch(`${test.url}/v1/uploads`, { method: 'POST', body: form });
    expect(multipart.status).toBe(413);
    expect(await count()).toBe(before);
  });

  it('should reject an unsupported upload content type and an empty upload', async () => {
    const text = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    const empty = await fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: '',
    });
    expect([400, 415]).toContain(empty.status);
  });

  it('should protect the admin API', async () => {
    const response = await fetch(`${test.url}/admin/providers`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'admin_api_disabled',
    );
  });

  it('should publish an OpenAPI 3 document and browsable docs', async () => {
    const response = await getJson(`${test.url}/openapi.json`);
    expect(response.status).toBe(200);
    const body = OpenApiDocument.parse(response.body);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/generations',
        '/v1/generations/{id}',
        '/v1/uploads',
        '/v1/images/generations',
        '/v1/videos',
      ]),
    );
    expect(
      GenerationsPathItem.parse(body.paths['/v1/generations']).post.requestBody.content[
        'application/json'
      ].schema.properties.prompt,
    ).toBeDefined();
    const docs = await fetch(`${test.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});

/** Text PostgreSQL cannot store, as JSON escapes (a raw body keeps them unpaired). */
const unstorableTexts = [
  ['a NUL', '\\u0000'],
  ['a lone high surrogate', '\\ud800'],
  ['a lone low surrogate', '\\udc00'],
] as const;

describe.each(backends)('text the database cannot store (%s)', (backend) => {
  let test: TestGateway;
  let jobId: string;
  beforeAll(async () => {
    test = await startTestGateway(backend);
    const created = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'a lantern',
    });
    jobId = JobBody.parse(created.body).id;
  }, 60_000);
  afterAll(async () => {
    await test?.close();
  });

  const expectInvalidText = (response: { status: number; body: unknown }, field: string) => {
    expect(response.status).toBe(400);
    const { error } = ErrorBody.parse(response.body);
    expect(error.code).toBe('invalid_text');
    expect(error.message).toContain(field);
  };

  it.each(unstorableTexts)(
    'should refuse %s in a prompt, user or metadata key',
    async (_, text) => {
      for (const [field, body] of [
        ['prompt', `{"model":"sim-image","prompt":"a ${text} lantern"}`],
        ['user', `{"model":"sim-image","prompt":"a lantern","user":"u${text}"}`],
        ['metadata.k', `{"model":"sim-image","prompt":"a lantern","metadata":{"k${text}":"v"}}`],
      ] as const) {
        const response = await postJson(`${test.url}/v1/generations`, body);
        expectInvalidText(response, field.replace(/\.k$/, '.k'));
      }
      const { rows } = await test.gateway.database.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM generations',
      );
      expect(rows[0]!.count).toBe(1);
    },
  );

  it.each(unstorableTexts)('should refuse %s in a feedback comment', async (_, text) => {
    const response = await postJson(
      `${test.url}/v1/generations/${jobId}/feedback`,
      `{"rating":4,"comment":"nice ${text}"}`,
    );
    expectInvalidText(response, 'comment');
  });

  it('should refuse a NUL in ?user=', async () => {
    const response = await getJson(`${test.url}/v1/generations?user=a%00b`);
    expectInvalidText(response, 'user');
  });
});
