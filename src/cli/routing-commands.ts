import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';

type Print = (value: unknown, human: () => string) => void;

interface RoutingView {
  strategy: string;
  chain: string[];
  primary: string | null;
  weights: Record<string, number>;
  models: Record<string, { strategy?: string; chain?: string[]; weights?: Record<string, number> }>;
}

function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} must be JSON, e.g. '{"fal":0.9,"runware":0.1}'`);
  }
}

/** `weights`, `strategy`, `chain`, `primary`, `audit`. */
export function registerRoutingCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const weights = program.command('weights').description('provider traffic weights');
  weights
    .command('get')
    .description('show the weights in force')
    .option('--model <key>', 'weights for one model')
    .action(async (options: { model?: string }) => {
      const routing = await client().get<RoutingView>('/admin/routing');
      const value = options.model
        ? (routing.models[options.model]?.weights ?? routing.weights)
        : routing.weights;
      print(value, () => JSON.stringify(value));
    });
  weights
    .command('set <json>')
    .description(`set weights, e.g. switchyard weights set '{"fal":0.9,"runware":0.1}'`)
    .option('--model <key>', 'only for one model')
    .option('--reason <text>', 'recorded in the audit log')
    .action(async (json: string, options: { model?: string; reason?: string }) => {
      const body = {
        weights: parseJsonArgument(json, 'weights'),
        model: options.model,
        reason: options.reason,
      };
      const routing = await client().put<RoutingView>('/admin/routing/weights', body);
      const value = options.model ? routing.models[options.model]?.weights : routing.weights;
      print(routing, () => `weights now ${JSON.stringify(value)}`);
    });

  const strategy = program.command('strategy').description('routing strategy');
  strategy.command('get').action(async () => {
    const routing = await client().get<RoutingView>('/admin/routing');
    print({ strategy: routing.strategy }, () => routing.strategy);
  });
  strategy
    .command('set <name>')
    .description(
      'weighted | primary_first | round_robin | least_loaded | cost_optimized | quality_focused | health_based',
    )
    .option('--model <key>', 'only for one model')
    .option('--reason <text>', 'recorded in the audit log')
    .action(async (name: string, options: { model?: string; reason?: string }) => {
      const routing = await client().put<RoutingView>('/admin/routing/strategy', {
        strategy: name,
        ...options,
      });
      print(
        routing,
        () =>
          `strategy now ${options.model ? (routing.models[options.model]?.strategy ?? routing.strategy) : routing.strategy}`,
      );
    });

  program
    .command('chain <providers>')
    .description(
      'set the fallback chain, primary first: switchyard chain replicate,runware,aimlapi',
    )
    .option('--model <key>', 'only for one model')
    .option('--reason <text>', 'recorded in the audit log')
    .action(async (providers: string, options: { model?: string; reason?: string }) => {
      const chain = providers
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const routing = await client().put<RoutingView>('/admin/routing/chain', {
        chain,
        ...options,
      });
      print(
        routing,
        () =>
          `chain now ${(options.model ? routing.models[options.model]?.chain : routing.chain)?.join(' → ')}`,
      );
    });

  program
    .command('primary <provider>')
    .description('set the primary provider')
    .option('--reason <text>', 'recorded in the audit log')
    .action(async (provider: string, options: { reason?: string }) => {
      const routing = await client().put<RoutingView>('/admin/routing/primary', {
        provider,
        reason: options.reason,
      });
      print(routing, () => `primary now ${routing.primary}; chain ${routing.chain.join(' → ')}`);
    });

  program
    .command('routing')
    .description('show strategy, chain, weights and per-model overrides')
    .action(async () => {
      const routing = await client().get<RoutingView>('/admin/routing');
      print(routing, () =>
        [
          `strategy  ${routing.strategy}`,
          `chain     ${routing.chain.join(' → ')}`,
          `weights   ${JSON.stringify(routing.weights)}`,
          ...Object.entries(routing.models).map(
            ([model, scope]) => `model ${model}: ${JSON.stringify(scope)}`,
          ),
        ].join('\n'),
      );
    });

  program
    .command('audit')
    .description('recent control-plane changes')
    .option('--limit <n>', 'how many', '20')
    .action(async (options: { limit: string }) => {
      const audit = await client().get<{
        data: {
          changed_at: string;
          flag_key: string;
          actor: string;
          reason: string | null;
          old_value: unknown;
          new_value: unknown;
        }[];
      }>(`/admin/audit?limit=${Number(options.limit)}`);
      print(audit, () =>
        formatTable(
          ['when', 'flag', 'by', 'old → new', 'reason'],
          audit.data.map((entry) => [
            entry.changed_at,
            entry.flag_key,
            entry.actor,
            `${JSON.stringify(entry.old_value)} → ${JSON.stringify(entry.new_value)}`,
            entry.reason,
          ]),
        ),
      );
    });
}
