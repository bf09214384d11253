import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunwayFake } from '../fakes/runway/runway-fake.js';
import { errorCode, jsonCall } from '../helpers/json-call.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'relay-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const version = { 'x-runway-version': '2024-11-06' };
const textToImage = { model: 'gen4_image', promptText: 'a paper boat', ratio: '1280:720' };

async function tenantKey(url: string, name: string, group = 'default'): Promise<string> {
  expect(
    (await jsonCall(`${url}/admin/tenants`, { headers: admin, body: { name, group } })).status,
  ).toBe(201);
  const key = await jsonCall(`${url}/admin/keys`, { headers: admin, body: { tenant: name } });
  return (key.body as { key: string }).key;
}

describe('S4 relay routes over two Runway channels', () => {
  let test: TestGateway;
  let first: RunwayFake;
  let second: RunwayFake;
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    first = await RunwayFake.start({ apiKey: 'runway-key-first' });
    second = await RunwayFake.start({ apiKey: 'runway-key-second' });
    test = await startTestGateway('pglite', {
      adminKey,
      secretKey: 'relay-secret-key-0123456789',
      health: { checkIntervalSeconds: 0 },
    });
    const channel = (name: string, fake: RunwayFake, priority: number) =>
      jsonCall(`${test.url}/admin/channels`, {
        headers: admin,
        body: {
          type: 'passthrough',
          name,
          base_url: fake.url,
          keys: [fake.apiKey],
          models: ['runway'],
          priority,
        },
      });
    expect((await channel('runway-first', first, 10)).status).toBe(201);
    expect((await channel('runway-second', second, 0)).status).toBe(201);
    acme = await tenantKey(test.url, 'acme');
    globex = await tenantKey(test.url, 'globex');
  });
  afterAll(async () => {
    await test?.close();
    await first?.close();
    await second?.close();
  });

  it('should move a create refused with 500 to the next channel, poll where it was accepted and hide it from other tenants', async () => {
    first.setScenario('server_error');
    const created = await jsonCall(`${test.url}/runwayml/v1/text_to_image`, {
      headers: { authorization: `Bearer ${acme}`, ...version },
      body: textToImage,
    });
    expect(created.status).toBe(200);
    const { id } = created.body as { id: string };
    expect(second.tasks.has(id)).toBe(true);
    expect(first.submissions()).toBe(1);
    expect(second.submissions()).toBe(1);
    first.setScenario('ok');

    const polled = await jsonCall(`${test.url}/runwayml/v1/tasks/${id}`, {
      headers: { authorization: `Bearer ${acme}`, ...version },
    });
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ id, status: expect.any(String) });
    const alias = await jsonCall(`${test.url}/runway/v1/tasks/${id}`, {
      headers: { 'x-api-key': acme, ...version },
    });
    expect(alias.status).toBe(200);
    expect(first.requests.some((request) => request.path === `/v1/tasks/${id}`)).toBe(false);

    const stranger = await jsonCall(`${test.url}/runwayml/v1/tasks/${id}`, {
      headers: { authorization: `Bearer ${globex}`, ...version },
    });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ error: { code: 'task_not_found' } });
    const unknown = await jsonCall(`${test.url}/runwayml/v1/tasks/not-a-task`, {
      headers: { authorization: `Bearer ${acme}`, ...version },
    });
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('task_not_found');
  });

  it("should send the channel's key upstream, never the caller's, with body, query and upstream headers untouched", async () => {
    const body = JSON.stringify({ ...textToImage, seed: 7 });
    const response = await fetch(`${test.url}/runwayml/v1/text_to_image?trace=abc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme}`, 'content-type': 'application/json', ...version },
      body,
    });
    expect(response.status).toBe(200);
    const received = first.requests.at(-1)!;
    expect(received.rawBody.toString()).toBe(body);
    expect(received.query.get('trace')).toBe('abc');
    expect(received.headers['x-runway-version']).toBe('2024-11-06');
    for (const fake of [first, second]) {
      for (const request of fake.requests) {
        expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
        expect(request.headers['x-api-key']).toBeUndefined();
        expect(JSON.stringify(request.headers)).not.toContain(acme);
        expect(JSON.stringify(request.headers)).not.toContain(adminKey);
      }
    }
  });

  it("should return the upstream's own error unchanged when every channel fails, and the upstream's 4xx at once", async () => {
    first.setScenario('server_error');
    second.setScenario('server_error');
    const failed = await jsonCall(`${test.url}/runwayml/v1/text_to_image`, {
      headers: { authorization: `Bearer ${acme}`, ...version },
      body: textToImage,
    });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      error: 'An unexpected error occurred.',
      docUrl: 'https://docs.dev.runwayml.com/api',
    });
    first.setScenario('ok');
    second.setScenario('ok');
    const before = second.submissions();
    const invalid = await jsonCall(`${test.url}/runwayml/v1/text_to_image`, {
      headers: { authorization: `Bearer ${acme}`, ...version },
      body: { ...textToImage, ratio: '1:1' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'Validation of body failed' });
    expect(second.submissions()).toBe(before);
  });

  it('should answer token problems and a group without a channel in the gateway error shape', async () => {
    const missing = await jsonCall(`${test.url}/runwayml/v1/tasks/x`, { headers: version });
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('missing_api_key');
    const vip = await tenantKey(test.url, 'vipco', 'vip');
    const none = await jsonCall(`${test.url}/kling/v1/videos/text2video`, {
      headers: { authorization: `Bearer ${vip}` },
      body: { prompt: 'x' },
    });
    expect(none.status).toBe(503);
    expect(none.body).toMatchObject({
      error: { code: 'no_channel', message: "no channel serves group 'vip' for model 'kling'" },
    });
  });
});

describe('S4 relay calls metered like generations', () => {
  let test: TestGateway;
  let upstream: RunwayFake;
  beforeAll(async () => {
    upstream = await RunwayFake.start({ apiKey: 'runway-key-metered' });
    test = await startTestGateway('pglite', {
      adminKey,
      secretKey: 'relay-secret-key-0123456789',
      health: { checkIntervalSeconds: 0 },
      relay: { prices: { runway: { perCallUsd: 0.05 } } },
    });
    expect(
      (
        await jsonCall(`${test.url}/admin/channels`, {
          headers: admin,
          body: {
            type: 'passthrough',
            name: 'runway-metered',
            base_url: upstream.url,
            keys: [upstream.apiKey],
            models: ['runway'],
          },
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await test?.close();
    await upstream?.close();
  });

  it('should hold the price before forwarding, settle what the upstream accepted, refund what it refused, and refuse what the balance cannot cover', async () => {
    expect(
      (
        await jsonCall(`${test.url}/admin/tenants`, {
          headers: admin,
          body: { name: 'metered', balance_usd: 0.1 },
        })
      ).status,
    ).toBe(201);
    const key = (
      (await jsonCall(`${test.url}/admin/keys`, { headers: admin, body: { tenant: 'metered' } }))
        .body as { key: string }
    ).key;
    const call = (body: Record<string, unknown>) =>
      jsonCall(`${test.url}/runwayml/v1/text_to_image`, {
        headers: { authorization: `Bearer ${key}`, ...version },
        body,
      });
    const funds = async () =>
      (await jsonCall(`${test.url}/admin/tenants/metered`, { headers: admin })).body as {
        balance_usd: number;
        reserved_usd: number;
      };
    // Refused upstream (a ratio Runway does not take): refunded, nothing spent.
    expect((await call({ ...textToImage, ratio: '1:1' })).status).toBe(400);
    expect(await funds()).toMatchObject({ balance_usd: 0.1, reserved_usd: 0 });
    // Two accepted calls spend the whole balance; a poll is free.
    for (const seed of [1, 2]) expect((await call({ ...textToImage, seed })).status).toBe(200);
    expect(await funds()).toMatchObject({ balance_usd: 0, reserved_usd: 0 });
    const submitted = upstream.submissions();
    const refused = await call({ ...textToImage, seed: 3 });
    expect(refused.status).toBe(402);
    expect(errorCode(refused)).toBe('insufficient_quota');
    // Refused before anything reached the upstream.
    expect(upstream.submissions()).toBe(submitted);
    const usage = await jsonCall(`${test.url}/v1/usage`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(usage.status).toBe(200);
    expect(JSON.stringify(usage.body)).toContain('runway');
    const { rows } = await test.gateway.database.query<{ kind: string; n: string }>(
      `SELECT kind, count(*)::text AS n FROM ledger WHERE job_id LIKE 'relay_%' GROUP BY kind ORDER BY kind`,
    );
    expect(rows).toEqual([
      { kind: 'refund', n: '1' },
      { kind: 'reservation', n: '3' },
      { kind: 'settlement', n: '2' },
    ]);
  });
});
