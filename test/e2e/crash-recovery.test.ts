import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { JobBody } from '../helpers/api-schemas.js';

const config = {
  providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 1500, p95: 3000 } }],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};

async function terminal(
  baseUrl: string,
  ids: string[],
  timeoutMs: number,
): Promise<Record<string, JobBody>> {
  const deadline = Date.now() + timeoutMs;
  const done: Record<string, JobBody> = {};
  while (Object.keys(done).length < ids.length) {
    for (const id of ids) {
      if (done[id]) continue;
      const job = JobBody.parse((await getJson(`${baseUrl}/v1/generations/${id}`)).body);
      if (['succeeded', 'failed', 'canceled'].includes(job.status)) done[id] = job;
    }
    if (Date.now() > deadline)
      throw new Error(`${ids.length - Object.keys(done).length} jobs never finished`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return done;
}

describe('crash recovery on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  const processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-crash-'));
  });
  afterAll(async () => {
    for (const child of processes) if (child.child.exitCode === null) await child.kill9();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should finish every accepted job after kill -9 and restart, submitting none twice', async () => {
    const first = await startGatewayProcess({ databaseUrl: database.url, dataDir, config });
    processes.push(first);
    const ids: string[] = [];
    for (let index = 0; index < 40; index++) {
      const body =
        index % 4 === 0
          ? { model: 'sim-video', prompt: `clip ${index}`, duration: 1, resolution: '480p' }
          : { model: 'sim-image', prompt: `image ${index}`, width: 128, height: 128 };
      const response = await postJson(`${first.url}/v1/generations`, body);
      expect(response.status).toBe(202);
      ids.push(JobBody.parse(response.body).id);
    }
    // Kill once some jobs reached the provider while others are still unfinished: the crash
    // must hit jobs in flight, or the test proves nothing.
    const probe = new pg.Client({ connectionString: database.url });
    await probe.connect();
    const counts = async () =>
      (
        await probe.query<{ submitted: number; unfinished: number }>(
          `SELECT count(*) FILTER (WHERE status IN ('submitted', 'running', 'succeeded'))::int AS submitted,
                  count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed', 'canceled'))::int AS unfinished
           FROM generations`,
        )
      ).rows[0]!;
    await vi.waitFor(async () => expect((await counts()).submitted).toBeGreaterThan(0), {
      timeout: 30_000,
      interval: 20,
    });
    await first.kill9();
    const atCrash = await counts();
    await probe.end();
    expect(atCrash.unfinished).toBeGreaterThan(0);

    const second = await startGatewayProcess({ databaseUrl: database.url, dataDir, config });
    processes.push(second);
    const jobs = await terminal(second.url, ids, 120_000);
    expect(Object.values(jobs).map((job) => job.status)).toEqual(ids.map(() => 'succeeded'));

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // The simulator's own ledger is the provider side: one operation per job, submitted once.
      const { rows } = await client.query<{
        generation_id: string;
        operations: number;
        submits: number;
      }>(
        'SELECT generation_id, count(*)::int AS operations, sum(submit_count)::int AS submits FROM simulator_operations GROUP BY generation_id',
      );
      expect(rows).toHaveLength(ids.length);
      for (const row of rows)
        expect({
          job: row.generation_id,
          operations: row.operations,
          submits: row.submits,
        }).toEqual({ job: row.generation_id, operations: 1, submits: 1 });
      const attempts = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM generation_attempts WHERE status = 'succeeded'`,
      );
      expect(attempts.rows[0]!.count).toBe(ids.length);
    } finally {
      await client.end();
    }
    await second.stop();
  }, 180_000);
});
