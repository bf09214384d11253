import { z } from 'zod';
import type { Tenant, TenantBudgets } from '../../core/tenancy.js';
import type { Database } from '../database.js';

const TenantRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  group_name: z.string(),
  // numeric columns arrive as strings; null stays null (nullable checks before coercing).
  balance_usd: z.coerce.number().nullable(),
  reserved_usd: z.coerce.number(),
  budget_day_soft_usd: z.coerce.number().nullable(),
  budget_day_hard_usd: z.coerce.number().nullable(),
  budget_month_soft_usd: z.coerce.number().nullable(),
  budget_month_hard_usd: z.coerce.number().nullable(),
  created_at: z.coerce.date(),
  updated_at: z.coerce.date(),
});

function toTenant(input: unknown): Tenant {
  const row = TenantRowSchema.parse(input);
  return {
    id: row.id,
    name: row.name,
    group: row.group_name,
    balanceUsd: row.balance_usd,
    reservedUsd: row.reserved_usd,
    budgets: {
      day: { softUsd: row.budget_day_soft_usd, hardUsd: row.budget_day_hard_usd },
      month: { softUsd: row.budget_month_soft_usd, hardUsd: row.budget_month_hard_usd },
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The fields of a tenant the admin API may change. */
export interface TenantChanges {
  name?: string;
  group?: string;
  balanceUsd?: number | null;
  /** Each limit given replaces the stored one (null clears it); absent ones stay. */
  budgets?: BudgetChanges;
}

/** Budget limits to change; a limit left undefined keeps its stored value. */
export type BudgetChanges = {
  [Period in keyof TenantBudgets]?: { softUsd?: number | null; hardUsd?: number | null };
};

/** The budget columns in the order `update` binds them ($6 on). */
const budgetColumns = [
  ['day', 'softUsd', 'budget_day_soft_usd'],
  ['day', 'hardUsd', 'budget_day_hard_usd'],
  ['month', 'softUsd', 'budget_month_soft_usd'],
  ['month', 'hardUsd', 'budget_month_hard_usd'],
] as const;

/** Typed access to `tenants`; the table's trigger NOTIFYs every change. */
export class TenantRepository {
  constructor(private readonly database: Database) {}

  /** Inserts a tenant; undefined when the name is taken. */
  async insert(tenant: {
    id: string;
    name: string;
    group: string;
    balanceUsd: number | null;
    budgets?: BudgetChanges;
  }): Promise<Tenant | undefined> {
    const { rows } = await this.database.query(
      `INSERT INTO tenants (id, name, group_name, balance_usd, budget_day_soft_usd,
         budget_day_hard_usd, budget_month_soft_usd, budget_month_hard_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [
        tenant.id,
        tenant.name,
        tenant.group,
        tenant.balanceUsd,
        ...budgetColumns.map(([period, limit]) => tenant.budgets?.[period]?.[limit] ?? null),
      ],
    );
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  async list(): Promise<Tenant[]> {
    const { rows } = await this.database.query('SELECT * FROM tenants ORDER BY id');
    return rows.map(toTenant);
  }

  /** By id or by name. */
  async find(idOrName: string): Promise<Tenant | undefined> {
    const { rows } = await this.database.query(
      'SELECT * FROM tenants WHERE id = $1 OR name = $1 LIMIT 1',
      [idOrName],
    );
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  async update(id: string, changes: TenantChanges): Promise<Tenant | undefined> {
    const { rows } = await this.database.query(
      `UPDATE tenants SET name = COALESCE($2, name), group_name = COALESCE($3, group_name),
         balance_usd = CASE WHEN $4::boolean THEN $5::numeric ELSE balance_usd END,
         ${budgetColumns
           .map(
             ([, , column], index) =>
               `${column} = CASE WHEN $${6 + index * 2}::boolean THEN $${7 + index * 2}::numeric ELSE ${column} END`,
           )
           .join(', ')},
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        changes.name ?? null,
        changes.group ?? null,
        changes.balanceUsd !== undefined,
        changes.balanceUsd ?? null,
        ...budgetColumns.flatMap(([period, limit]) => {
          const value = changes.budgets?.[period]?.[limit];
          return [value !== undefined, value ?? null];
        }),
      ],
    );
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  /** Deletes a tenant and (by cascade) its keys; its jobs and files stay. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.database.query('DELETE FROM tenants WHERE id = $1', [id]);
    return rowCount > 0;
  }
}
