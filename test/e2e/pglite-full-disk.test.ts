import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, JobBody } from '../helpers/api-schemas.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { getJson, postJson } from '../helpers/http-client.js';

const config = {
  providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 5, p95: 20 } }],
  jobs: { leaseSeconds: 5, maintenanceIntervalSeconds: 1, pollInitialMs: 100, pollMaxMs: 500 },
  // The disk really fills here: the floor (ADR 0018) would refuse every job long before.
  storage: { minFreeDiskMb: 0 },
};

/** Free kilobytes on the file system holding `directory`. */
function freeKb(directory: string): number {
  return Number(execFileSync('df', ['-k', '--output=avail', directory]).toString().split('\n')[1]);
}

/** Fills the file system to `leaveKb` free with one preallocated file. */
function fill(directory: string, leaveKb: number): string {
  const filler = path.join(directory, 'filler');
  execFileSync('fallocate', ['-l', `${Math.max(1, freeKb(directory) - leaveKb)}k`, filler]);
  return filler;
}

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

/**
 * PGlite's data directory on a disk that fills up: a real full file system (a small tmpfs,
 * which needs root, as CI has: the test fails rather than skips without it).
 */
describe('a PGlite gateway on a full disk', () => {
  let mountPoint: string;
  let dataDir: string;
  const processes: GatewayProcess[] = [];

  beforeAll(async () => {
    mountPoint = await mkdtemp(path.join(os.tmpdir(), 'switchyard-full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]);
    } catch (error) {
      throw new Error(
        `this test mounts a small tmpfs to fill a real disk; it needs root: ${String(error)}`,
      );
    }
    dataDir = path.join(mountPoint, 'data');
    await mkdir(dataDir);
  });
  afterAll(async () => {
    for (const child of processes) if (child.child.exitCode === null) await child.kill9();
    if (mountPoint) execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('should answer 507 storage_full and report not ready while full, recover by itself once space is freed, and start again', async () => {
    const first = await startGatewayProcess({ databaseUrl: '', dataDir, config });
    processes.push(first);
    const before = JobBody.parse(
      (
        await postJson(`${first.url}/v1/generations?wait=20`, {
          model: 'sim-image',
          prompt: 'before',
          width: 64,
          height: 64,
        })
      ).body,
    );
    expect(before.status).toBe('succeeded');

    const filler = fill(mountPoint, 1500);
    const answers = new Map<string, number>();
    const accepted: string[] = [];
    for (let index = 0; index < 300; index++) {
      const response = await postJson(`${first.url}/v1/generations`, {
        model: 'sim-image',
        prompt: `${'a long prompt to fill pages '.repeat(200)} ${index}`,
        width: 64,
        height: 64,
      });
      const key =
        response.status < 300
          ? String(response.status)
          : `${response.status} ${ErrorBody.parse(response.body).error.code}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (response.status === 202) accepted.push(JobBody.parse(response.body).id);
    }
    process.stdout.write(`full disk: answers ${JSON.stringify(Object.fromEntries(answers))}\n`);
    expect(first.child.exitCode).toBeNull();
    expect(answers.get('507 storage_full')).toBeGreaterThan(0);
    for (const key of answers.keys()) expect(['202', '507 storage_full']).toContain(key);
    const notReady = await getJson(`${first.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ checks: { database: { ok: false } } });

    await unlink(filler);
    await eventually('/readyz once space is freed', async () =>
      (await getJson(`${first.url}/readyz`)).status === 200 ? true : undefined,
    );
    const after = await postJson(`${first.url}/v1/generations?wait=20`, {
      model: 'sim-image',
      prompt: 'after',
      width: 64,
      height: 64,
    });
    expect(JobBody.parse(after.body).status).toBe('succeeded');
    const finished = await eventually(
      'every accepted job to finish',
      async () => {
        const jobs = await Promise.all(
          accepted.map(async (id) =>
            JobBody.parse((await getJson(`${first.url}/v1/generations/${id}`)).body),
          ),
        );
        return jobs.every((job) => ['succeeded', 'failed', 'canceled'].includes(job.status))
          ? jobs
          : undefined;
      },
      120_000,
    );
    process.stdout.write(
      `full disk: ${accepted.length} accepted, ${finished.filter((job) => job.status === 'succeeded').length} succeeded after space was freed\n`,
    );
    expect(finished.filter((job) => job.status !== 'succeeded').map((job) => job.error)).toEqual(
      [],
    );

    // A start on a disk with no room: ready, or a clear message and exit 1 — never a bare abort.
    await first.kill9();
    // A few pages stay free for the config file the harness writes there.
    const fullAgain = fill(mountPoint, 16);
    let startOutcome: string;
    try {
      processes.push(await startGatewayProcess({ databaseUrl: '', dataDir, config }));
      await processes.at(-1)!.kill9();
      startOutcome = 'ready';
    } catch (error) {
      expect(String(error)).toContain('the disk is full');
      expect(String(error)).not.toContain('Aborted()\n    at');
      startOutcome = 'exit 1 with the full-disk message';
    }
    process.stdout.write(`full disk: a start with 16 KiB free: ${startOutcome}\n`);
    await unlink(fullAgain);
    const restarted = await startGatewayProcess({ databaseUrl: '', dataDir, config });
    processes.push(restarted);
    const kept = JobBody.parse(
      (await getJson(`${restarted.url}/v1/generations/${before.id}`)).body,
    );
    expect(kept.status).toBe('succeeded');
  }, 300_000);
});
