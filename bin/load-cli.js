// Loads the CLI: the compiled build (`npm run build`, which `npm start` runs, writes dist/), or
// in a checkout that has not been built yet the TypeScript source through tsx, a development
// dependency, so `npm ci && bin/switchyard.js …` works too. SWITCHYARD_CLI_SOURCE=1 forces the
// source (the tests set it, so a stale dist/ can never stand in for the code under test).
import { existsSync } from 'node:fs';

export async function loadRunCli() {
  const compiled = new URL('../dist/cli/main.js', import.meta.url);
  if (existsSync(compiled) && process.env.SWITCHYARD_CLI_SOURCE !== '1') {
    return (await import(compiled.href)).runCli;
  }
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('switchyard: the CLI is not built; run `npm run build` first\n');
    process.exit(1);
  }
  return (await import('../src/cli/main.ts')).runCli;
}
