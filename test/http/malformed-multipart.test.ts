import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../fakes/fake-media.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const filePart = (name: string) =>
  `--abc\r\nContent-Disposition: form-data; name="${name}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nxx`;

/** Bodies cut off mid-part, or without the boundary their header names. */
const malformed: { path: string; contentType: string; body: string }[] = [
  {
    path: '/v1/uploads',
    contentType: 'multipart/form-data; boundary=abc',
    body: 'no boundary here',
  },
  { path: '/v1/uploads', contentType: 'multipart/form-data', body: filePart('file') },
  { path: '/v1/uploads', contentType: 'multipart/form-data; boundary=abc', body: filePart('file') },
  {
    path: '/api/v3/uploads',
    contentType: 'multipart/form-data; boundary=abc',
    body: '--abc\r\nbroken',
  },
  {
    path: '/v1/videos',
    contentType: 'multipart/form-data; boundary=abc',
    body: '--abc\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nwaves',
  },
  {
    path: '/v1/videos',
    contentType: 'multipart/form-data; boundary=abc',
    body: filePart('input_reference'),
  },
  {
    path: '/motif/generation/generate-from-inspiration',
    contentType: 'multipart/form-data; boundary=abc',
    body: filePart('file'),
  },
];

describe('malformed multipart bodies', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it.each(malformed)(
    'should answer 400 invalid_multipart on $path ($contentType)',
    async (sent) => {
      const response = await fetch(`${test.url}${sent.path}`, {
        method: 'POST',
        headers: { 'content-type': sent.contentType },
        body: sent.body,
      });
      expect(response.status).toBe(400);
      expect(ErrorBody.parse(await response.json()).error.code).toBe('invalid_multipart');
    },
  );

  it('should still take a well-formed upload after them', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(await fakePng())], { type: 'image/png' }),
      'a.png',
    );
    const response = await fetch(`${test.url}/v1/uploads`, { method: 'POST', body: form });
    expect(response.status).toBe(201);
  });
});
