import type { Command } from 'commander';
import { z } from 'zod';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';

type Print = (value: unknown, human: () => string) => void;

const UnavailableListSchema = z.object({
  data: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      provider_model_id: z.string(),
      reason: z.string(),
      since: z.string(),
    }),
  ),
});

/**
 * `offerings` (offerings whose provider refused the model, e.g. a retired model) and
 * `offerings restore <provider> <model>`.
 *
 * @example
 * switchyard offerings
 * switchyard offerings restore runware veo-3-fast --reason "catalog updated"
 */
export function registerOfferingCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const offerings = program
    .command('offerings')
    .description('offerings skipped by routing because their provider refused the model')
    .addHelpText('after', '\nExample:\n  switchyard offerings')
    .action(async () => {
      const list = UnavailableListSchema.parse(await client().get('/admin/offerings/unavailable'));
      print(list, () =>
        list.data.length === 0
          ? 'every offering is available'
          : formatTable(
              ['provider', 'model', 'provider model', 'since', 'reason'],
              list.data.map((entry) => [
                entry.provider,
                entry.model,
                entry.provider_model_id,
                entry.since,
                entry.reason,
              ]),
            ),
      );
    });
  offerings
    .command('restore <provider> <model>')
    .description('route an offering marked unavailable again, on every instance')
    .option('--reason <text>', 'recorded in the audit log')
    .action(async (provider: string, model: string, options: { reason?: string }) => {
      const result = await client().post<{ provider: string; model: string }>(
        `/admin/offerings/${encodeURIComponent(provider)}/${encodeURIComponent(model)}/restore`,
        { reason: options.reason },
      );
      print(result, () => `${result.provider} × ${result.model} restored`);
    });
}
