import { z } from 'zod';
import type { Tenant } from '../../core/tenancy.js';
import type { Database } from '../database.js';

const TenantRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  group_name: z.string(),
  balance_usd: z.number().nullable(),
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The fields of a tenant the admin API may change. */
export interface TenantChanges {
  name?: string;
  group?: string;
  balanceUsd?: number | null;
}

/** Typed access to `tenants`; the table's trigger NOTIFYs every change. */
export class TenantRepository {
  constructor(private readonly database: Database) {}

  /** Inserts a tenant; undefined when the name is taken. */
  async insert(tenant: {
    id: string;
    name: string;
    group: string;
    balanceUsd: number | null;
  }): Promise<Tenant | undefined> {
    const { rows } = await this.database.query(
      `INSERT INTO tenants (id, name, group_name, balance_usd) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [tenant.id, tenant.name, tenant.group, tenant.balanceUsd],
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
         balance_usd = CASE WHEN $4::boolean THEN $5::double precision ELSE balance_usd END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        changes.name ?? null,
        changes.group ?? null,
        changes.balanceUsd !== undefined,
        changes.balanceUsd ?? null,
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
