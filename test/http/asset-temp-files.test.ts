import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('temporary asset files at start', () => {
  let test: TestGateway | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await test?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('should remove the asset_*.tmp files a crashed process left, and keep stored files', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-orphans-'));
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-');
    const shard = path.join(dataDir, 'assets', 'zz');
    await mkdir(shard, { recursive: true });
    // Pids far above any pid_max: their writers are certainly gone.
    for (let index = 0; index < 20; index++)
      await writeFile(path.join(shard, `asset_${index}.${host}.9999999${index % 10}.tmp`), 'half');
    await writeFile(path.join(shard, 'asset_old_format.99999999.tmp'), 'half');
    await writeFile(path.join(shard, 'asset_stored'), 'whole');
    test = await startTestGateway('pglite', {}, { dataDir });
    expect(await readdir(shard)).toEqual(['asset_stored']);
  }, 60_000);
});
