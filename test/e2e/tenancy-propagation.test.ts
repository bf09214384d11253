import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

const adminKey = 'tenancy-propagation-admin-key';
const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
/**
 * The key cache's backstop reload is an hour, longer than the test lives: a change another
 * instance obeys can only have come by NOTIFY.
 */
const backstopReloadSeconds = 3600;

interface Me {
  kind: string;
  group?: string;
  models?: string[] | null;
}

/** Asks an instance who a key is until `accept` holds (the test's timeout bounds it). */
async function meUntil(
  url: string,
  key: string,
  accept: (answer: { status: number; body: Me }) => boolean,
): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    const answer = { status: response.status, body: (await response.json()) as Me };
    if (accept(answer)) return;
  }
}

async function createKey(url: string, body: unknown): Promise<{ id: string; key: string }> {
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

describe('API keys across two gateway processes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let processes: GatewayProcess[] = [];
  let sql: pg.Client;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-tenancy-'));
    const config = {
      providers: [{ id: 'simulator', type: 'simulator', models: ['sim-image', 'sim-video'] }],
      tenancy: { reloadIntervalSeconds: backstopReloadSeconds },
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

  it('should say in the start-up log that API keys are required', () => {
    expect(processes[0]!.output()).toContain('auth: API keys required');
  });

  it('should obey a revoke and a group change made through instance A on instance B by NOTIFY', async () => {
    const [first, second] = processes as [GatewayProcess, GatewayProcess];
    const created = await fetch(`${first.url}/admin/tenants`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'acme' }),
    });
    expect(created.status).toBe(201);
    const key = await createKey(first.url, { tenant: 'acme' });
    // Known on B at once: a prefix B has not loaded yet is looked up once.
    await meUntil(second.url, key.key, (answer) => answer.status === 200);

    const changed = await fetch(`${first.url}/admin/keys/${key.id}`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ group: 'vip', models: ['sim-video'] }),
    });
    expect(changed.status).toBe(200);
    await meUntil(second.url, key.key, (answer) => answer.body.group === 'vip');
    const refused = await fetch(`${second.url}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-image', prompt: 'x', width: 64, height: 64 }),
    });
    expect(refused.status).toBe(403);

    const revoked = await fetch(`${first.url}/admin/keys/${key.id}`, {
      method: 'DELETE',
      headers: { authorization: admin.authorization },
    });
    expect(revoked.status).toBe(200);
    await meUntil(second.url, key.key, (answer) => answer.status === 401);
  });

  it('should obey plain SQL on both instances: a tenant group fixed, a key revoked', async () => {
    const key = await createKey(processes[0]!.url, { tenant: 'acme' });
    for (const instance of processes)
      await meUntil(instance.url, key.key, (answer) => answer.body.group === 'default');
    await sql.query(`UPDATE tenants SET group_name = 'gold' WHERE name = 'acme'`);
    for (const instance of processes)
      await meUntil(instance.url, key.key, (answer) => answer.body.group === 'gold');
    await sql.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);
    for (const instance of processes)
      await meUntil(instance.url, key.key, (answer) => answer.status === 401);
  });

  it('should let the CLI create tenants and keys, list them and revoke a key', async () => {
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
    const tenant = await run([
      'tenants',
      'create',
      'globex',
      '--group',
      'blue',
      '--balance-usd',
      '5',
    ]);
    expect(tenant).toMatchObject({ code: 0 });
    expect(tenant.stdout).toMatch(/^tenant_\S+ globex \(group blue\)/);
    const tenants = await run(['--json', 'tenants', 'list']);
    expect(JSON.parse(tenants.stdout).data).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'globex', balance_usd: 5 })]),
    );
    const created = await run([
      'keys',
      'create',
      '--tenant',
      'globex',
      '--name',
      'web',
      '--models',
      'sim-image,sim-video',
      '--scopes',
      'generate,read',
      '--expires',
      '30d',
      '--rpm',
      '120',
      '--max-concurrent',
      '4',
    ]);
    expect(created).toMatchObject({ code: 0 });
    const plaintext = created.stdout.split('\n')[0]!;
    expect(plaintext).toMatch(/^sy-[0-9A-Za-z]{43}$/);
    expect(created.stdout).toContain('shown once');
    await meUntil(second.url, plaintext, (answer) => answer.status === 200);

    const listed = await run(['--json', 'keys', 'list', '--tenant', 'globex']);
    const keys = JSON.parse(listed.stdout).data as {
      id: string;
      models: string[];
      rate_limit_rpm: number;
      max_concurrent_jobs: number;
    }[];
    expect(keys).toHaveLength(1);
    expect(keys[0]!.models).toEqual(['sim-image', 'sim-video']);
    expect(keys[0]).toMatchObject({ rate_limit_rpm: 120, max_concurrent_jobs: 4 });
    expect(listed.stdout).not.toContain(plaintext);
    const table = await run(['keys', 'list']);
    expect(table.stdout).toContain(plaintext.slice(0, 11));

    const revoked = await run(['keys', 'revoke', keys[0]!.id]);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toContain('revoked at');
    await meUntil(second.url, plaintext, (answer) => answer.status === 401);
    const unknown = await run(['keys', 'revoke', 'key_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('api_key_not_found');
  });
});
