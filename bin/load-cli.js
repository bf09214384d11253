// Loads the CLI: the compiled build when it is current (`npm ci` and `npm start` write dist/),
// otherwise the TypeScript source through tsx, a development dependency, so a checkout whose
// sources changed since the last build never runs yesterday's code. SWITCHYARD_CLI_SOURCE=1
// forces the source (the tests set it).
import { buildIsStale } from './build-state.js';

export async function loadRunCli() {
  if (process.env.SWITCHYARD_CLI_SOURCE !== '1' && !buildIsStale()) {
    return (await import('../dist/cli/main.js')).runCli;
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
