import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';

type Print = (value: unknown, human: () => string) => void;

interface UsageLine {
  day?: string;
  tenant_id?: string;
  api_key_id?: string | null;
  model?: string | null;
  provider?: string | null;
  settled_jobs: number;
  spend_usd: number;
  refunded_jobs: number;
  reserved_usd: number;
}

interface UsageView {
  data: UsageLine[];
  totals: { settled_jobs: number; spend_usd: number; refunded_jobs: number; reserved_usd: number };
}

interface BalanceView {
  tenant_id: string;
  balance_usd: number;
  reserved_usd: number;
  available_usd: number;
}

/**
 * `usage [--tenant T] [--from D] [--to D]` over `/admin/usage`, `balance add --tenant T --usd N`
 * over `/admin/tenants/{id}/balance`.
 *
 * @example
 * switchyard usage --tenant acme --from 2026-05-01
 * switchyard --json usage
 * switchyard balance add --tenant acme --usd 25
 */
export function registerQuotaCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  program
    .command('usage')
    .description('spend by tenant, key, model, provider and day (from the ledger)')
    .option('--tenant <tenant>', 'one tenant (id or name)')
    .option('--from <date>', 'first day (YYYY-MM-DD, UTC) or instant')
    .option('--to <date>', 'last day (inclusive) or instant (exclusive)')
    .action(async (options: { tenant?: string; from?: string; to?: string }) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(options)) if (value) query.set(name, value);
      const suffix = query.size ? `?${query}` : '';
      const answer = await client().get<UsageView>(`/admin/usage${suffix}`);
      print(answer, () =>
        formatTable(
          ['day', 'tenant', 'key', 'model', 'provider', 'jobs', 'spend usd', 'refunds', 'held usd'],
          [
            ...answer.data.map((line) => [
              line.day,
              line.tenant_id,
              line.api_key_id ?? '-',
              line.model ?? '-',
              line.provider ?? '-',
              line.settled_jobs,
              line.spend_usd,
              line.refunded_jobs,
              line.reserved_usd,
            ]),
            [
              'total',
              '',
              '',
              '',
              '',
              answer.totals.settled_jobs,
              answer.totals.spend_usd,
              answer.totals.refunded_jobs,
              answer.totals.reserved_usd,
            ],
          ],
        ),
      );
    });
  const balance = program.command('balance').description("tenants' balances");
  balance
    .command('add')
    .description("add USD to a tenant's balance (a credit in the ledger)")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--usd <usd>', 'amount in USD (> 0)')
    .action(async (options: { tenant: string; usd: string }) => {
      const usd = Number(options.usd);
      if (!(usd > 0)) throw new Error(`--usd '${options.usd}' is not a positive amount`);
      const answer = await client().post<BalanceView>(
        `/admin/tenants/${encodeURIComponent(options.tenant)}/balance`,
        { usd },
      );
      print(
        answer,
        () =>
          `${answer.tenant_id}: balance ${answer.balance_usd} USD, ${answer.reserved_usd} held by unfinished jobs, ${answer.available_usd} available`,
      );
    });
}
