import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunwayFake } from '../fakes/runway/runway-fake.js';
import { errorCode, jsonCall } from '../helpers/json-call.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'channels-admin-key';
const secretKey = 'channels-secret-key-0123456789';
const admin = { authorization: `Bearer ${adminKey}` };
const image = { model: 'sim-image', prompt: 'a red balloon', width: 64, height: 64 };

interface ChannelView {
  id: string;
  name: string;
  keys: string[];
  groups: string[];
  enabled: boolean;
  health: { keys_available: number; keys_set_aside: number };
}

async function tenantKey(url: string, name: string, group: string): Promise<string> {
  const tenant = await jsonCall(`${url}/admin/tenants`, { headers: admin, body: { name, group } });
  expect(tenant.status).toBe(201);
  const key = await jsonCall(`${url}/admin/keys`, { headers: admin, body: { tenant: name } });
  expect(key.status).toBe(201);
  return (key.body as { key: string }).key;
}

describe('channels without SWITCHYARD_SECRET_KEY', () => {
  let test: TestGateway;
  beforeAll(async () => {
    test = await startTestGateway('pglite', { adminKey });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should refuse to create a channel with 409 secret_key_required', async () => {
    const answer = await jsonCall(`${test.url}/admin/channels`, {
      headers: admin,
      body: { type: 'simulator', name: 'sim', keys: ['k-0001'], models: ['sim-image'] },
    });
    expect(answer.status).toBe(409);
    expect(errorCode(answer)).toBe('secret_key_required');
    expect(JSON.stringify(answer.body)).toContain('SWITCHYARD_SECRET_KEY');
  });
});

describe('channels', () => {
  let test: TestGateway;
  let runway: RunwayFake;
  beforeAll(async () => {
    runway = await RunwayFake.start({ apiKey: 'runway-good-key-9999' });
    test = await startTestGateway('pglite', {
      adminKey,
      secretKey,
      providers: [{ id: 'simulator', type: 'simulator' }],
      health: { checkIntervalSeconds: 0 },
    });
  });
  afterAll(async () => {
    await test?.close();
    await runway?.close();
  });

  it('should create, list, get, change and delete a channel, showing only masked keys', async () => {
    const created = await jsonCall(`${test.url}/admin/channels`, {
      headers: admin,
      body: {
        type: 'simulator',
        name: 'sim-crud',
        groups: ['crud'],
        keys: ['plain-secret-key-0001', 'plain-secret-key-0002'],
        models: ['sim-image'],
        priority: 5,
        weight: 3,
      },
    });
    expect(created.status).toBe(201);
    const channel = created.body as ChannelView;
    expect(channel).toMatchObject({
      name: 'sim-crud',
      groups: ['crud'],
      keys: ['…0001', '…0002'],
      enabled: true,
      health: { keys_available: 2, keys_set_aside: 0 },
    });
    expect(JSON.stringify(created.body)).not.toContain('plain-secret-key');

    const { rows } = await test.gateway.database.query<{ row: string }>(
      'SELECT row_to_json(channels)::text AS row FROM channels WHERE id = $1',
      [channel.id],
    );
    expect(rows[0]!.row).toContain('v1:');
    expect(rows[0]!.row).not.toContain('plain-secret-key');

    const listed = await jsonCall(`${test.url}/admin/channels`, { headers: admin });
    expect(JSON.stringify(listed.body)).not.toContain('plain-secret-key');
    expect((listed.body as { data: ChannelView[] }).data.map((entry) => entry.id)).toContain(
      channel.id,
    );
    const byName = await jsonCall(`${test.url}/admin/channels/sim-crud`, { headers: admin });
    expect(byName.body).toMatchObject({ id: channel.id });

    const changed = await jsonCall(`${test.url}/admin/channels/${channel.id}`, {
      method: 'PATCH',
      headers: admin,
      body: { enabled: false, keys: ['plain-secret-key-0003'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: false, keys: ['…0003'] });
    expect(test.gateway.instances.get(channel.id)?.enabled).toBe(false);

    const deleted = await jsonCall(`${test.url}/admin/channels/${channel.id}`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(deleted.status).toBe(204);
    expect(test.gateway.instances.get(channel.id)).toBeUndefined();
    const gone = await jsonCall(`${test.url}/admin/channels/${channel.id}`, { headers: admin });
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('channel_not_found');
  });

  it('should refuse an unknown type, a passthrough without base URL and a duplicate name', async () => {
    const create = (body: unknown) =>
      jsonCall(`${test.url}/admin/channels`, { headers: admin, body });
    const unknown = await create({ type: 'nope', name: 'x', keys: ['k'], models: ['m'] });
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('unknown_channel_type');
    const bare = await create({ type: 'passthrough', name: 'x', keys: ['k'], models: ['runway'] });
    expect(bare.status).toBe(400);
    const first = await create({ type: 'simulator', name: 'dup', keys: ['k'], models: ['m'] });
    expect(first.status).toBe(201);
    const again = await create({ type: 'simulator', name: 'dup', keys: ['k'], models: ['m'] });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('channel_exists');
  });

  it("should route only to the caller's group and answer 503 no_channel for a group without one", async () => {
    const created = await jsonCall(`${test.url}/admin/channels`, {
      headers: admin,
      body: {
        type: 'simulator',
        name: 'sim-vip',
        group: 'vip',
        keys: ['k-1'],
        models: ['sim-image'],
      },
    });
    const channel = created.body as ChannelView;
    const vip = await tenantKey(test.url, 'acme', 'vip');
    const gold = await tenantKey(test.url, 'globex', 'gold');
    const plain = await tenantKey(test.url, 'initech', 'default');
    const generate = (key: string) =>
      jsonCall(`${test.url}/v1/generations?wait=30`, {
        headers: { authorization: `Bearer ${key}` },
        body: image,
      });

    const served = await generate(vip);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ status: 'succeeded', provider: channel.id });
    const byDefault = await generate(plain);
    expect(byDefault.body).toMatchObject({ status: 'succeeded', provider: 'simulator' });

    const refused = await generate(gold);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      error: {
        code: 'no_channel',
        message: "no channel serves group 'gold' for model 'sim-image'",
        details: { group: 'gold', model: 'sim-image' },
      },
    });

    await jsonCall(`${test.url}/admin/channels/${channel.id}`, {
      method: 'PATCH',
      headers: admin,
      body: { enabled: false },
    });
    const disabled = await generate(vip);
    expect(disabled.status).toBe(503);
    expect(errorCode(disabled)).toBe('no_channel');
  });

  it('should prefer the higher priority tier and spread by weight inside it', async () => {
    const create = (name: string, priority: number, weight: number) =>
      jsonCall(`${test.url}/admin/channels`, {
        headers: admin,
        body: {
          type: 'simulator',
          name,
          group: 'tiers',
          keys: ['k'],
          models: ['sim-image'],
          priority,
          weight,
        },
      }).then((answer) => (answer.body as ChannelView).id);
    const high = await create('tier-high', 10, 1);
    const low = await create('tier-low', 0, 100);
    const key = await tenantKey(test.url, 'tiered', 'tiers');
    const providers = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const answer = await jsonCall(`${test.url}/v1/generations?wait=30`, {
        headers: { authorization: `Bearer ${key}` },
        body: image,
      });
      providers.add((answer.body as { provider: string }).provider);
    }
    expect([...providers]).toEqual([high]);
    expect(providers.has(low)).toBe(false);
  });

  it('should show channels in /api/health and run the channel test', async () => {
    const created = await jsonCall(`${test.url}/admin/channels`, {
      headers: admin,
      body: { type: 'simulator', name: 'sim-health', keys: ['k-a', 'k-b'], models: ['sim-video'] },
    });
    const channel = created.body as ChannelView;
    const health = await jsonCall(`${test.url}/api/health`);
    expect(
      (health.body as { channels: Record<string, unknown> }).channels[channel.id],
    ).toMatchObject({ name: 'sim-health', ok: true, keys_available: 2, keys_set_aside: 0 });
    const tested = await jsonCall(`${test.url}/admin/channels/sim-health/test`, {
      method: 'POST',
      headers: admin,
    });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ channel: channel.id, ok: true, error: null });
  });

  it('should build an adapter-typed channel with its base URL, map its model and set a refused key aside with an alert', async () => {
    const created = await jsonCall(`${test.url}/admin/channels`, {
      headers: admin,
      body: {
        type: 'runway',
        name: 'runway-keys',
        group: 'video',
        base_url: runway.url,
        keys: ['runway-dead-key-1111', runway.apiKey],
        models: ['runway-image'],
        model_mapping: { 'runway-image': 'gen4_image' },
      },
    });
    expect(created.status).toBe(201);
    const channel = created.body as ChannelView;
    const key = await tenantKey(test.url, 'studio', 'video');
    const answer = await jsonCall(`${test.url}/v1/generations`, {
      headers: { authorization: `Bearer ${key}` },
      body: { model: 'runway-image', prompt: 'a paper boat', width: 1280, height: 720 },
    });
    expect(answer.status).toBe(202);
    await expect.poll(() => runway.tasks.size, { timeout: 10_000, interval: 50 }).toBe(1);
    const creations = runway.requests.filter((request) => request.method === 'POST');
    expect(creations.map((request) => request.headers.authorization)).toEqual([
      'Bearer runway-dead-key-1111',
      `Bearer ${runway.apiKey}`,
    ]);
    expect((creations[1]!.json as { model: string }).model).toBe('gen4_image');
    const alertOf = async () =>
      (await test.gateway.alerts.recent(20)).find(
        (row) => row.alert_type === 'channel_key_set_aside',
      );
    await expect.poll(alertOf, { timeout: 5000, interval: 50 }).toBeDefined();
    const alert = await alertOf();
    expect(JSON.stringify(alert)).toContain('…1111');
    expect(JSON.stringify(alert)).not.toContain('runway-dead-key');
    const view = await jsonCall(`${test.url}/admin/channels/${channel.id}`, { headers: admin });
    expect(view.body).toMatchObject({ health: { keys_available: 1, keys_set_aside: 1 } });
  });
});
