import { largePng } from '../test/fakes/large-png.js';
import { startGatewayChild } from './support/gateway-child.js';
import { note, printTable, printTargets, writeResult } from './support/report.js';

/**
 * Peak RSS growth of a gateway taking concurrent large uploads (issue 12: uploads streamed into
 * the store, never held whole). Ten 20 MiB PNGs (a real header and IEND around filler IDAT, so
 * they pass the sniff) are sent at once to `POST /v1/uploads` on the local store while
 * `/proc/<pid>/status` VmRSS is sampled; the figure is the peak minus the idle RSS before.
 * Buffered, the bodies alone are 200 MiB; streamed, each upload holds its 1 MiB head and a
 * 64 KiB tail. `--baseline <checkout>` runs another checkout's built `dist/` the same way (main's
 * code, for comparison). Not part of `run-all.ts`.
 *
 * npx tsx bench/upload-memory.ts [--baseline /work/main]
 */

const uploads = 10;
const fileBytes = 20 * 1024 * 1024;
// The bodies alone are 200 MiB; what streaming leaves is PGlite, sockets and the hash state.
const targetMb = 100;

async function measure(checkout: string | undefined): Promise<{ idleMb: number; peakMb: number }> {
  const gateway = await startGatewayChild({
    config: { uploads: { maxBytes: fileBytes }, logLevel: 'warn' },
    checkout,
  });
  try {
    const png = largePng(fileBytes);
    // Warm the route once, so JIT and pool growth are in the idle figure, not the peak.
    const warm = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(largePng(64 * 1024)),
    });
    if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${await warm.text()}`);
    const idle = await gateway.rssBytes();
    let peak = idle;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await gateway.rssBytes());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: uploads }, async () => {
        const response = await fetch(`${gateway.url}/v1/uploads`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: new Uint8Array(png),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    sampling = false;
    await sampler;
    const failed = answers.filter((status) => status !== 201);
    if (failed.length) throw new Error(`uploads answered ${failed.join(', ')}`);
    return { idleMb: idle / 2 ** 20, peakMb: peak / 2 ** 20 };
  } finally {
    await gateway.stop();
  }
}

async function main(): Promise<void> {
  const [flag, baseline, ...rest] = process.argv.slice(2);
  if ((flag !== undefined && flag !== '--baseline') || (flag && !baseline) || rest.length)
    throw new Error('usage: npx tsx bench/upload-memory.ts [--baseline <built checkout>]');
  const runs: { name: string; idleMb: number; peakMb: number }[] = [];
  runs.push({ name: 'this checkout', ...(await measure(undefined)) });
  if (baseline) runs.push({ name: baseline, ...(await measure(baseline)) });
  const round = (value: number) => Math.round(value * 10) / 10;
  printTable(
    `${uploads} concurrent ${fileBytes / 2 ** 20} MiB uploads, gateway RSS (MiB)`,
    ['code', 'idle', 'peak', 'growth'],
    runs.map((run) => [
      run.name,
      round(run.idleMb),
      round(run.peakMb),
      round(run.peakMb - run.idleMb),
    ]),
  );
  note('local asset store, PGlite; RSS sampled every 5 ms from /proc/<pid>/status');
  const growthMb = runs[0]!.peakMb - runs[0]!.idleMb;
  printTargets([
    {
      name: 'peak RSS growth, 10 × 20 MiB uploads',
      target: `< ${targetMb} MiB (buffered: > 200 MiB)`,
      measured: `${round(growthMb)} MiB`,
      met: growthMb < targetMb,
    },
  ]);
  await writeResult('upload-memory', {
    uploads,
    fileBytes,
    runs: runs.map((run) => ({ ...run, growthMb: run.peakMb - run.idleMb })),
  });
}

await main();
