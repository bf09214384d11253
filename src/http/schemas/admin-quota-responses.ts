import { z } from 'zod';
import { UsageFiguresSchema } from './public-responses.js';

/** Response schemas of `/admin/tenants/{id}/balance` and `/admin/usage` (admin-quota-routes). */

/** A tenant's balance after a credit. */
export const TenantBalanceSchema = z
  .object({
    object: z.literal('balance'),
    tenant_id: z.string(),
    balance_usd: z.number(),
    reserved_usd: z.number(),
    /** Balance minus what running jobs hold. */
    available_usd: z.number(),
  })
  .meta({ id: 'TenantBalance' });

/** Spend by tenant, key, model, provider and day (a tenant admin sees its own). */
export const AdminUsageSchema = z.object({
  object: z.literal('usage'),
  data: z.array(
    UsageFiguresSchema.extend({
      day: z.string().nullable().optional(),
      tenant_id: z.string().nullable().optional(),
      api_key_id: z.string().nullable().optional(),
      model: z.string().nullable().optional(),
      /** Null for estimates still held by jobs that have no provider yet. */
      provider: z.string().nullable().optional(),
    }),
  ),
  totals: UsageFiguresSchema,
});
