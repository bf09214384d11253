import { z } from 'zod';

/**
 * Response schemas of `/admin/providers` and `/admin/webhook-secret` (admin-provider-routes).
 * They describe what the handlers return; the serializer is plain `JSON.stringify`.
 */

/** One model a provider instance serves, with its capabilities spread in. */
const ProviderCapabilitySchema = z.looseObject({
  model: z.string(),
  provider_model_id: z.string(),
  kind: z.string(),
  deprecated: z.boolean().optional(),
  /** The provider's price for this model (per image, per second, …). */
  price: z.record(z.string(), z.unknown()).optional(),
});

/** A provider instance, as an operator sees it. */
export const AdminProviderSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    enabled: z.boolean(),
    models: z.array(z.string()),
    /** The circuit breaker's state (closed, open, half-open). */
    circuit: z.enum(['closed', 'open', 'half_open']),
    credits: z.enum(['exhausted', 'ok']),
    capabilities: z.array(ProviderCapabilitySchema),
    /** A simulator's runtime profile (drills); absent for real providers. */
    profile: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AdminProvider' });

/** Every provider instance. */
export const AdminProviderListSchema = z.object({
  object: z.literal('list'),
  data: z.array(AdminProviderSchema),
});

/** The secret outbound webhooks are signed with. */
export const WebhookSecretSchema = z.object({
  secret: z.string(),
  scheme: z.literal('standard-webhooks'),
  headers: z.array(z.string()),
});
