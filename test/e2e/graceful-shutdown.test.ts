import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { getJson, postJson } from '../helpers/http-client.js';
import { JobBody } from '../helpers/api-schemas.js';

const config = {
  providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 4000, p95: 5000 } }],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 200, pollMaxMs: 1000 },
};

describe('SIGTERM while a client waits for its job', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  const processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-sigterm-'));
  });
  afterAll(async () => {
    for (const child of processes) if (child.child.exitCode === null) await child.kill9();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should answer the client, exit 0, and leave the job for the next process to finish', async () => {
    const first = await startGatewayProcess({ databaseUrl: database.url, dataDir, config });
    processes.push(first);
    const answer = postJson(`${first.url}/v1/generations?wait=60`, {
      model: 'sim-image',
      prompt: 'a lantern',
      width: 64,
      height: 64,
    });
    // Mid-job: accepted by the provider, not finished.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (;;) {
        const { rows } = await client.query<{ status: string }>('SELECT status FROM generations');
        if (rows[0] && ['submitted', 'running'].includes(rows[0].status)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const exitCode = await first.stop();
      // 0 only when the drain finished before main.ts's forced exit (code 1).
      expect(exitCode).toBe(0);
      const held = await answer;
      expect([200, 202]).toContain(held.status);
      const id = JobBody.parse(held.body).id;

      const second = await startGatewayProcess({ databaseUrl: database.url, dataDir, config });
      processes.push(second);
      const deadline = Date.now() + 60_000;
      let job = JobBody.parse((await getJson(`${second.url}/v1/generations/${id}?wait=30`)).body);
      while (!['succeeded', 'failed', 'canceled'].includes(job.status) && Date.now() < deadline)
        job = JobBody.parse((await getJson(`${second.url}/v1/generations/${id}?wait=30`)).body);
      expect(job.status).toBe('succeeded');
      const { rows } = await client.query<{ submits: number }>(
        'SELECT sum(submit_count)::int AS submits FROM simulator_operations WHERE generation_id = $1',
        [id],
      );
      expect(rows[0]?.submits).toBe(1);
      expect(await second.stop()).toBe(0);
    } finally {
      await client.end();
    }
  }, 180_000);
});
