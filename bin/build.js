#!/usr/bin/env node
// `npm run build`: always compiles (`npm start` and the CLI build only when stale).
// `--if-possible` (the `prepare` step of `npm ci`) skips quietly on an install without the
// development dependencies, where the compiler is absent and a prebuilt dist/ is expected.
import { existsSync } from 'node:fs';
import { build, buildPgliteTemplate, compilerPath } from './build-state.js';

if (process.argv.includes('--if-possible') && !existsSync(compilerPath)) process.exit(0);
build();
await buildPgliteTemplate();
