import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; absent selects embedded PGlite. */
  databaseUrl?: string;
  /** Data directory for PGlite (`<dataDir>/pglite`); `memory://` for an in-memory database. */
  dataDir: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
}

/** Opens PostgreSQL when a URL is given, otherwise embedded PGlite under the data directory. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgresDatabase({
      connectionString: options.databaseUrl,
      maxConnections: options.maxConnections,
    });
  }
  if (options.dataDir === 'memory://') return openPgliteDatabase(undefined);
  const directory = path.resolve(options.dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  return openPgliteDatabase(directory);
}
