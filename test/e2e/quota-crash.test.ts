import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobBody } from '../helpers/api-schemas.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { tenantFixtures } from '../helpers/tenant-fixtures.js';
import { createPostgresDatabase } from '../helpers/test-database.js';

const adminKey = 'quota-crash-admin-key';
// The provider never answers within the test, so every job ends at its deadline.
const config = {
  providers: [
    {
      id: 'simulator',
      type: 'simulator',
      costPerImage: 0.25,
      latencyMs: { p50: 600_000, p95: 600_000 },
    },
  ],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};
const env = { SWITCHYARD_ADMIN_KEY: adminKey };

describe('refunds across kill -9 and two instances on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let sql: pg.Pool;
  const processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-quota-crash-'));
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    for (const child of processes) if (child.child.exitCode === null) await child.kill9();
    await sql?.end();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should refund each failed job exactly once after kill -9, with two instances recovering', async () => {
    const first = await startGatewayProcess({ databaseUrl: database.url, dataDir, config, env });
    processes.push(first);
    const fixtures = tenantFixtures(first.url, adminKey);
    const { tenant, key } = await fixtures.tenantWithKey({ name: 'crashy', balance_usd: 1 });
    const headers = { authorization: `Bearer ${key}` };
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const body = { model: 'sim-image', prompt: `job ${index}`, timeout_seconds: 5 };
      const answer = await postJson(`${first.url}/v1/generations`, body, headers);
      expect(answer.status).toBe(202);
      ids.push(JobBody.parse(answer.body).id);
    }
    await vi.waitFor(
      async () => {
        for (const id of ids) {
          const job = JobBody.parse(
            (await getJson(`${first.url}/v1/generations/${id}`, headers)).body,
          );
          expect(['submitted', 'running']).toContain(job.status);
        }
      },
      { timeout: 30_000, interval: 200 },
    );
    // One job failed and the process died before its refund was written (the state a crash
    // between the two would leave, were they two transactions).
    await sql.query(
      `UPDATE generations SET status = 'failed', completed_at = now() WHERE id = $1`,
      [ids[0]],
    );
    await first.kill9();
    const held = await sql.query<{ reserved_usd: string }>(
      'SELECT reserved_usd FROM tenants WHERE id = $1',
      [tenant.id],
    );
    expect(Number(held.rows[0]!.reserved_usd)).toBe(0.75);

    const recovering = await Promise.all(
      [0, 1].map(() => startGatewayProcess({ databaseUrl: database.url, dataDir, config, env })),
    );
    processes.push(...recovering);
    const refunds = async () =>
      (
        await sql.query<{ job_id: string; kind: string; amount_usd: string }>(
          `SELECT job_id, kind, amount_usd FROM ledger WHERE tenant_id = $1 AND kind <> 'reservation'`,
          [tenant.id],
        )
      ).rows;
    await vi.waitFor(async () => expect(await refunds()).toHaveLength(3), {
      timeout: 60_000,
      interval: 250,
    });
    // A few more maintenance passes on both instances change nothing.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const rows = await refunds();
    expect(rows.map((row) => row.kind)).toEqual(['refund', 'refund', 'refund']);
    expect(rows.map((row) => row.job_id).sort()).toEqual([...ids].sort());
    expect(rows.every((row) => Number(row.amount_usd) === 0.25)).toBe(true);
    const statuses = await sql.query<{ status: string }>(
      'SELECT status FROM generations WHERE id = ANY($1)',
      [ids],
    );
    expect(statuses.rows.map((row) => row.status)).toEqual(['failed', 'failed', 'failed']);
    const funds = await tenantFixtures(recovering[0]!.url, adminKey).tenant(tenant.id);
    expect(funds).toMatchObject({ balance_usd: 1, reserved_usd: 0 });
  });
});
