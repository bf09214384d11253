import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const migrationsDirectory = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant works; it only has to be the same in every gateway process.
const migrationLockId = 815_247_001;

export interface Migration {
  /** `0001_jobs` — the file name without `.sql`. */
  version: string;
  sql: string;
}

/** The numbered SQL files in `src/store/migrations`, in order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(migrationsDirectory))
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort();
  return Promise.all(
    files.map(async (name) => ({
      version: name.replace(/\.sql$/, ''),
      sql: await readFile(migrationsDirectory + name, 'utf8'),
    })),
  );
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so that
 * several gateway processes starting together migrate once. Same files on both backends.
 * Returns the versions applied.
 */
export async function runMigrations(database: Database): Promise<string[]> {
  const migrations = await loadMigrations();
  const applied: string[] = [];
  await database.query('SELECT pg_advisory_lock($1)', [migrationLockId]);
  try {
    await database.script(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await database.query<{ version: string }>(
      'SELECT version FROM schema_migrations',
    );
    const done = new Set(rows.map((row) => row.version));
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await database.transaction(async (transaction) => {
        // Split on statement boundaries so that both pg and PGlite run it inside this transaction.
        for (const statement of splitStatements(migration.sql)) await transaction.query(statement);
        await transaction.query('INSERT INTO schema_migrations (version) VALUES ($1)', [
          migration.version,
        ]);
      });
      applied.push(migration.version);
    }
  } finally {
    await database.query('SELECT pg_advisory_unlock($1)', [migrationLockId]);
  }
  return applied;
}

/**
 * Splits a migration into statements. Understands `--` comments, quoted strings and
 * `$$`-quoted function bodies, which is all our migrations use.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let index = 0;
  while (index < sql.length) {
    const rest = sql.slice(index);
    if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
      continue;
    }
    const dollar = /^\$[a-zA-Z_]*\$/.exec(rest);
    if (dollar) {
      const tag = dollar[0];
      const end = sql.indexOf(tag, index + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      current += sql.slice(index, stop);
      index = stop;
      continue;
    }
    const character = sql[index] as string;
    if (character === "'") {
      let stop = index + 1;
      while (stop < sql.length) {
        if (sql[stop] === "'" && sql[stop + 1] === "'") stop += 2;
        else if (sql[stop] === "'") break;
        else stop++;
      }
      current += sql.slice(index, stop + 1);
      index = stop + 1;
      continue;
    }
    if (character === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      index++;
      continue;
    }
    current += character;
    index++;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
