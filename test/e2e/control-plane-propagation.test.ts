import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

const adminKey = 'propagation-admin-key';
/**
 * The backstop reload interval: an hour, longer than the test lives, so a change another
 * instance shows can only have come by NOTIFY. How fast (well under a second) is a figure for
 * `bench/propagation.ts`, not an assertion here.
 */
const backstopReloadSeconds = 3600;
const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };

/** Reads an instance's routing view until `accept` holds (the test's timeout bounds it). */
async function routingUntil(
  url: string,
  accept: (routing: { weights: Record<string, number> }) => boolean,
): Promise<void> {
  for (;;) {
    const routing = (await (await fetch(`${url}/admin/routing`, { headers: admin })).json()) as {
      weights: Record<string, number>;
    };
    if (accept(routing)) return;
  }
}

describe('control plane across two gateway processes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-propagation-'));
    // The backstop reload is an hour: only NOTIFY can explain a change within the test.
    const config = {
      providers: [
        { id: 'fal', type: 'simulator', models: ['sim-image'] },
        { id: 'runware', type: 'simulator', models: ['sim-image'] },
      ],
      routing: { reloadIntervalSeconds: backstopReloadSeconds },
      health: { checkIntervalSeconds: 0 },
    };
    processes = [
      await startGatewayProcess({
        databaseUrl: database.url,
        dataDir,
        config,
        env: { SWITCHYARD_ADMIN_KEY: adminKey },
      }),
      await startGatewayProcess({
        databaseUrl: database.url,
        dataDir,
        config,
        env: { SWITCHYARD_ADMIN_KEY: adminKey },
      }),
    ];
  });
  afterAll(async () => {
    for (const child of processes) await child.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should apply a weight change made through one instance on the other by NOTIFY, before any backstop reload', async () => {
    const [first, second] = processes as [GatewayProcess, GatewayProcess];
    const response = await fetch(`${first.url}/admin/routing/weights`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ weights: { fal: 0.9, runware: 0.1 }, reason: 'D1' }),
    });
    expect(response.status).toBe(200);
    await routingUntil(second.url, (routing) => routing.weights.runware === 0.1);
    const view = await fetch(`${second.url}/admin/routing`, { headers: admin });
    expect(((await view.json()) as { weights: unknown }).weights).toEqual({
      fal: 0.9,
      runware: 0.1,
    });
  });

  it('should apply the seed runbook SQL on every instance by NOTIFY, audited as sql', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `UPDATE feature_flags SET flag_value_text = '{"fal":1.0,"runware":0.0}' WHERE flag_key = 'GEN_PROVIDER_WEIGHTS'`,
      );
      await Promise.all(
        processes.map((child) =>
          routingUntil(child.url, (routing) => routing.weights.runware === 0),
        ),
      );
      const audit = await client.query<{ actor: string }>(
        `SELECT actor FROM control_plane_audit WHERE flag_key = 'GEN_PROVIDER_WEIGHTS' ORDER BY id`,
      );
      expect(audit.rows.map((row) => row.actor)).toEqual(['admin', 'sql']);
    } finally {
      await client.end();
    }
  });

  it('should let the CLI read and set weights and drive a rollout', async () => {
    const [first, second] = processes as [GatewayProcess, GatewayProcess];
    const run = (args: string[]) => runBin('switchyard.js', ['--url', first.url, ...args]);
    const set = await run(['weights', 'set', '{"fal":0.5,"runware":0.5}', '--reason', 'D2']);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('weights now {"fal":0.5,"runware":0.5}');
    const got = await run(['weights', 'get']);
    expect(JSON.parse(got.stdout)).toEqual({ fal: 0.5, runware: 0.5 });
    await routingUntil(second.url, (routing) => routing.weights.fal === 0.5);
    const providers = await run(['providers']);
    expect(providers.stdout).toMatch(/fal\s+simulator\s+true/);
    const health = await run(['health']);
    expect(health.stdout).toContain('strategy weighted');
    const audit = await run(['--json', 'audit', '--limit', '1']);
    expect(JSON.parse(audit.stdout).data[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      reason: 'D2',
    });
    const bad = await run(['weights', 'set', '{"nobody":1}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown_provider');

    const started = await run([
      '--json',
      'rollout',
      'start',
      '--baseline',
      'fal',
      '--canary',
      'runware',
      '--stages',
      '10%:1h,50%:3h,100%',
      '--interval',
      '30s',
      '--reason',
      'move to runware',
    ]);
    expect(started.code).toBe(0);
    const rollout = JSON.parse(started.stdout) as {
      id: string;
      weights: Record<string, number>;
      plan: { stages: unknown[]; intervalSeconds: number };
    };
    expect(rollout.weights).toEqual({ fal: 0.9, runware: 0.1 });
    expect(rollout.plan).toMatchObject({
      stages: [
        { weight: 0.1, minDurationSeconds: 3600 },
        { weight: 0.5, minDurationSeconds: 10_800 },
        { weight: 1, minDurationSeconds: 0 },
      ],
      intervalSeconds: 30,
    });
    const status = await run(['rollout', 'status', rollout.id]);
    expect(status.stdout).toContain('stage 1/3 at 10%');
    expect((await run(['rollout', 'pause', rollout.id])).stdout).toContain('paused');
    expect((await run(['rollout', 'resume', rollout.id])).stdout).toContain('active');
    expect((await run(['rollout', 'promote', rollout.id])).stdout).toContain('stage 2/3 at 50%');
    const rolledBack = await run(['rollout', 'rollback', rollout.id, '--reason', 'artifacts']);
    expect(rolledBack.stdout).toContain('reason: manual: artifacts');
    await routingUntil(second.url, (routing) => routing.weights.fal === 1);
  });

  it("should take the seed's ops script form: update-provider-weights '<json>'", async () => {
    const [first, second] = processes as [GatewayProcess, GatewayProcess];
    const result = await runBin('update-provider-weights.js', ['{"fal":0.2,"runware":0.8}'], {
      SWITCHYARD_URL: first.url,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('weights now {"fal":0.2,"runware":0.8}');
    await routingUntil(second.url, (routing) => routing.weights.runware === 0.8);
    const refused = await runBin('update-provider-weights.js', ['{"fal":"lots"}'], {
      SWITCHYARD_URL: first.url,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^switchyard: /);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});

/** Runs one of the package's `bin/` scripts as a subprocess, from the TypeScript source. */
function runBin(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join('bin', script), ...args],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: {
          ...process.env,
          SWITCHYARD_ADMIN_KEY: adminKey,
          SWITCHYARD_CLI_SOURCE: '1',
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
