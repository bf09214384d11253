import path from 'node:path';
import { AssetStore } from '../assets/asset-store.js';
import { createObjectStore } from '../assets/create-object-store.js';
import { FreeDiskFloor, type StatFs, type WatchedDirectory } from '../assets/free-disk-floor.js';
import type { Config } from '../config/config-schema.js';
import { loadWebhookSecret } from '../jobs/load-webhook-secret.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { GenerationRepository } from '../store/repositories/generation-repository.js';
import { runMigrations } from '../store/run-migrations.js';
import { TableStatistics } from '../store/table-statistics.js';
import type { Lifecycle } from './lifecycle.js';

/** The databases and what reads and writes them. */
export interface StoreLayer {
  /** The workers' pool (and everything but the API's job reads and writes). */
  database: Database;
  /** The API's pool: the same database on PGlite. */
  apiDatabase: Database;
  repository: GenerationRepository;
  /** Jobs as the API reads and writes them, through its own pool. */
  apiRepository: GenerationRepository;
  assets: AssetStore;
  /** `storage.minFreeDiskMb` over the local asset directory and PGlite's data directory. */
  diskFloor: FreeDiskFloor;
  /** The Standard Webhooks secret (configured, or generated once and stored). */
  webhookSecret: string;
  /** ANALYZE of the request path's tables while they grow fast (ADR 0029). */
  tableStatistics: TableStatistics;
}

/** Opens the databases (closed by `lifecycle` last) and brings the schema up to date. */
export async function composeStore(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  now: () => number = Date.now,
  /** Reads free disk space for the floor (tests simulate a low disk). */
  statfs?: StatFs,
): Promise<StoreLayer> {
  const open = (maxConnections: number) =>
    openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      maxConnections,
      maxPreparedStatements: config.databasePreparedStatements,
      // Expected during a restart or failover: warn, the pool reconnects on the next query.
      onConnectionError: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'database connection lost',
        ),
    });
  const database = await open(config.databaseWorkerPoolSize);
  lifecycle.adopt(() => database.close());
  // On PostgreSQL the API gets its own pool, so that busy workers (submits, polls) can never make
  // a client wait for a connection; PGlite has a single connection anyway.
  const apiDatabase = database.kind === 'postgres' ? await open(config.databasePoolSize) : database;
  if (apiDatabase !== database) lifecycle.adopt(() => apiDatabase.close());

  const applied = await runMigrations(database);
  if (applied.length) logger.info({ applied }, 'database migrated');
  const repository = new GenerationRepository(database);
  const objects = createObjectStore(config);
  if (objects.close) lifecycle.adopt(() => objects.close?.());
  // Before any write of this process: a crash mid-write left temporary files behind.
  const orphans = (await objects.removeOrphans?.()) ?? 0;
  if (orphans) logger.warn({ removed: orphans }, 'removed temporary files of unfinished writes');
  logger.info({ store: config.storage.assetStore }, 'asset store');
  // The disks this process fills: S3 and a PostgreSQL server watch their own.
  const watched: WatchedDirectory[] = [];
  if (objects.kind === 'local')
    watched.push({ name: 'assets', path: path.resolve(config.dataDir, 'assets') });
  if (!config.databaseUrl)
    watched.push({ name: 'database', path: path.resolve(config.dataDir, 'pglite') });
  const diskFloor = new FreeDiskFloor({
    directories: watched,
    minFreeBytes: config.storage.minFreeDiskMb * 1024 * 1024,
    statfs,
    now,
  });
  return {
    database,
    apiDatabase,
    repository,
    apiRepository: apiDatabase === database ? repository : new GenerationRepository(apiDatabase),
    diskFloor,
    assets: new AssetStore(database, objects, {
      now,
      diskFloor,
      uploadBytesPerDay: config.storage.uploadBytesPerDay,
      inlineMaxBytes: config.storage.inlineMaxBytes,
      healthCacheMs: config.storage.healthCacheSeconds * 1000,
      presignedRedirectSeconds: config.storage.s3.presignedRedirects
        ? config.storage.s3.presignedExpirySeconds
        : undefined,
    }),
    webhookSecret: await loadWebhookSecret(database, config.webhooks.secret, logger),
    tableStatistics: new TableStatistics({
      database,
      tables: ['generations', 'generation_attempts', 'assets'],
      intervalMs: 2000,
      onError: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'table statistics check failed',
        ),
    }),
  };
}
