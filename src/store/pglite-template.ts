import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';

/*
 * `initdb` inside PGlite costs 3–4 s of CPU, most of a first `npm start`. The build (`npm ci`
 * runs it) initialises one empty cluster per PGlite version under node_modules/.cache; a new
 * data directory starts as a copy of it (≈ 0.2 s for 39 MB). Without the template (an install
 * that skipped the build) PGlite runs `initdb` itself, as before: slower, never wrong.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

function pgliteVersion(): string | undefined {
  const manifest = path.join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  if (!existsSync(manifest)) return undefined;
  const parsed = z
    .object({ version: z.string() })
    .safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
  return parsed.success ? parsed.data.version : undefined;
}

/** Where the initialised, empty cluster for the installed PGlite version lives. */
export function pgliteTemplateDirectory(): string | undefined {
  const version = pgliteVersion();
  if (!version) return undefined;
  return path.join(root, 'node_modules', '.cache', 'switchyard', `pglite-${version}`);
}

/**
 * Creates the template if it is missing. Built in a scratch directory and renamed into place,
 * so a concurrent build or start never copies half a cluster.
 */
export async function ensurePgliteTemplate(): Promise<string | undefined> {
  const template = pgliteTemplateDirectory();
  if (!template) return undefined;
  if (existsSync(path.join(template, 'PG_VERSION'))) return template;
  const scratch = `${template}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(path.dirname(template), { recursive: true });
  const pglite = new PGlite(scratch);
  await pglite.waitReady;
  await pglite.close();
  try {
    await rename(scratch, template);
  } catch {
    // Another process finished first; its template is as good as ours.
    await rm(scratch, { recursive: true, force: true });
  }
  return template;
}

/** Seeds an empty data directory from the template; a directory with any content is left alone. */
export async function seedFromPgliteTemplate(directory: string): Promise<void> {
  const template = pgliteTemplateDirectory();
  if (!template || !existsSync(path.join(template, 'PG_VERSION'))) return;
  const entries = await readdir(directory).catch(() => []);
  if (entries.length > 0) return;
  await cp(template, directory, { recursive: true });
}
