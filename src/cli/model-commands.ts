import type { Command } from 'commander';
import { z } from 'zod';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import {
  addGenerationOptions,
  generationBody,
  type GenerationFlags,
} from './generation-options.js';

type Print = (value: unknown, human: () => string) => void;

const ModelListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      display_name: z.string(),
      providers: z.array(
        z.object({
          provider: z.string(),
          enabled: z.boolean(),
          available: z.boolean().optional(),
          deprecated: z.boolean().optional(),
        }),
      ),
    }),
  ),
});

const EstimateSchema = z.object({
  model: z.string(),
  currency: z.string(),
  providers: z.array(
    z.object({
      provider: z.string(),
      provider_model_id: z.string(),
      estimated_usd: z.number().nullable(),
    }),
  ),
  unavailable: z.array(z.object({ provider: z.string(), reason: z.string(), message: z.string() })),
});

/**
 * `models` (`GET /v1/models`) and `estimate` (`POST /v1/estimate`).
 *
 * @example
 * switchyard models
 * switchyard estimate --model sim-video --prompt waves --duration 8
 */
export function registerModelCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  program
    .command('models')
    .description('the model catalog with the providers serving each model')
    .addHelpText('after', '\nExample:\n  switchyard models\n  switchyard --json models')
    .action(async () => {
      const list = ModelListSchema.parse(await client().get('/v1/models'));
      print(list, () =>
        formatTable(
          ['model', 'kind', 'name', 'providers'],
          list.data.map((model) => [
            model.id,
            model.kind,
            model.display_name,
            model.providers
              .map(
                (entry) =>
                  `${entry.provider}${!entry.enabled ? ' (disabled)' : entry.available === false ? ' (unavailable)' : ''}`,
              )
              .join(', '),
          ]),
        ),
      );
    });
  addGenerationOptions(
    program
      .command('estimate')
      .description('what a request would cost on each capable provider (creates no job)'),
  )
    .addHelpText(
      'after',
      `
A local --image is sent inline as a data: URI (nothing is uploaded).

Example:
  switchyard estimate --model sim-video --prompt waves --duration 8 --resolution 720p`,
    )
    .action(async (flags: GenerationFlags) => {
      const api = client();
      const body = await generationBody(api, flags, { upload: false });
      const estimate = EstimateSchema.parse(await api.post('/v1/estimate', body));
      print(estimate, () =>
        [
          formatTable(
            ['provider', 'provider model', `estimate ${estimate.currency.toLowerCase()}`],
            estimate.providers.map((entry) => [
              entry.provider,
              entry.provider_model_id,
              entry.estimated_usd,
            ]),
          ),
          ...estimate.unavailable.map(
            (entry) => `unavailable: ${entry.provider} (${entry.reason}) ${entry.message}`,
          ),
        ].join('\n'),
      );
    });
}
