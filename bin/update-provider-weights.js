#!/usr/bin/env node
// The seed runbook's (S2) ops script, kept under its own name: `update-provider-weights
// '{"fal":0.9,"runware":0.1}'` is `switchyard weights set '{"fal":0.9,"runware":0.1}'`, talking
// to the gateway at SWITCHYARD_URL with SWITCHYARD_ADMIN_KEY (every option of `weights set`,
// such as --reason and --model, works here too).
import { loadRunCli } from './load-cli.js';

const runCli = await loadRunCli();
const [node = 'node', script = 'update-provider-weights', ...rest] = process.argv;
await runCli([node, script, 'weights', 'set', ...rest]);
