import { once } from 'node:events';
import { FakeImageHost, paddedPng } from '../test/fakes/fake-image-host.js';
import { fakePng } from '../test/fakes/fake-media.js';
import { createBenchDatabase } from './support/bench-database.js';
import { parseBenchArgs } from './support/cli.js';
import { startNodeChild } from './support/gateway-child.js';
import { note, printTable, writeResult } from './support/report.js';

/**
 * Memory of client input images given by URL (issue 12: three 100 MiB images took a gateway
 * from 802 to 1,679 MB). Three 20 MiB PNGs are served from a loopback host and read at once as
 * one job's inputs, each mode in a fresh child process (`support/input-image-memory-child.ts`),
 * which reports its peak RSS over its own baseline:
 *
 * - `buffer`: the previous reader, the whole download in memory (chunks, then one copy);
 * - `store`: today's download step alone, streamed into the asset store;
 * - `read`: today's reader as an adapter that needs the bytes calls it (stored, read back).
 *
 * Run: `npx tsx bench/input-image-memory.ts` (`--quick` is accepted and changes nothing).
 */

// BENCH_IMAGE_MB shows whether a figure grows with the file (held) or not (bounded buffers).
const imageBytes = Number(process.env.BENCH_IMAGE_MB ?? 20) * 1024 * 1024;
const modes = ['buffer', 'store', 'read'] as const;
const Measured = (line: string) =>
  JSON.parse(line) as { mode: string; baselineBytes: number; peakBytes: number; heldBytes: number };

async function main(): Promise<void> {
  parseBenchArgs();
  const png = await fakePng();
  const routes: Record<string, { body: Buffer; declareLength: boolean }> = {
    '/warm.png': { body: png, declareLength: true },
  };
  for (const index of [1, 2, 3])
    routes[`/input-${index}.png`] = { body: paddedPng(png, imageBytes), declareLength: true };
  const host = await FakeImageHost.start(routes);
  const database = await createBenchDatabase();
  const rows: (string | number)[][] = [];
  const results: Record<string, { peakGrowthMb: number; heldMb: number }> = {};
  try {
    for (const mode of modes) {
      const child = startNodeChild(
        ['--expose-gc', '--import', 'tsx', 'bench/support/input-image-memory-child.ts'],
        {
          BENCH_MODE: mode,
          BENCH_MAX_BYTES: String(imageBytes + 1024 * 1024),
          BENCH_CHILD_DATABASE_URL: database.url,
          BENCH_WARM_URL: `${host.url}/warm.png`,
          BENCH_URLS: [1, 2, 3].map((index) => `${host.url}/input-${index}.png`).join(','),
        },
      );
      const [code] = (await once(child.child, 'exit')) as [number | null];
      const line = child
        .output()
        .split('\n')
        .findLast((text) => text.startsWith('{'));
      if (code !== 0 || !line) throw new Error(`${mode} failed (${code}):\n${child.output()}`);
      const measured = Measured(line);
      const peakGrowthMb = (measured.peakBytes - measured.baselineBytes) / 2 ** 20;
      const heldMb = measured.heldBytes / 2 ** 20;
      results[mode] = { peakGrowthMb: Math.round(peakGrowthMb), heldMb: Math.round(heldMb) };
      rows.push([mode, Math.round(measured.baselineBytes / 2 ** 20), Math.round(peakGrowthMb)]);
    }
  } finally {
    await host.close();
    await database.drop();
  }
  printTable(
    `Three ${imageBytes / 2 ** 20} MiB input images read at once (MB of RSS)`,
    ['mode', 'baseline RSS', 'peak growth'],
    rows,
  );
  note('buffer: previous reader (whole download in memory); store: download step alone now;');
  note('read: now, as an adapter that needs the bytes calls it (stored once, read back whole)');
  await writeResult('input-image-memory', { imageBytes, images: 3, results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
