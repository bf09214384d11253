import { z } from 'zod';

/** Response schemas of `/admin/offerings` (admin-offering-routes). */

/** An offering routing skips because its provider refused the model. */
export const UnavailableOfferingSchema = z
  .object({
    provider: z.string(),
    /** The catalog model key. */
    model: z.string(),
    /** The model id the provider refused. */
    provider_model_id: z.string(),
    /** The error code that marked it (`provider_model_unavailable`). */
    code: z.string(),
    /** The provider's own words. */
    reason: z.string(),
    /** When it was marked (ISO 8601). */
    since: z.string(),
  })
  .meta({ id: 'UnavailableOffering' });

/** Every offering marked unavailable. */
export const UnavailableOfferingListSchema = z.object({
  object: z.literal('list'),
  data: z.array(UnavailableOfferingSchema),
});

/** An offering routed again. */
export const RestoredOfferingSchema = z.object({
  object: z.literal('offering'),
  provider: z.string(),
  model: z.string(),
  available: z.literal(true),
});
