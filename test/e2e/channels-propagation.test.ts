import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { jsonCall, type JsonAnswer } from '../helpers/json-call.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

const adminKey = 'channels-propagation-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
/**
 * Both caches' backstop reloads are an hour, longer than the test lives: a change the other
 * instance obeys can only have come by NOTIFY.
 */
const backstopReloadSeconds = 3600;
/** The promise under test: every instance obeys a change within a second. */
const propagationDeadlineMs = 1000;
const image = { model: 'sim-image', prompt: 'a red balloon', width: 64, height: 64 };

const generate = (url: string, key: string, wait = false) =>
  jsonCall(`${url}/v1/generations${wait ? '?wait=30' : ''}`, {
    headers: { authorization: `Bearer ${key}` },
    body: image,
  });

/**
 * Calls `attempt` until it is accepted or the explicit deadline (from `since`) passes; returns
 * the elapsed time at acceptance, or fails with the last answer.
 */
async function acceptedWithin(
  since: number,
  deadlineMs: number,
  attempt: () => Promise<JsonAnswer>,
  accept: (answer: JsonAnswer) => boolean,
): Promise<number> {
  let last: JsonAnswer | undefined;
  while (performance.now() - since <= deadlineMs) {
    last = await attempt();
    if (accept(last)) return performance.now() - since;
  }
  throw new Error(
    `not accepted within ${deadlineMs} ms; last answer ${JSON.stringify(last?.body)}`,
  );
}

describe('channels across two gateway processes on PostgreSQL (the S4 outage replayed)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let processes: GatewayProcess[] = [];
  let sql: pg.Client;

  async function tenantKey(name: string, group: string): Promise<string> {
    const [first] = processes as [GatewayProcess];
    expect(
      (await jsonCall(`${first.url}/admin/tenants`, { headers: admin, body: { name, group } }))
        .status,
    ).toBe(201);
    const created = await jsonCall(`${first.url}/admin/keys`, {
      headers: admin,
      body: { tenant: name },
    });
    const key = (created.body as { key: string }).key;
    for (const instance of processes)
      await acceptedWithin(
        performance.now(),
        5000,
        () => jsonCall(`${instance.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } }),
        (answer) => answer.status === 200,
      );
    return key;
  }

  async function expectNoChannel(key: string, group: string): Promise<void> {
    for (const instance of processes) {
      const refused = await generate(instance.url, key);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({
        error: {
          code: 'no_channel',
          message: `no channel serves group '${group}' for model 'sim-image'`,
        },
      });
    }
  }

  /** After a fix at `since`: each instance accepts within the deadline, then serves a job. */
  async function expectFixedEverywhere(key: string, since: number): Promise<void> {
    for (const instance of processes) {
      const elapsed = await acceptedWithin(
        since,
        propagationDeadlineMs,
        () => generate(instance.url, key),
        (answer) => answer.status === 202,
      );
      expect(elapsed).toBeLessThanOrEqual(propagationDeadlineMs);
    }
    for (const instance of processes) {
      const served = await generate(instance.url, key, true);
      expect(served.body).toMatchObject({ status: 'succeeded' });
    }
  }

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-channels-'));
    const config = {
      providers: [{ id: 'simulator', type: 'simulator', models: ['sim-image', 'sim-video'] }],
      tenancy: { reloadIntervalSeconds: backstopReloadSeconds },
      channels: { reloadIntervalSeconds: backstopReloadSeconds },
      health: { checkIntervalSeconds: 0 },
    };
    const env = {
      SWITCHYARD_ADMIN_KEY: adminKey,
      SWITCHYARD_SECRET_KEY: 'a-shared-secret-key-0123',
    };
    processes = [
      await startGatewayProcess({ databaseUrl: database.url, dataDir, config, env }),
      await startGatewayProcess({ databaseUrl: database.url, dataDir, config, env }),
    ];
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    for (const child of processes) await child.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should answer no_channel, then serve on both instances within a second of a channel added by the admin API', async () => {
    const key = await tenantKey('acme', 'vip');
    await expectNoChannel(key, 'vip');
    const since = performance.now();
    const created = await jsonCall(`${processes[0]!.url}/admin/channels`, {
      headers: admin,
      body: {
        type: 'simulator',
        name: 'sim-vip',
        group: 'vip',
        keys: ['k-1'],
        models: ['sim-image'],
      },
    });
    expect(created.status).toBe(201);
    await expectFixedEverywhere(key, since);
  });

  it('should serve on both instances within a second of a channel group fixed by plain SQL', async () => {
    const key = await tenantKey('globex', 'gold');
    await expectNoChannel(key, 'gold');
    const since = performance.now();
    await sql.query(
      `UPDATE channels SET groups = groups || '["gold"]'::jsonb WHERE name = 'sim-vip'`,
    );
    await expectFixedEverywhere(key, since);
  });

  it("should serve on both instances within a second of the tenant's group fixed by the admin API and by plain SQL", async () => {
    const viaApi = await tenantKey('initech', 'blue');
    await expectNoChannel(viaApi, 'blue');
    let since = performance.now();
    const patched = await jsonCall(`${processes[1]!.url}/admin/tenants/initech`, {
      method: 'PATCH',
      headers: admin,
      body: { group: 'vip' },
    });
    expect(patched.status).toBe(200);
    await expectFixedEverywhere(viaApi, since);

    const viaSql = await tenantKey('hooli', 'green');
    await expectNoChannel(viaSql, 'green');
    since = performance.now();
    await sql.query(`UPDATE tenants SET group_name = 'gold' WHERE name = 'hooli'`);
    await expectFixedEverywhere(viaSql, since);
  });

  it('should let the CLI add, list, disable, enable and test channels', async () => {
    const [first, second] = processes as [GatewayProcess, GatewayProcess];
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['bin/switchyard.js', '--url', first.url, ...args],
          {
            cwd: path.resolve(import.meta.dirname, '../..'),
            env: { ...process.env, SWITCHYARD_ADMIN_KEY: adminKey, SWITCHYARD_CLI_SOURCE: '1' },
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const added = await run([
      'channels',
      'add',
      '--type',
      'simulator',
      '--name',
      'cli-sim',
      '--group',
      'cli',
      '--key',
      'cli-plain-key-0001',
      '--key',
      'cli-plain-key-0002',
      '--models',
      'sim-video,sim-image',
      '--priority',
      '3',
      '--weight',
      '2',
    ]);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/^chan_\S+ cli-sim \(simulator, groups cli, enabled\)/);
    const id = added.stdout.split(' ')[0]!;

    const listed = await run(['channels', 'list', '--json']);
    expect(listed.code).toBe(0);
    const channels = JSON.parse(listed.stdout).data as { id: string; keys: string[] }[];
    expect(channels.find((channel) => channel.id === id)?.keys).toEqual(['…0001', '…0002']);
    expect(listed.stdout).not.toContain('cli-plain-key');
    const table = await run(['channels', 'list']);
    expect(table.stdout).toContain('cli-sim');
    expect(table.stdout).not.toContain('cli-plain-key');

    const channelOnSecond = async () => {
      const health = await jsonCall(`${second.url}/api/health`);
      return (health.body as { channels: Record<string, { enabled: boolean }> }).channels[id];
    };
    const disabled = await run(['channels', 'disable', id]);
    expect(disabled.stdout).toContain('disabled');
    let since = performance.now();
    await acceptedWithin(
      since,
      propagationDeadlineMs,
      async () => ({
        status: 200,
        body: await channelOnSecond(),
        headers: new Headers(),
      }),
      (answer) => (answer.body as { enabled?: boolean } | undefined)?.enabled === false,
    );
    const enabled = await run(['channels', 'enable', id]);
    expect(enabled.stdout).toContain('enabled');
    since = performance.now();
    await acceptedWithin(
      since,
      propagationDeadlineMs,
      async () => ({
        status: 200,
        body: await channelOnSecond(),
        headers: new Headers(),
      }),
      (answer) => (answer.body as { enabled?: boolean } | undefined)?.enabled === true,
    );

    const tested = await run(['channels', 'test', id]);
    expect(tested).toMatchObject({ code: 0 });
    expect(tested.stdout).toMatch(new RegExp(`^${id} ok \\(\\d+ ms\\)`));

    const unknown = await run(['channels', 'test', 'chan_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^switchyard: .*\(channel_not_found\)/);
    const badFlag = await run([
      'channels',
      'add',
      '--type',
      'simulator',
      '--name',
      'x',
      '--key',
      'k',
      '--models',
      'm',
      '--priority',
      'high',
    ]);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toBe("switchyard: --priority 'high' is not a whole number\n");
  });
});
