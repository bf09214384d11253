import { mkdir } from 'node:fs/promises';
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
  /** A PostgreSQL connection failed outside a statement (restart, failover): log it. */
  onConnectionError?: (error: unknown) => void;
}

/** Opens PostgreSQL when a URL is given, otherwise embedded PGlite under the data directory. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl === 'memory://') return openPgliteDatabase(undefined);
  if (options.databaseUrl) {
    return openPostgresDatabase({
      connectionString: options.databaseUrl,
      maxConnections: options.maxConnections,
      onConnectionError: options.onConnectionError,
    });
  }
  const directory = path.resolve(options.dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  await seedFromPgliteTemplate(directory);
  return openPgliteDatabase(directory);
}
