import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { postJson } from '../helpers/http-client.js';
import { JobBody, waitForJob } from '../helpers/api-schemas.js';

describe('two gateway processes on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-pair-'));
    const config = {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 300, p95: 800 } }],
      jobs: { pollInitialMs: 200 },
    };
    processes = [
      await startGatewayProcess({ databaseUrl: database.url, dataDir, config }),
      await startGatewayProcess({ databaseUrl: database.url, dataDir, config }),
    ];
  });
  afterAll(async () => {
    for (const child of processes) await child.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should share the work without submitting any job twice', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 60; index++) {
      const target = processes[index % 2]!;
      ids.push(
        JobBody.parse(
          (
            await postJson(`${target.url}/v1/generations`, {
              model: 'sim-image',
              prompt: `shared ${index}`,
              width: 64,
              height: 64,
            })
          ).body,
        ).id,
      );
    }
    // Read each job through the other instance: state is shared, not per process.
    for (const [index, id] of ids.entries()) {
      const job = await waitForJob(processes[(index + 1) % 2]!.url, id, 60_000);
      expect(job.status).toBe('succeeded');
      expect(job.attempts).toHaveLength(1);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ operations: number; submits: number }>(
      'SELECT count(*)::int AS operations, COALESCE(sum(submit_count), 0)::int AS submits FROM simulator_operations',
    );
    await client.end();
    expect(rows[0]).toEqual({ operations: 60, submits: 60 });
    // Both processes did work (their logs name the jobs they finished).
    const finishedBy = processes.map((child) => {
      const lines = child
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"job succeeded"'));
      return ids.filter((id) => lines.some((line) => line.includes(`"jobId":"${id}"`))).length;
    });
    expect(finishedBy[0]! + finishedBy[1]!).toBe(ids.length);
    expect(finishedBy[0]).toBeGreaterThan(0);
    expect(finishedBy[1]).toBeGreaterThan(0);
  }, 120_000);
});
