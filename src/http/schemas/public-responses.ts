import { z } from 'zod';
import { JobResourceSchema } from '../../api/job-resource-schema.js';

/**
 * Response schemas of the client-facing routes, as `/openapi.json` documents them (the
 * serializer is plain `JSON.stringify`: these describe, they do not filter). Those with an id
 * become shared components that generated clients name.
 */

/** A generation job (`toJobResource`). */
export const GenerationSchema = JobResourceSchema.meta({ id: 'Generation' });

/** A page of jobs, newest first. */
export const GenerationListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(GenerationSchema),
    /** Pass as `cursor` for the next page; null on the last one. */
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: 'GenerationList' });

/** A stored upload. */
export const AssetSchema = z
  .object({
    id: z.string(),
    object: z.literal('asset'),
    /** Where it is served (`/v1/assets/{id}`). */
    url: z.string(),
    mime_type: z.string(),
    bytes: z.number(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'Asset' });

/** The bytes of an asset or video, whole (200) or a range (206). */
export function binaryResponse(description: string, mimeTypes: readonly string[]) {
  const schema = z.string().meta({ format: 'binary' });
  return {
    description,
    content: Object.fromEntries(mimeTypes.map((type) => [type, { schema }])),
  };
}

const OfferingSchema = z.object({
  provider: z.string(),
  provider_model_id: z.string(),
  enabled: z.boolean(),
  /** False when the provider is switched off or refused the model (see `unavailable`). */
  available: z.boolean(),
  /** Why the provider no longer serves this model, until an operator restores it. */
  unavailable: z.object({ code: z.string(), reason: z.string(), since: z.string() }).nullable(),
  deprecated: z.boolean().optional(),
  quality_score: z.number().optional(),
  /** The provider's price for this model (per image, per second, …). */
  price: z.record(z.string(), z.unknown()).optional(),
  /** What the model accepts (sizes, durations, tasks). */
  capabilities: z.record(z.string(), z.unknown()),
});

/** The model catalog. */
export const ModelListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        id: z.string(),
        object: z.literal('model'),
        kind: z.string(),
        display_name: z.string(),
        providers: z.array(OfferingSchema),
      }),
    ),
  })
  .meta({ id: 'ModelList' });

/** A cost estimate on each capable provider. */
export const EstimateSchema = z
  .object({
    object: z.literal('estimate'),
    model: z.string(),
    currency: z.literal('USD'),
    providers: z.array(
      z.object({
        provider: z.string(),
        provider_model_id: z.string(),
        estimated_usd: z.number().nullable(),
      }),
    ),
    unavailable: z.array(
      z.object({ provider: z.string(), reason: z.string(), message: z.string().optional() }),
    ),
  })
  .meta({ id: 'Estimate' });

/** The calling key as the gateway sees it. */
export const CallerSchema = z
  .object({
    object: z.literal('caller'),
    kind: z.enum(['open', 'admin', 'tenant', 'keyless', 'anonymous']),
    tenant_id: z.string().optional(),
    key_id: z.string().optional(),
    prefix: z.string().optional(),
    group: z.string().nullable().optional(),
    scopes: z.array(z.string()).optional(),
    models: z.array(z.string()).nullable().optional(),
    rate_limit_rpm: z.number().nullable().optional(),
    max_concurrent_jobs: z.number().nullable().optional(),
    expires_at: z.string().nullable().optional(),
  })
  .meta({ id: 'Caller' });

/** A rating stored for a generation. */
export const FeedbackSchema = z
  .object({
    id: z.string(),
    object: z.literal('feedback'),
    generation_id: z.string(),
    rating: z.number(),
    comment: z.string().nullable(),
  })
  .meta({ id: 'Feedback' });

export const UsageFiguresSchema = z.object({
  settled_jobs: z.number(),
  spend_usd: z.number(),
  refunded_jobs: z.number(),
  reserved_usd: z.number(),
});

/** The caller's spend by day and model. */
export const UsageSchema = z
  .object({
    object: z.literal('usage'),
    tenant_id: z.string().nullable(),
    balance_usd: z.number().nullable(),
    reserved_usd: z.number().nullable(),
    data: z.array(
      UsageFiguresSchema.extend({
        day: z.string().nullable().optional(),
        model: z.string().nullable().optional(),
      }).loose(),
    ),
    totals: UsageFiguresSchema,
  })
  .meta({ id: 'Usage' });

/** Liveness. */
export const LivenessSchema = z.object({ ok: z.literal(true) });

/** Readiness: whether the database answers and the workers run. */
export const ReadinessSchema = z.looseObject({ ok: z.boolean() });

/** A provider callback, taken. */
export const WebhookReceivedSchema = z.object({ received: z.literal(true), matched: z.boolean() });
