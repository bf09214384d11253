import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';

type Print = (value: unknown, human: () => string) => void;

interface HealthView {
  status: string;
  providers: Record<
    string,
    {
      ok: boolean;
      latency_ms: number | null;
      error: string | null;
      configured: boolean;
      enabled?: boolean;
      deprecated: boolean;
      circuit: string;
      credits: string;
    }
  >;
  config: { primary: string | null; strategy: string; weights: Record<string, number> };
}

/** `providers`, `providers enable|disable`, `health`, `health check`. */
export function registerProviderCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const providers = program
    .command('providers')
    .description('list provider instances with their state')
    .action(async () => {
      const list = await client().get<{
        data: {
          id: string;
          type: string;
          enabled: boolean;
          models: string[];
          circuit?: string;
          credits?: string;
        }[];
      }>('/admin/providers');
      print(list, () =>
        formatTable(
          ['id', 'type', 'enabled', 'circuit', 'credits', 'models'],
          list.data.map((entry) => [
            entry.id,
            entry.type,
            entry.enabled,
            entry.circuit,
            entry.credits,
            entry.models.join(', '),
          ]),
        ),
      );
    });
  for (const action of ['enable', 'disable'] as const) {
    providers
      .command(`${action} <id>`)
      .description(`${action} a provider on every instance`)
      .option('--reason <text>', 'recorded in the audit log')
      .action(async (id: string, options: { reason?: string }) => {
        const result = await client().post<{ id: string; enabled: boolean }>(
          `/admin/providers/${encodeURIComponent(id)}/${action}`,
          { reason: options.reason },
        );
        print(result, () => `${result.id} ${result.enabled ? 'enabled' : 'disabled'}`);
      });
  }

  const health = program
    .command('health')
    .description('provider health, circuits, credits and routing config (GET /api/health)')
    .action(async () => {
      const view = await client().get<HealthView>('/api/health');
      print(view, () =>
        [
          `status ${view.status} — strategy ${view.config.strategy}, primary ${view.config.primary ?? '-'}, weights ${JSON.stringify(view.config.weights)}`,
          formatTable(
            ['provider', 'ok', 'latency ms', 'circuit', 'credits', 'configured', 'error'],
            Object.entries(view.providers).map(([id, entry]) => [
              id,
              entry.ok,
              entry.latency_ms,
              entry.circuit,
              entry.credits,
              entry.configured,
              entry.error,
            ]),
          ),
        ].join('\n'),
      );
    });
  health
    .command('check')
    .description('run the active health checks now')
    .action(async () => {
      const result = await client().post<{
        data: { provider: string; ok: boolean; latency_ms: number; error?: string }[];
      }>('/admin/health-check');
      print(result, () =>
        formatTable(
          ['provider', 'ok', 'latency ms', 'error'],
          result.data.map((entry) => [entry.provider, entry.ok, entry.latency_ms, entry.error]),
        ),
      );
    });
}
