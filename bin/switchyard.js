#!/usr/bin/env node
// Runs the compiled CLI (`npm run build`, which `npm start` runs, writes dist/). In a checkout
// that has not been built yet it falls back to the TypeScript source through tsx, a development
// dependency, so `npm ci && bin/switchyard.js …` works too. SWITCHYARD_CLI_SOURCE=1 forces the
// source (the tests set it, so a stale dist/ can never stand in for the code under test).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
if (existsSync(compiled) && process.env.SWITCHYARD_CLI_SOURCE !== '1') {
  ({ runCli } = await import(compiled.href));
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('switchyard: the CLI is not built; run `npm run build` first\n');
    process.exit(1);
  }
  ({ runCli } = await import('../src/cli/main.ts'));
}
await runCli(process.argv);
