import { afterEach, describe, expect, it } from 'vitest';
import { SsrfBlockedError } from '../../src/core/errors/index.js';
import { loadProviders } from '../../src/providers/load-providers.js';
import { providerFactories } from '../../src/providers/registry.js';
import { SsrfGuard } from '../../src/security/ssrf-guard.js';
import type { Database } from '../../src/store/database.js';
import { FakeHttpServer } from '../fakes/fake-http-server.js';
import { fakePng } from '../fakes/fake-media.js';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('provider base hosts and the SSRF guard', () => {
  it("should allow a base URL without a port on the scheme's port only", () => {
    const guard = new SsrfGuard();
    loadProviders(
      [{ id: 'replicate', type: 'replicate', apiKey: 'key-1234', baseUrl: 'http://10.1.2.3/v1' }],
      {
        database: {} as Database,
        fetchContext: { guard, maxBytes: 1024, timeoutMs: 1000 },
        env: {},
        now: Date.now,
      },
      providerFactories,
    );
    expect(guard.checkUrl('http://10.1.2.3/v1/files/out.png').host).toBe('10.1.2.3');
    expect(() => guard.checkUrl('http://10.1.2.3:6379/')).toThrow(SsrfBlockedError);
    expect(() => guard.checkUrl('http://10.1.2.3:22/')).toThrow(SsrfBlockedError);
  });
});

describe('client input-image URLs on a provider base host', () => {
  let test: TestGateway | undefined;
  let upstream: FakeHttpServer | undefined;
  afterEach(async () => {
    await test?.close();
    await upstream?.close();
    test = undefined;
    upstream = undefined;
  });

  async function start(allowedPrivateHosts: string[] | undefined) {
    const png = await fakePng();
    upstream = await FakeHttpServer.start(() => ({
      headers: { 'content-type': 'image/png' },
      body: png,
    }));
    const host = new URL(upstream.url).host;
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'simulator', type: 'simulator' },
        { id: 'replicate', type: 'replicate', apiKey: 'key-1234', baseUrl: `${upstream.url}/v1` },
      ],
      health: { checkIntervalSeconds: 0 },
      ...(allowedPrivateHosts ? { downloads: { allowedPrivateHosts: [host] } } : {}),
    });
    return postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'a lantern',
      input_images: [`${upstream.url}/v1/files/input.png`],
    });
  }

  it('should refuse them: the gateway must not fetch from a provider host for a client', async () => {
    const response = await start(undefined);
    expect(response.status).toBe(400);
    expect(ErrorBody.parse(response.body).error.code).toBe('url_not_allowed');
    expect(upstream!.requests.filter((request) => request.path.includes('input'))).toEqual([]);
  });

  it('should accept them when the host is configured in downloads.allowedPrivateHosts', async () => {
    const response = await start(['configured']);
    const job = JobBody.parse(response.body);
    expect(job.status).toBe('succeeded');
    expect(job.provider).toBe('simulator');
  });
});
