#!/usr/bin/env node
import { loadRunCli } from './load-cli.js';

const runCli = await loadRunCli();
await runCli(process.argv);
