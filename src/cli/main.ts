import os from 'node:os';
import { Command } from 'commander';
import { AdminClient, AdminRequestError } from './admin-client.js';
import { registerRoutingCommands } from './routing-commands.js';
import { registerProviderCommands } from './provider-commands.js';
import { registerRolloutCommands } from './rollout-commands.js';
import { registerRolloutWatchCommand } from './rollout-watch-command.js';
import { registerTenancyCommands } from './tenancy-commands.js';
import { registerQuotaCommands } from './quota-commands.js';
import { registerChannelCommands } from './channel-commands.js';
import { registerOfferingCommands } from './offering-commands.js';
import { registerGenerateCommand } from './generate-command.js';
import { registerJobCommands } from './job-commands.js';
import { registerModelCommands } from './model-commands.js';
import { JobEndedError } from './job-ended-error.js';

/**
 * `switchyard` — operator CLI over the gateway's admin API.
 *
 * @example
 * SWITCHYARD_ADMIN_KEY=… switchyard weights set '{"fal":0.9,"runware":0.1}' --reason "canary D1"
 * SWITCHYARD_API_KEY=sk_… switchyard generate --model sim-image --prompt 'a red balloon'
 */
function buildProgram(
  output: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Command {
  const program = new Command('switchyard')
    .description(
      'Generate through a Switchyard gateway and operate it: jobs, models, weights, strategy, providers, health, rollouts, tenants, keys.',
    )
    .option(
      '--url <url>',
      'gateway base URL',
      process.env.SWITCHYARD_URL ?? 'http://localhost:8787',
    )
    .option('--admin-key <key>', 'admin key (default: $SWITCHYARD_ADMIN_KEY)')
    .option(
      '--api-key <key>',
      'key for generate, jobs, models, estimate (default: $SWITCHYARD_API_KEY, else the admin key)',
    )
    .option('--json', 'print raw JSON')
    // Usage errors look like every other CLI error (inherited by every subcommand).
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, 'switchyard: ')),
    })
    .showHelpAfterError();
  const client = () => {
    const options = program.opts<{ url: string; adminKey?: string }>();
    return new AdminClient({
      url: options.url,
      adminKey: options.adminKey ?? process.env.SWITCHYARD_ADMIN_KEY,
      actor: `cli:${os.userInfo().username}`,
    });
  };
  // The /v1 commands take a tenant API key; the admin key also works there (it sees every tenant).
  const apiClient = () => {
    const options = program.opts<{ url: string; adminKey?: string; apiKey?: string }>();
    return new AdminClient({
      url: options.url,
      adminKey:
        // `||`: an empty variable counts as unset.
        options.apiKey ||
        process.env.SWITCHYARD_API_KEY ||
        options.adminKey ||
        process.env.SWITCHYARD_ADMIN_KEY,
      actor: `cli:${os.userInfo().username}`,
    });
  };
  const print = (value: unknown, human: () => string) =>
    output(program.opts<{ json?: boolean }>().json ? JSON.stringify(value, null, 2) : human());
  registerRoutingCommands(program, client, print);
  registerProviderCommands(program, client, print);
  registerRolloutCommands(program, client, print);
  registerRolloutWatchCommand(program, client);
  registerTenancyCommands(program, client, print);
  registerQuotaCommands(program, client, print);
  registerChannelCommands(program, client, print);
  registerOfferingCommands(program, client, print);
  registerGenerateCommand(program, apiClient, print);
  registerJobCommands(program, apiClient, print);
  registerModelCommands(program, apiClient, print);
  return program;
}

/** Runs the CLI; exits 1 with the gateway's error message on failure. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof JobEndedError) {
      process.stderr.write(`switchyard: ${error.code}: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof AdminRequestError) {
      process.stderr.write(
        `switchyard: ${error.message}${error.code !== 'http_error' ? ` (${error.code})` : ''}\n`,
      );
      process.exit(1);
    }
    // A bad flag value found by a command (`--priority x`): the message, not a stack trace.
    if (error instanceof Error && error.name === 'Error') {
      process.stderr.write(`switchyard: ${error.message}\n`);
      process.exit(1);
    }
    // Anything else is our bug, yet the user still gets one line; SWITCHYARD_DEBUG=1 shows where.
    const detail =
      error instanceof Error
        ? process.env.SWITCHYARD_DEBUG === '1'
          ? (error.stack ?? error.message)
          : `${error.name}: ${error.message}`
        : String(error);
    process.stderr.write(`switchyard: unexpected error: ${detail}\n`);
    process.exit(1);
  }
}
