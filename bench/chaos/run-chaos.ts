import { spawn } from 'node:child_process';
import type { ChaosResult } from '../../test/chaos/chaos-harness.js';
import { runAssetStoreDown } from '../../test/chaos/asset-store-down.js';
import { runAssetStoreFull } from '../../test/chaos/asset-store-full.js';
import { runInstanceKilled } from '../../test/chaos/instance-killed.js';
import { runKillDuringBurst } from '../../test/chaos/kill-during-burst.js';
import { runPostgresTerminations } from '../../test/chaos/postgres-terminations.js';
import { runProviderHang } from '../../test/chaos/provider-hang.js';
import { repositoryRoot } from '../support/gateway-child.js';

/**
 * `npm run chaos`: each fault against real gateway processes, real PostgreSQL (only the
 * scenario's own database is disturbed), a real full disk (a tmpfs; needs root) and a real S3
 * server stopped mid-run, then a larger route-fuzzing run. A few minutes in all; prints one row
 * per scenario. `--quick` runs the scenarios lighter and skips the fuzzing.
 */

const quick = process.argv.includes('--quick');
const scenarios: [string, () => Promise<ChaosResult>][] = [
  ['postgres', () => runPostgresTerminations({ rounds: quick ? 8 : 25 })],
  ['kill', () => runKillDuringBurst({ killAfterMs: quick ? 1000 : 2000 })],
  ['pair', () => runInstanceKilled({ killAfterMs: quick ? 1000 : 2000 })],
  ['hang', () => runProviderHang({ jobs: quick ? 8 : 20 })],
  ['disk', () => runAssetStoreFull({ jobs: quick ? 10 : 30 })],
  ['s3', () => runAssetStoreDown({ jobs: quick ? 10 : 30 })],
];

const format = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([key, count]) => `${count} ${key}`)
    .join(', ') || '—';

const results: (ChaosResult | { scenario: string; failure: string })[] = [];
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
for (const [name, run] of scenarios) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  process.stdout.write(`chaos: ${name} …\n`);
  try {
    results.push(await run());
  } catch (error) {
    results.push({ scenario: name, failure: String(error).slice(0, 200) });
  }
  process.stdout.write(`chaos: ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const rows = results.map((result) =>
  'failure' in result
    ? [result.scenario, '', '', '', '', '', result.failure]
    : [
        result.scenario,
        String(result.accepted),
        format(result.finished),
        String(result.duplicates),
        format(result.clientErrors),
        result.recoveryMs === undefined
          ? 'did not recover'
          : `${(result.recoveryMs / 1000).toFixed(1)} s`,
        result.notes,
      ],
);
const header = [
  'scenario',
  'accepted',
  'finished',
  'duplicates',
  'client-visible errors',
  'recovery',
  'notes',
];
process.stdout.write(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);

if (!quick && !only) {
  // The route fuzzer at ten times its CI size, with a seed that changes every run, on both
  // backends (CI fuzzes PGlite only).
  const seed = Date.now() % 1_000_000;
  for (const backend of ['pglite', 'postgres']) {
    process.stdout.write(
      `\nchaos: route fuzzing on ${backend}, 1500 requests per group, seed ${seed}\n`,
    );
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ['node_modules/vitest/vitest.mjs', 'run', 'test/http/route-fuzzing.test.ts'],
        {
          cwd: repositoryRoot,
          env: {
            ...process.env,
            FUZZ_RUNS: '1500',
            FUZZ_SEED: String(seed),
            FUZZ_BACKEND: backend,
          },
          stdio: 'inherit',
        },
      );
      child.on('exit', resolve);
    });
    if (code !== 0) process.exitCode = 1;
  }
}
