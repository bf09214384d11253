import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { AdminClient } from './admin-client.js';

/** The request flags `generate` and `estimate` share, as commander parses them. */
export type GenerationFlags = {
  model: string;
  prompt: string;
  duration?: number;
  resolution?: string;
  size?: { width: number; height: number };
  image: string[];
};

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError(`'${value}' is not a positive number of seconds`);
  return seconds;
}

function parseSize(value: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/i.exec(value);
  if (!match) throw new InvalidArgumentError(`'${value}' is not WIDTHxHEIGHT (e.g. 1024x768)`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Adds `--model`, `--prompt`, `--duration`, `--resolution`, `--size`, `--image` to a command. */
export function addGenerationOptions(command: Command): Command {
  return command
    .requiredOption('--model <model>', 'catalog key (see `switchyard models`)')
    .requiredOption('--prompt <text>', 'what to generate')
    .option('--duration <seconds>', 'video length in seconds', parseSeconds)
    .option('--resolution <name>', 'named resolution such as 720p')
    .option('--size <WxH>', 'output size in pixels, e.g. 1024x768', parseSize)
    .option(
      '--image <file-or-url>',
      'input image: a local file (uploaded), an http(s) URL or an asset id; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    );
}

/** Whether the value is passed to the gateway as it is (not a local file). */
function isRemoteReference(value: string): boolean {
  return (
    /^https?:\/\//i.test(value) || value.startsWith('data:image/') || value.startsWith('asset_')
  );
}

const imageSignatures: [mimeType: string, test: (bytes: Buffer) => boolean][] = [
  ['image/png', (bytes) => bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))],
  ['image/jpeg', (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8],
  ['image/gif', (bytes) => bytes.subarray(0, 3).toString('latin1') === 'GIF'],
  ['image/webp', (bytes) => bytes.subarray(8, 12).toString('latin1') === 'WEBP'],
];

/**
 * The request's image references. `upload` (generate) sends local files to `POST /v1/uploads`
 * and uses the asset ids; without it (estimate, a read-only call) a local file becomes a
 * `data:` URI, so estimating stores nothing.
 */
async function imageReferences(
  client: AdminClient,
  images: string[],
  upload: boolean,
): Promise<string[]> {
  const references: string[] = [];
  for (const image of images) {
    if (isRemoteReference(image)) {
      references.push(image);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(image);
    } catch (error) {
      throw new Error(`cannot read --image ${image}: ${(error as NodeJS.ErrnoException).code}`);
    }
    if (upload) {
      const asset = await client.postBytes<{ id: string }>('/v1/uploads', bytes);
      references.push(asset.id);
    } else {
      const mimeType = imageSignatures.find(([, test]) => test(bytes))?.[0] ?? 'image/png';
      references.push(`data:${mimeType};base64,${bytes.toString('base64')}`);
    }
  }
  return references;
}

/** The `POST /v1/generations` (or `/v1/estimate`) body for the flags. */
export async function generationBody(
  client: AdminClient,
  flags: GenerationFlags,
  options: { upload: boolean },
): Promise<Record<string, unknown>> {
  const inputImages = await imageReferences(client, flags.image, options.upload);
  return {
    model: flags.model,
    prompt: flags.prompt,
    duration: flags.duration,
    resolution: flags.resolution,
    width: flags.size?.width,
    height: flags.size?.height,
    input_images: inputImages.length ? inputImages : undefined,
  };
}
