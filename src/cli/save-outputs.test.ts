import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResource } from '../api/job-resource-schema.js';
import { outputPaths } from './save-outputs.js';

function jobWith(mimeTypes: string[]): JobResource {
  return {
    id: 'gen_1',
    outputs: mimeTypes.map((mimeType, index) => ({
      url: `http://gateway/v1/assets/asset_${index}`,
      asset_id: `asset_${index}`,
      mime_type: mimeType,
      bytes: 10,
      width: null,
      height: null,
      duration: null,
    })),
  } as JobResource;
}

describe('outputPaths', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-output-paths-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('should name files after the job inside an existing directory', async () => {
    expect(await outputPaths(jobWith(['video/mp4']), directory)).toEqual({
      directory,
      files: [path.join(directory, 'gen_1.mp4')],
    });
    expect((await outputPaths(jobWith(['image/png', 'image/jpeg']), directory)).files).toEqual([
      path.join(directory, 'gen_1-1.png'),
      path.join(directory, 'gen_1-2.jpg'),
    ]);
  });

  it('should treat a path ending in a slash as a directory to create', async () => {
    const target = path.join(directory, 'new');
    expect(await outputPaths(jobWith(['image/webp']), `${target}/`)).toEqual({
      directory: target,
      files: [path.join(target, 'gen_1.webp')],
    });
  });

  it('should use any other path as the file, numbered when there are several', async () => {
    const file = path.join(directory, 'cat.png');
    expect((await outputPaths(jobWith(['image/png']), file)).files).toEqual([file]);
    expect((await outputPaths(jobWith(['image/png', 'image/png']), file)).files).toEqual([
      path.join(directory, 'cat-1.png'),
      path.join(directory, 'cat-2.png'),
    ]);
    expect(
      (await outputPaths(jobWith(['application/x-unknown']), path.join(directory, 'x'))).files,
    ).toEqual([path.join(directory, 'x')]);
  });
});
