import { loadConfig } from '../../src/config/load-config.js';
import { createGateway } from '../../src/gateway.js';

/**
 * Bench-only process entry: the same configuration loading and gateway as `src/main.ts`, plus
 * `BENCH_RUN_WORKERS=false` to build it without queue workers — the API node of a split
 * deployment — which `src/main.ts` has no switch for. Used to separate the cost of accepting
 * jobs from the cost of working on them.
 */
async function main(): Promise<void> {
  const config = await loadConfig();
  const gateway = await createGateway(config, {
    runWorkers: process.env.BENCH_RUN_WORKERS !== 'false',
  });
  await gateway.listen();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench gateway failed to start: ${String(error)}\n`);
  process.exit(1);
});
