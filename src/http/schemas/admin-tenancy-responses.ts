import { z } from 'zod';
import { ApiKeyScope } from '../../core/tenancy.js';

/** Response schemas of `/admin/tenants` and `/admin/keys` (admin-tenancy-routes). */

const budgetLimits = z.object({ soft_usd: z.number().nullable(), hard_usd: z.number().nullable() });

/** A tenant. */
export const TenantSchema = z
  .object({
    id: z.string(),
    object: z.literal('tenant'),
    name: z.string(),
    group: z.string(),
    /** Null: no balance kept (unlimited). */
    balance_usd: z.number().nullable(),
    reserved_usd: z.number(),
    budgets: z.object({ day: budgetLimits, month: budgetLimits }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Tenant' });

/** Every tenant. */
export const TenantListSchema = z.object({
  object: z.literal('list'),
  data: z.array(TenantSchema),
});

/** An API key (its prefix, never the key). */
export const ApiKeySchema = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    tenant_id: z.string(),
    name: z.string().nullable(),
    prefix: z.string(),
    /** Group override; null means the tenant's group. */
    group: z.string().nullable(),
    scopes: z.array(z.enum(ApiKeyScope)),
    /** Catalog models the key may use; null means any. */
    models: z.array(z.string()).nullable(),
    /** Addresses or CIDR ranges the key may be used from; null means anywhere. */
    allowed_ips: z.array(z.string()).nullable(),
    rate_limit_rpm: z.number().nullable(),
    max_concurrent_jobs: z.number().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'ApiKey' });

/** A key just created: with its plaintext, shown in this answer only. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() }).meta({
  id: 'CreatedApiKey',
});

/** API keys. */
export const ApiKeyListSchema = z.object({
  object: z.literal('list'),
  data: z.array(ApiKeySchema),
});
