import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import { parseDuration } from './parse-duration.js';

type Print = (value: unknown, human: () => string) => void;

interface TenantView {
  id: string;
  name: string;
  group: string;
  balance_usd: number | null;
  created_at: string;
}

interface KeyView {
  id: string;
  tenant_id: string;
  name: string | null;
  prefix: string;
  group: string | null;
  scopes: string[];
  models: string[] | null;
  rate_limit_rpm: number | null;
  max_concurrent_jobs: number | null;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const list = (text: string) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** A whole number ≥ 1 from an option, or undefined when the option was not given. */
function positiveCount(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${option} '${text}' is not a whole number of at least 1`);
  return value;
}

/**
 * `tenants create|list`, `keys create|list|revoke` over `/admin/tenants` and `/admin/keys`.
 *
 * @example
 * switchyard tenants create acme --group default --balance-usd 50
 * switchyard keys create --tenant acme --name web --models sim-image --expires 30d
 * switchyard keys create --tenant acme --rpm 60 --max-concurrent 4
 * switchyard keys list --json
 * switchyard keys revoke key_01j…
 */
export function registerTenancyCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const tenants = program.command('tenants').description('tenants (owners of API keys and jobs)');
  tenants
    .command('create <name>')
    .description('create a tenant')
    .option('--group <group>', 'routing group of its keys', 'default')
    .option(
      '--balance-usd <usd>',
      'balance in USD (jobs are refused once it is spent; unset: unlimited)',
    )
    .action(async (name: string, options: { group: string; balanceUsd?: string }) => {
      const balance = options.balanceUsd === undefined ? undefined : Number(options.balanceUsd);
      if (balance !== undefined && !(balance >= 0))
        throw new Error(`--balance-usd '${options.balanceUsd}' is not an amount`);
      const tenant = await client().post<TenantView>('/admin/tenants', {
        name,
        group: options.group,
        balance_usd: balance,
      });
      print(tenant, () => `${tenant.id} ${tenant.name} (group ${tenant.group})`);
    });
  tenants
    .command('list')
    .description('list tenants')
    .action(async () => {
      const answer = await client().get<{ data: TenantView[] }>('/admin/tenants');
      print(answer, () =>
        formatTable(
          ['id', 'name', 'group', 'balance usd', 'created'],
          answer.data.map((tenant) => [
            tenant.id,
            tenant.name,
            tenant.group,
            tenant.balance_usd,
            tenant.created_at,
          ]),
        ),
      );
    });

  const keys = program.command('keys').description('API keys of tenants');
  keys
    .command('create')
    .description('create an API key (printed once: store it now)')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--name <name>', 'a label')
    .option('--group <group>', "routing group (default: the tenant's)")
    .option('--models <models>', 'comma-separated models the key may use')
    .option('--scopes <scopes>', 'comma-separated scopes (generate, read, admin)')
    .option('--ips <ranges>', 'comma-separated IP addresses or CIDR ranges')
    .option('--expires <duration>', 'lifetime, e.g. 30d or 12h')
    .option('--rpm <n>', 'requests per minute, on every instance together')
    .option('--max-concurrent <n>', 'unfinished jobs at once, on every instance together')
    .action(
      async (options: {
        tenant: string;
        name?: string;
        group?: string;
        models?: string;
        scopes?: string;
        ips?: string;
        expires?: string;
        rpm?: string;
        maxConcurrent?: string;
      }) => {
        const created = await client().post<KeyView & { key: string }>('/admin/keys', {
          tenant: options.tenant,
          name: options.name,
          group: options.group,
          models: options.models ? list(options.models) : undefined,
          scopes: options.scopes ? list(options.scopes) : undefined,
          allowed_ips: options.ips ? list(options.ips) : undefined,
          expires_in_seconds: options.expires
            ? Math.ceil(parseDuration(options.expires))
            : undefined,
          rate_limit_rpm: positiveCount(options.rpm, '--rpm'),
          max_concurrent_jobs: positiveCount(options.maxConcurrent, '--max-concurrent'),
        });
        print(created, () =>
          [
            created.key,
            `${created.id} for ${created.tenant_id}${created.expires_at ? `, expires ${created.expires_at}` : ''}`,
            'This key is shown once; store it now.',
          ].join('\n'),
        );
      },
    );
  keys
    .command('list')
    .description('list API keys (prefixes only)')
    .option('--tenant <tenant>', 'only this tenant (id or name)')
    .action(async (options: { tenant?: string }) => {
      const query = options.tenant ? `?tenant=${encodeURIComponent(options.tenant)}` : '';
      const answer = await client().get<{ data: KeyView[] }>(`/admin/keys${query}`);
      print(answer, () =>
        formatTable(
          [
            'id',
            'prefix',
            'tenant',
            'name',
            'group',
            'scopes',
            'models',
            'rpm',
            'concurrent',
            'expires',
            'revoked',
          ],
          answer.data.map((key) => [
            key.id,
            key.prefix,
            key.tenant_id,
            key.name,
            key.group,
            key.scopes.join(','),
            key.models?.join(',') ?? '*',
            key.rate_limit_rpm,
            key.max_concurrent_jobs,
            key.expires_at,
            key.revoked_at,
          ]),
        ),
      );
    });
  keys
    .command('revoke <id>')
    .description('revoke a key on every instance')
    .action(async (id: string) => {
      const key = await client().delete<KeyView>(`/admin/keys/${encodeURIComponent(id)}`);
      print(key, () => `${key.id} revoked at ${key.revoked_at}`);
    });
}
