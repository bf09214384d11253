import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'admin-auth-test-key';

async function put(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('admin API authentication', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', { adminKey });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should answer 401 to an unauthenticated caller before looking at the body', async () => {
    const invalid = await put(`${test.url}/admin/routing/weights`, '{"weights":"nope","extra":1}');
    expect(invalid.status).toBe(401);
    expect(ErrorBody.parse(invalid.body).error.code).toBe('unauthorized');
    const malformed = await put(`${test.url}/admin/routing/weights`, '{not json');
    expect(malformed.status).toBe(401);
    const wrongKey = await put(`${test.url}/admin/routing/weights`, '{"weights":"nope"}', {
      authorization: 'Bearer not-the-key',
    });
    expect(wrongKey.status).toBe(401);
  });

  it('should still validate the body of an authenticated caller', async () => {
    const invalid = await put(`${test.url}/admin/routing/weights`, '{"weights":"nope"}', {
      authorization: `Bearer ${adminKey}`,
    });
    expect(invalid.status).toBe(400);
  });
});
