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

describe('admin key guessing', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', { adminKey, adminAuthFailuresPerMinute: 3 });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should answer 429 with Retry-After once an address sent too many wrong keys', async () => {
    const guess = (key: string) =>
      fetch(`${test.url}/admin/routing`, { headers: { authorization: `Bearer ${key}` } });
    for (const attempt of [1, 2, 3]) expect((await guess(`wrong-key-${attempt}`)).status).toBe(401);
    const refused = await guess('wrong-key-4');
    expect(refused.status).toBe(429);
    expect(ErrorBody.parse(await refused.json()).error.code).toBe('too_many_auth_failures');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Locked out means locked out: the right key learns nothing until the window ends.
    expect((await guess(adminKey)).status).toBe(429);
  });
});
