import { ConfigError, loadConfig } from './config/load-config.js';
import { createGateway } from './compose/create-gateway.js';
import { installProcessFaultPolicy } from './compose/process-fault-policy.js';

/** Process entry: config, gateway, listen, graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchyard: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let gateway;
  try {
    gateway = await createGateway(config, { runWorkers: config.workers });
  } catch (error) {
    // Provider entries are validated when the providers load (after the config file itself).
    if (error instanceof ConfigError) {
      process.stderr.write(`switchyard: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let stopping = false;
  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    gateway.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        gateway.logger.error({ error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Installed before listening: a database blip during start-up work must not kill the process.
  installProcessFaultPolicy({ logger: gateway.logger, shutdown: (reason) => stop(reason, 1) });
  const url = await gateway.listen();
  gateway.logger.info(
    `Switchyard listening on ${url} (${gateway.database.kind}${config.databaseUrl ? '' : `, data in ${config.dataDir}`}) — docs at ${url}/docs, dashboard at ${url}/dashboard`,
  );
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // One line for the operator (an unreachable database, a port in use); the stack only when
  // asked for, since it points into our code rather than at what to fix.
  const verbose = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
  const text =
    error instanceof Error
      ? verbose
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  process.stderr.write(`switchyard: failed to start: ${text}\n`);
  process.exit(1);
});
