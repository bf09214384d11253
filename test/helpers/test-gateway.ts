import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConfigInput } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import {
  createGateway,
  type Gateway,
  type GatewayOptions,
} from '../../src/compose/create-gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { createPostgresDatabase, type Backend } from './test-database.js';
import { freshPgliteDataDir } from './pglite-template.js';

export interface TestGateway {
  gateway: Gateway;
  /** Base URL the gateway listens on (loopback, random port). */
  url: string;
  dataDir: string;
  databaseUrl?: string;
  close(): Promise<void>;
}

/**
 * A real gateway on a loopback port with a fresh database (a new PGlite cluster in its temp
 * data dir, copied from a template; in-memory PGlite when the caller brings a data dir; or a
 * new PostgreSQL database) and a temp data dir. Fast polling so tests finish quickly.
 */
export async function startTestGateway(
  backend: Backend,
  config: Partial<ConfigInput> = {},
  options: GatewayOptions & { databaseUrl?: string; dataDir?: string } = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'switchyard-test-')));
  const created =
    backend === 'postgres' && !options.databaseUrl ? await createPostgresDatabase() : undefined;
  // PGlite on disk under the gateway's own data dir (no URL), the production default.
  const onDisk = backend === 'pglite' && !options.databaseUrl && !options.dataDir;
  if (onDisk) await freshPgliteDataDir(dataDir);
  const databaseUrl =
    backend === 'postgres'
      ? (options.databaseUrl ?? created?.url)
      : onDisk
        ? undefined
        : (options.databaseUrl ?? 'memory://');
  const parsed = parseConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl,
    logLevel: 'silent',
    ...config,
    jobs: {
      pollInitialMs: 100,
      pollMaxMs: 500,
      queuePollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 2,
      ...config.jobs,
    },
  });
  const gateway = await createGateway(parsed, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    shutdownGraceMs: 200,
    ...options,
  });
  const url = await gateway.listen();
  return {
    gateway,
    url,
    dataDir,
    databaseUrl,
    async close() {
      await gateway.close();
      await created?.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
