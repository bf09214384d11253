// Whether dist/ is the build of the sources in this checkout, and building it when it is not.
// `npm start` and the CLI use the compiled build; recompiling on every start cost 8–14 s, so
// the build runs once (at `npm ci`, through `prepare`) and again only when a source changed.
// A stamp file written after a successful build marks the moment; any source file, migration or
// compiler setting modified after it makes the build stale. mtimes are enough: git writes every
// file it checks out or merges with the current time, so a pull always looks newer.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'web', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return path.endsWith('.test.ts') ? 0 : stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its directory's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The TypeScript compiler, a development dependency. */
export const compilerPath = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** True when dist/ is missing or older than any source, migration or compiler setting. */
export function buildIsStale() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  if (!built) return true;
  return inputs.some((input) => newestMtime(join(root, input)) > built.mtimeMs);
}

/** Vite, a development dependency, bundles the dashboard (web/) into dist/web. */
const vitePath = join(root, 'node_modules', 'vite', 'bin', 'vite.js');

/** Bundles the dashboard from web/ into dist/web (every asset local, no CDN). */
export function buildDashboard() {
  const result = spawnSync(
    process.execPath,
    [vitePath, 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'],
    { stdio: 'inherit', cwd: root },
  );
  if (result.status !== 0) {
    process.stderr.write('switchyard: the dashboard build failed (see the output above)\n');
    process.exit(result.status ?? 1);
  }
}

/** Compiles src/ into dist/, copies the SQL migrations and bundles the dashboard; exits the process on failure. */
export function build() {
  const result = spawnSync(
    process.execPath,
    [compilerPath, '-p', join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    process.stderr.write('switchyard: the build failed (see the compiler output above)\n');
    process.exit(result.status ?? 1);
  }
  cpSync(join(root, 'src/store/migrations'), join(root, 'dist/store/migrations'), {
    recursive: true,
  });
  buildDashboard();
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

/** The empty PGlite cluster a first start copies instead of running `initdb` (see the module). */
export async function buildPgliteTemplate() {
  const { ensurePgliteTemplate } = await import('../dist/store/pglite-template.js');
  await ensurePgliteTemplate();
}

/** Builds only when the sources changed since the last build. */
export function ensureBuilt() {
  if (buildIsStale()) build();
}
