import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobBody } from '../helpers/api-schemas.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('a client webhook whose name resolves to a private address', () => {
  let test: TestGateway;
  const lookups: string[] = [];
  beforeAll(async () => {
    test = await startTestGateway(
      'pglite',
      { webhooks: { retryDelaySeconds: 1, retryLimit: 14 } },
      {
        // The name passes the syntactic check at creation; its address is only seen at delivery.
        resolveHost: async (hostname) => {
          lookups.push(hostname);
          if (hostname === 'hooks.internal.test') return [{ address: '10.20.30.40', family: 4 }];
          return lookup(hostname, { all: true });
        },
      },
    );
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should fail the webhook at the first refused delivery instead of retrying for days', async () => {
    const created = await postJson(`${test.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'a lantern',
      width: 64,
      height: 64,
      webhook_url: 'http://hooks.internal.test/callback',
    });
    expect(created.status).toBe(200);
    const id = JobBody.parse(created.body).id;
    const deadline = Date.now() + 15_000;
    let job = JobBody.parse(created.body);
    while (job.webhook?.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = JobBody.parse((await getJson(`${test.url}/v1/generations/${id}`)).body);
    }
    expect(job.webhook?.status).toBe('failed');
    expect(job.webhook?.deliveries).toHaveLength(1);
    expect(job.webhook?.deliveries[0]).toMatchObject({ ok: false, status_code: null });
    expect(lookups).toContain('hooks.internal.test');
  }, 30_000);
});
