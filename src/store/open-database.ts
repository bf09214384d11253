import { mkdir, statfs } from 'node:fs/promises';
import { DatabaseFullError } from '../core/errors/index.js';
import path from 'node:path';
import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import { seedFromPgliteTemplate } from './pglite-template.js';

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; `memory://` an in-memory PGlite; absent, PGlite on disk. */
  databaseUrl?: string;
  /** Data directory for PGlite (`<dataDir>/pglite`). */
  dataDir: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /** Distinct SQL texts run as named prepared statements, PostgreSQL or PGlite (0: none). */
  maxPreparedStatements?: number;
  /** A PostgreSQL connection failed outside a statement (restart, failover): log it. */
  onConnectionError?: (error: unknown) => void;
}

/** Opens PostgreSQL when a URL is given, otherwise embedded PGlite under the data directory. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const pglite = { maxPreparedStatements: options.maxPreparedStatements };
  if (options.databaseUrl === 'memory://') return openPgliteDatabase(undefined, pglite);
  if (options.databaseUrl) {
    return openPostgresDatabase({
      connectionString: options.databaseUrl,
      maxConnections: options.maxConnections,
      maxPreparedStatements: options.maxPreparedStatements,
      onConnectionError: options.onConnectionError,
    });
  }
  const directory = path.resolve(options.dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  await seedFromPgliteTemplate(directory);
  try {
    return await openPgliteDatabase(directory, pglite);
  } catch (error) {
    throw await explainPgliteStartFailure(directory, error);
  }
}

/** Below this much free space a PGlite that failed to start most likely failed for want of it. */
const lowSpaceBytes = 64 * 1024 * 1024;

/**
 * PGlite that cannot write while starting (a full disk) aborts its WebAssembly instance:
 * `RuntimeError: Aborted()`, which tells an operator nothing. Say what to do instead; the data
 * directory is intact and the next start with some free space succeeds (ADR 0013).
 */
async function explainPgliteStartFailure(directory: string, error: unknown): Promise<unknown> {
  const space = await statfs(directory).catch(() => undefined);
  const freeBytes = space ? space.bavail * space.bsize : undefined;
  if (freeBytes === undefined || freeBytes >= lowSpaceBytes) return error;
  return new DatabaseFullError(error, {
    message: `PGlite could not start in ${directory}: the disk is full (${Math.floor(freeBytes / 1024)} KiB free). Free some space there and start again; the data is intact.`,
    freeBytes,
  });
}
