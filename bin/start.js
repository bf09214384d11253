#!/usr/bin/env node
// `npm start`: compiles only if a source changed since the last build, then runs the gateway in
// this process (no wrapper process between the signals and the gateway's graceful shutdown).
import { ensureBuilt } from './build-state.js';

ensureBuilt();
await import('../dist/main.js');
