import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { JobResource } from '../api/job-resource-schema.js';
import type { AdminClient } from './admin-client.js';

type Output = JobResource['outputs'][number];

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

/** A saved output: where it went and what it is. */
export type SavedFile = { path: string; asset_id: string; mime_type: string; bytes: number };

async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file names for a job's outputs. `--out` naming an existing directory (or ending in `/`)
 * gets `<job id>.<ext>` (`<job id>-<n>.<ext>` for several); any other path is the file itself
 * (`name-<n>.ext` for several outputs).
 */
export async function outputPaths(
  job: JobResource,
  out: string,
): Promise<{ directory: string; files: string[] }> {
  const extensionOf = (output: Output) => extensions[output.mime_type] ?? 'bin';
  const several = job.outputs.length > 1;
  if (out.endsWith('/') || out.endsWith(path.sep) || (await isDirectory(out))) {
    const directory = path.resolve(out);
    return {
      directory,
      files: job.outputs.map((output, index) =>
        path.join(directory, `${job.id}${several ? `-${index + 1}` : ''}.${extensionOf(output)}`),
      ),
    };
  }
  const file = path.resolve(out);
  const parsed = path.parse(file);
  return {
    directory: parsed.dir,
    files: job.outputs.map((output, index) =>
      several
        ? path.join(
            parsed.dir,
            `${parsed.name}-${index + 1}${parsed.ext || `.${extensionOf(output)}`}`,
          )
        : file,
    ),
  };
}

/**
 * Downloads every output from this gateway's `/v1/assets/{id}` (not the answer's absolute
 * URL, which names the gateway's public address and may not be reachable from here). Each file
 * is written beside its target as `.part` and renamed when complete, so an interrupted download
 * never leaves a truncated file under the final name.
 */
export async function saveOutputs(
  client: AdminClient,
  job: JobResource,
  out: string,
): Promise<SavedFile[]> {
  const { directory, files } = await outputPaths(job, out);
  await mkdir(directory, { recursive: true });
  const saved: SavedFile[] = [];
  for (const [index, output] of job.outputs.entries()) {
    const target = files[index]!;
    const partial = `${target}.part`;
    const response = await client.download(`/v1/assets/${encodeURIComponent(output.asset_id)}`);
    if (!response.body) throw new Error(`asset ${output.asset_id} came back empty`);
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        createWriteStream(partial),
      );
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    saved.push({
      path: target,
      asset_id: output.asset_id,
      mime_type: output.mime_type,
      bytes: output.bytes,
    });
  }
  return saved;
}
