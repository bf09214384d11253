import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePgliteTemplate, seedFromPgliteTemplate } from './pglite-template.js';

describe('seedFromPgliteTemplate', () => {
  it('copies the initialised cluster into an empty data directory', async () => {
    const template = await ensurePgliteTemplate();
    expect(template).toBeDefined();
    const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-seed-'));
    await seedFromPgliteTemplate(directory);
    expect(await readFile(path.join(directory, 'PG_VERSION'), 'utf8')).toBe(
      await readFile(path.join(template!, 'PG_VERSION'), 'utf8'),
    );
  });

  it('leaves a directory that already holds anything alone', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-seed-'));
    await writeFile(path.join(directory, 'keep.txt'), 'mine');
    await seedFromPgliteTemplate(directory);
    expect(await readdir(directory)).toEqual(['keep.txt']);
  });
});
