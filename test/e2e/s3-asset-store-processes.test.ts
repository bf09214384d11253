import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.js';
import { createPostgresDatabase } from '../helpers/test-database.js';
import { postJson } from '../helpers/http-client.js';
import { JobBody, waitForJob } from '../helpers/api-schemas.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('gateway processes configured by SWITCHYARD_ASSET_STORE', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let s3: S3TestServer;
  const dataDirs: string[] = [];
  const processes: GatewayProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresDatabase();
    s3 = await startS3TestServer();
  });
  afterAll(async () => {
    for (const child of processes) await child.stop();
    await s3?.close();
    await database?.drop();
    for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
  });

  it('should serve from process B the output process A stored, each with its own data dir', async () => {
    const config = { jobs: { pollInitialMs: 100 } };
    for (const workers of ['true', 'false']) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-s3-process-'));
      dataDirs.push(dataDir);
      processes.push(
        await startGatewayProcess({
          databaseUrl: database.url,
          dataDir,
          config,
          env: { ...s3.env(), SWITCHYARD_WORKERS: workers },
        }),
      );
    }
    const [instanceA, instanceB] = processes as [GatewayProcess, GatewayProcess];
    const created = await postJson(`${instanceB.url}/v1/generations`, {
      model: 'sim-image',
      prompt: 'made by A, served by B',
      width: 64,
      height: 64,
    });
    const job = await waitForJob(instanceB.url, JobBody.parse(created.body).id, 60_000);
    expect(job.status).toBe('succeeded');
    const pathname = new URL(job.outputs[0]!.url).pathname;
    const [fromA, fromB] = await Promise.all(
      [instanceA, instanceB].map(async (instance) =>
        Buffer.from(await (await fetch(`${instance.url}${pathname}`)).arrayBuffer()),
      ),
    );
    expect(fromB!.length).toBeGreaterThan(0);
    expect(fromB!.equals(fromA!)).toBe(true);
  }, 120_000);

  it('should stop start-up with a message naming SWITCHYARD_ASSET_STORE for an unknown scheme', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, SWITCHYARD_ASSET_STORE: 'gs://bucket/prefix', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("SWITCHYARD_ASSET_STORE: unsupported scheme 'gs:'");
  }, 60_000);
});
