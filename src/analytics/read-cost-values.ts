import type { Database } from '../store/database.js';
import { AnalyticsRepository } from '../store/repositories/analytics-repository.js';
import { TenantRepository } from '../store/repositories/tenant-repository.js';
import { UsageRepository } from '../store/repositories/usage-repository.js';

/** Today's spend per provider, model and tenant id. */
export interface DailySpend {
  providers: Map<string, number>;
  models: Map<string, number>;
  tenants: Map<string, number>;
}

const day = 86_400_000;

/**
 * Reads one UTC day's spend from aggregates only: the analytics rollups (a few rows per bucket,
 * provider and model) for providers and models, and the ledger's settlements grouped by tenant
 * (the same query as `/admin/usage`) for tenants. Never a scan of jobs.
 */
export async function readDailySpend(database: Database, at: number): Promise<DailySpend> {
  const start = at - (((at % day) + day) % day);
  const rows = await new AnalyticsRepository(database).rollups({
    since: new Date(start),
    until: new Date(start + day - 1),
  });
  const providers = new Map<string, number>();
  const models = new Map<string, number>();
  for (const row of rows) {
    providers.set(row.provider, (providers.get(row.provider) ?? 0) + row.cost_usd);
    models.set(row.model, (models.get(row.model) ?? 0) + row.cost_usd);
  }
  const usage = await new UsageRepository(database).report({
    from: new Date(start),
    to: new Date(start + day),
    by: ['tenant'],
  });
  const tenants = new Map<string, number>();
  for (const row of usage) if (row.tenant) tenants.set(row.tenant, row.spend_usd);
  return { providers, models, tenants };
}

/** Resolves tenant names (or ids) to ids; undefined for a tenant that does not exist. */
export async function findTenantId(
  database: Database,
  nameOrId: string,
): Promise<string | undefined> {
  return (await new TenantRepository(database).find(nameOrId))?.id;
}
