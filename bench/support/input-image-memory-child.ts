import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AssetStore } from '../../src/assets/asset-store.js';
import { LocalObjectStore } from '../../src/assets/local-object-store.js';
import { sniffMedia } from '../../src/assets/sniff-media.js';
import { storeImageStream } from '../../src/assets/store-image-stream.js';
import { GatewayError } from '../../src/core/errors/index.js';
import { InputImageResolver } from '../../src/jobs/input-image-resolver.js';
import type { SafeFetchContext } from '../../src/providers/kernel/safe-fetch-context.js';
import { downloadStream, downloadToBuffer } from '../../src/security/safe-fetch.js';
import { SsrfGuard } from '../../src/security/ssrf-guard.js';
import { openDatabase } from '../../src/store/open-database.js';
import { runMigrations } from '../../src/store/run-migrations.js';

/**
 * One measurement of `bench/input-image-memory.ts`, in its own process so that each mode's
 * peak RSS is its own: reads the images at `BENCH_URLS` the way `BENCH_MODE` says, all at
 * once as one job's inputs, and prints `{"mode","baselineBytes","peakBytes","heldBytes"}`.
 *
 * - `buffer`: the previous input reader (`downloadToBuffer`, then sniff), results held.
 * - `store`: the download step of today's reader alone (`downloadStream` into the store).
 * - `read`: today's reader as an adapter calls it (`read()`: stored once, read back), held.
 */

const mode = process.env.BENCH_MODE ?? 'read';
const urls = (process.env.BENCH_URLS ?? '').split(',').filter(Boolean);
const warmUrl = process.env.BENCH_WARM_URL ?? '';

function status(field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile('/proc/self/status', 'utf8').then((text) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`no ${field}`);
    return Number(match[1]) * 1024;
  });
}

async function main(): Promise<void> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-input-memory-'));
  // PostgreSQL, not PGlite: an in-process WASM database would add its own heap to the figure.
  const database = await openDatabase({
    databaseUrl: process.env.BENCH_CHILD_DATABASE_URL ?? 'memory://',
    dataDir: directory,
  });
  await runMigrations(database);
  const assets = new AssetStore(database, new LocalObjectStore(path.join(directory, 'assets')));
  const context: SafeFetchContext = {
    guard: new SsrfGuard({ allowedPrivateHosts: [new URL(urls[0]!).host] }),
    maxBytes: Number(process.env.BENCH_MAX_BYTES ?? 32 * 1024 * 1024),
    timeoutMs: 120_000,
  };
  const resolver = new InputImageResolver(assets, context, () => undefined);
  const notAnImage = () =>
    new GatewayError({ code: 'invalid_input_image', message: 'not an image', httpStatus: 400 });
  let job = 0;
  const reads: Record<string, (url: string) => Promise<unknown>> = {
    buffer: async (url) => {
      const { data } = await downloadToBuffer(url, context);
      if (sniffMedia(data)?.kind !== 'image') throw notAnImage();
      return data;
    },
    store: async (url) => {
      const { body } = await downloadStream(url, context);
      return (await storeImageStream(assets, { body, notAnImage })).id;
    },
    read: (url) =>
      resolver
        .forJob({ id: `gen_bench${job++}`, tenantId: null })
        .resolve(url)
        .read(),
  };
  const readOne = reads[mode];
  if (!readOne) throw new Error(`unknown mode ${mode}`);
  // Every code path once on a small image, so lazily loaded modules are in the baseline.
  await readOne(warmUrl);
  globalThis.gc?.();
  // Linux: "5" resets the peak (VmHWM) to the current RSS, so the peak is this run's own.
  await writeFile('/proc/self/clear_refs', '5');
  const baselineBytes = await status('VmRSS');
  const held = await Promise.all(urls.map((url) => readOne(url)));
  const peakBytes = await status('VmHWM');
  const heldBytes = (await status('VmRSS')) - baselineBytes;
  process.stdout.write(
    `${JSON.stringify({ mode, images: held.length, baselineBytes, peakBytes, heldBytes })}\n`,
  );
  await database.close();
  await rm(directory, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
