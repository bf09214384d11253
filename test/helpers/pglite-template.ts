import { readFileSync } from 'node:fs';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';

const pgliteVersion = z
  .object({ version: z.string() })
  .parse(
    JSON.parse(
      readFileSync(
        fileURLToPath(
          new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
        ),
        'utf8',
      ),
    ),
  ).version;

/** Where the initialised (empty, unmigrated) PGlite cluster for this PGlite version lives. */
export const pgliteTemplateDirectory = path.join(
  os.tmpdir(),
  `switchyard-test-pglite-${pgliteVersion}`,
);

/**
 * Creates the template once per machine: `initdb` inside PGlite costs seconds of CPU, copying
 * an initialised cluster a fraction of one. Built in a scratch directory and renamed into place,
 * so concurrent runs never see half a template.
 */
export async function ensurePgliteTemplate(): Promise<string> {
  if (await exists(path.join(pgliteTemplateDirectory, 'PG_VERSION')))
    return pgliteTemplateDirectory;
  const scratch = `${pgliteTemplateDirectory}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  const pglite = new PGlite(scratch);
  await pglite.waitReady;
  await pglite.close();
  try {
    await rename(scratch, pgliteTemplateDirectory);
  } catch {
    // Another run finished first; its template is as good as ours.
    await rm(scratch, { recursive: true, force: true });
  }
  return pgliteTemplateDirectory;
}

/**
 * A fresh PGlite cluster for one gateway under `<dataDir>/pglite` (where the gateway opens
 * PGlite when no database URL is configured), copied from the template: a new, empty database
 * each time, as `memory://` gives, without paying for `initdb`.
 */
export async function freshPgliteDataDir(dataDir: string): Promise<void> {
  const template = await ensurePgliteTemplate();
  await mkdir(dataDir, { recursive: true });
  await cp(template, path.join(dataDir, 'pglite'), { recursive: true });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
