import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensurePgliteTemplate } from '../../src/store/pglite-template.js';

export { ensurePgliteTemplate };

/**
 * A fresh PGlite cluster for one gateway under `<dataDir>/pglite` (where the gateway opens
 * PGlite when no database URL is configured), copied from the build's template: a new, empty
 * database each time, as `memory://` gives, without paying for `initdb`.
 */
export async function freshPgliteDataDir(dataDir: string): Promise<void> {
  const template = await ensurePgliteTemplate();
  if (!template) throw new Error('PGlite is not installed (node_modules/@electric-sql/pglite)');
  await mkdir(dataDir, { recursive: true });
  await cp(template, path.join(dataDir, 'pglite'), { recursive: true });
}
