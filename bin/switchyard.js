#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (installed as a dependency), like `npm start`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
