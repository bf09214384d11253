import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobBody, RoutingBody } from '../helpers/api-schemas.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

const adminKey = 'connection-loss-admin-key';
const admin = { authorization: `Bearer ${adminKey}` };
const clients = 8;
const terminationRounds = 25;
const config = {
  providers: [
    { id: 'fal', type: 'simulator', models: ['sim-image'], latencyMs: { p50: 300, p95: 800 } },
    { id: 'runware', type: 'simulator', models: ['sim-image'], latencyMs: { p50: 300, p95: 800 } },
  ],
  // An hour: a settings change seen within the test came by NOTIFY or by the reconnect reload.
  routing: { reloadIntervalSeconds: 3600 },
  health: { checkIntervalSeconds: 0 },
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};

/** Polls `check` until it returns a value (not undefined) or the generous deadline passes. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function setWeightsBySql(client: pg.Client, weights: Record<string, number>): Promise<void> {
  await client.query(
    `INSERT INTO feature_flags (flag_key, flag_value, flag_value_text) VALUES ('GEN_PROVIDER_WEIGHTS', true, $1)
     ON CONFLICT (flag_key) DO UPDATE SET flag_value_text = EXCLUDED.flag_value_text`,
    [JSON.stringify(weights)],
  );
}

async function weightsOf(url: string): Promise<Record<string, number>> {
  return RoutingBody.parse((await getJson(`${url}/admin/routing`, admin)).body).weights;
}

describe('a gateway process while PostgreSQL drops its connections', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let databaseName: string;
  let dataDir: string;
  let gateway: GatewayProcess;
  /** On the server's maintenance database: terminations never hit it. */
  let superuser: pg.Client;
  /** On the test database; its own backend is spared by the terminations. */
  let sql: pg.Client;
  let sqlPid: number;

  const terminateOthers = async () => {
    const { rows } = await superuser.query<{ count: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2`,
      [databaseName, sqlPid],
    );
    return rows[0]!.count;
  };

  beforeAll(async () => {
    database = await createPostgresDatabase();
    databaseName = new URL(database.url).pathname.slice(1);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-connection-loss-'));
    gateway = await startGatewayProcess({
      databaseUrl: database.url,
      dataDir,
      config,
      env: { SWITCHYARD_ADMIN_KEY: adminKey },
    });
    const maintenance = new URL(database.url);
    maintenance.pathname = '/postgres';
    superuser = new pg.Client({ connectionString: maintenance.toString() });
    await superuser.connect();
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    sqlPid = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  }, 90_000);

  afterAll(async () => {
    await superuser?.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`).catch(() => {});
    if (gateway && gateway.child.exitCode === null) await gateway.stop();
    await sql?.end().catch(() => undefined);
    await superuser?.end().catch(() => undefined);
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should stay up, finish every accepted job once and keep NOTIFY propagation through repeated backend terminations', async () => {
    await setWeightsBySql(sql, { fal: 0.5, runware: 0.5 });
    await eventually('the first weights', async () =>
      (await weightsOf(gateway.url)).fal === 0.5 ? true : undefined,
    );

    const accepted: string[] = [];
    const refusals = new Map<string, number>();
    const transportErrors: string[] = [];
    let terminating = true;
    const posting = Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; terminating; index++) {
        try {
          const response = await postJson(
            `${gateway.url}/v1/generations`,
            {
              model: 'sim-image',
              prompt: `client ${client} image ${index}`,
              width: 64,
              height: 64,
            },
            admin,
          );
          if (response.status === 202) accepted.push(JobBody.parse(response.body).id);
          else {
            const code = (response.body as { error?: { code?: string } }).error?.code;
            const key = `${response.status} ${code}`;
            refusals.set(key, (refusals.get(key) ?? 0) + 1);
          }
        } catch (error) {
          transportErrors.push(String(error));
        }
      }
    });
    let terminated = 0;
    for (let round = 0; round < terminationRounds; round++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      terminated += await terminateOthers();
    }
    terminating = false;
    await Promise.all(posting);

    expect(gateway.child.exitCode).toBeNull();
    expect(transportErrors).toEqual([]);
    expect(terminated).toBeGreaterThan(terminationRounds);
    expect(accepted.length).toBeGreaterThan(clients);
    // A refused request is the retryable 503, never a 500.
    for (const key of refusals.keys()) expect(key).toBe('503 database_unavailable');

    const finished = await eventually(
      'every accepted job to finish',
      async () => {
        const { rows } = await sql.query<{ id: string; status: string }>(
          `SELECT id, status FROM generations WHERE id = ANY($1) AND status IN ('succeeded','failed','canceled')`,
          [accepted],
        );
        return rows.length === accepted.length ? rows : undefined;
      },
      180_000,
    ).catch(async (error: unknown) => {
      // Say where the unfinished jobs stand, or a timeout explains nothing.
      const { rows } = await sql.query(
        `SELECT g.id, g.status, (SELECT json_agg(json_build_object('status', a.status, 'provider', a.provider, 'error', a.error_code)) FROM generation_attempts a WHERE a.generation_id = g.id) AS attempts,
                (SELECT json_agg(json_build_object('state', j.state, 'retries', j.retry_count, 'start_after', j.start_after)) FROM pgboss.job j WHERE j.data->>'jobId' = g.id) AS messages
         FROM generations g WHERE g.id = ANY($1) AND g.status NOT IN ('succeeded','failed','canceled')`,
        [accepted],
      );
      throw new Error(`${String(error)}: ${JSON.stringify(rows)}`);
    });
    expect(finished.filter((row) => row.status !== 'succeeded')).toEqual([]);
    for (const id of accepted.slice(0, 20)) {
      const job = JobBody.parse((await getJson(`${gateway.url}/v1/generations/${id}`, admin)).body);
      expect(job.status).toBe('succeeded');
    }

    // The simulator's ledger is the provider side: one operation per job, submitted once.
    const { rows: ledger } = await sql.query<{
      generation_id: string;
      operations: number;
      submits: number;
    }>(
      `SELECT generation_id, count(*)::int AS operations, sum(submit_count)::int AS submits
       FROM simulator_operations WHERE generation_id = ANY($1) GROUP BY generation_id`,
      [accepted],
    );
    expect(ledger).toHaveLength(accepted.length);
    expect(ledger.filter((row) => row.operations !== 1 || row.submits !== 1)).toEqual([]);

    await setWeightsBySql(sql, { fal: 0.3, runware: 0.7 });
    await eventually('weights by NOTIFY after the terminations', async () =>
      (await weightsOf(gateway.url)).fal === 0.3 ? true : undefined,
    );
    expect(gateway.child.exitCode).toBeNull();
    const output = gateway.output();
    // Every fault was handled where it arose: the process-level policy is a last resort only.
    expect(output).not.toContain('(uncaught exception)');
    expect(output).not.toContain('(unhandled rejection)');
    expect(output).not.toContain('unhandled promise rejection');
    const count = (text: string) => output.split(text).length - 1;
    process.stdout.write(
      `connection loss: ${terminated} backends terminated, ${accepted.length} jobs accepted, refusals ${JSON.stringify(Object.fromEntries(refusals))}, ` +
        `process policy caught ${count('(unhandled rejection)')} rejections and ${count('(uncaught exception)')} exceptions, ${count('unhandled promise rejection')} other rejections, ` +
        `${count('notifications resumed')} reconnect reloads\n`,
    );
  }, 300_000);

  it('should report not ready while the database refuses connections, then recover and reload what changed meanwhile', async () => {
    await superuser.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
    await terminateOthers();
    const down = await eventually('/readyz to report the database down', async () => {
      const response = await getJson(`${gateway.url}/readyz`);
      return response.status === 503 ? response.body : undefined;
    });
    expect(down).toMatchObject({ ok: false, checks: { database: { ok: false } } });
    // Made while the gateway cannot listen: its NOTIFY is lost, only the reconnect reload sees it.
    await setWeightsBySql(sql, { fal: 0.6, runware: 0.4 });
    expect(gateway.child.exitCode).toBeNull();

    await superuser.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
    await eventually('/readyz to report ready again', async () =>
      (await getJson(`${gateway.url}/readyz`)).status === 200 ? true : undefined,
    );
    await eventually('the change made while disconnected', async () =>
      (await weightsOf(gateway.url)).fal === 0.6 ? true : undefined,
    );
    const response = await postJson(
      `${gateway.url}/v1/generations?wait=30`,
      {
        model: 'sim-image',
        prompt: 'after the outage',
        width: 64,
        height: 64,
      },
      admin,
    );
    expect(JobBody.parse(response.body).status).toBe('succeeded');
    expect(gateway.child.exitCode).toBeNull();
  }, 120_000);
});
