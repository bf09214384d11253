import { z } from 'zod';
import { GenerationTask, QualityTier } from '../../core/generation-request.js';
import { QualityTierSettingsSchema } from '../../core/model-capabilities.js';
import { PriceRuleSchema } from '../../core/price-rule.js';
import { StrategyName } from '../../core/strategy-name.js';
import { S3GenerationAnswerSchema } from './s3-motif-schemas.js';

/**
 * Response schemas of seed system S3's service management API (`/motif/services/…`), the
 * snake_case answers its admin tools read. They describe what the handlers return; the
 * serializer is plain `JSON.stringify`, so a field missing here would still be sent.
 */

/** The routing every answer that changes or reloads it repeats. */
const S3RoutingViewSchema = z.object({
  /** The strategy in force (S3's six names, or Switchyard's `weighted`). */
  routing_strategy: z.enum(StrategyName),
  /** First provider of the chain; null when the chain is empty. */
  primary_provider: z.string().nullable(),
  /** The chain after the primary, in order. */
  fallback_providers: z.array(z.string()),
  /** Catalog key `/motif` generations use when the body and style name none. */
  default_model: z.string().nullable(),
  /** Models tried after the default one (Gemini, as S3 fell back to it). */
  fallback_models: z.array(z.string()),
});

/** One provider instance as S3's status page showed it: switch, health, circuit, load. */
export const S3ProviderStatusSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    enabled: z.boolean(),
    /** The last health check passed. */
    healthy: z.boolean(),
    circuit: z.enum(['closed', 'open', 'half_open']),
    credits: z.enum(['ok', 'exhausted', 'unknown']),
    /** The last check's error, if it failed. */
    error: z.string().nullable(),
    /** Rolling share of successful generations; null before any. */
    success_rate: z.number().nullable(),
    p95_latency_ms: z.number().nullable(),
    /** Generations running on it now (every instance). */
    in_flight: z.number(),
    /** ISO 8601; null before the first check. */
    last_check_at: z.string().nullable(),
  })
  .meta({ id: 'S3ProviderStatus' });

const providerStatuses = z.record(z.string(), S3ProviderStatusSchema);

/** `GET /motif/services/status`. */
export const S3ServiceStatusSchema = z.object({
  /** `healthy`: every provider passed its check; `degraded`: some; `unhealthy`: none. */
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  healthy_providers: z.number(),
  total_providers: z.number(),
  ...S3RoutingViewSchema.shape,
  /** Seconds between background health checks (S3's `SERVICE_HEALTH_CHECK_INTERVAL`). */
  health_check_interval_seconds: z.number(),
  /** Keyed by provider instance id. */
  providers: providerStatuses,
  /** ISO 8601. */
  timestamp: z.string(),
});
export type S3ServiceStatus = z.infer<typeof S3ServiceStatusSchema>;

/** `POST /motif/services/routing-strategy`: the routing after the change. */
export const S3StrategyChangedSchema = z.object({
  success: z.literal(true),
  previous_strategy: z.enum(StrategyName),
  ...S3RoutingViewSchema.shape,
  message: z.string(),
});

/** `POST /motif/services/primary-provider`: the routing after the change. */
export const S3PrimaryChangedSchema = z.object({
  success: z.literal(true),
  ...S3RoutingViewSchema.shape,
  message: z.string(),
});

/** One image model a provider serves, with what S3's capability list showed. */
const S3ProviderModelSchema = z.object({
  /** Catalog key. */
  model: z.string(),
  provider_model_id: z.string(),
  display_name: z.string(),
  tasks: z.array(z.enum(GenerationTask)),
  quality_tiers: z.array(z.enum(QualityTier)),
  /** What each tier does on this model (steps, variant, provider quality value). */
  quality_settings: z.partialRecord(z.enum(QualityTier), QualityTierSettingsSchema),
  /** Most images one request can ask for. */
  max_images: z.number(),
  /** Empty: the model takes pixel sizes only. */
  aspect_ratios: z.array(z.string()),
  supports_strength: z.boolean(),
  supports_negative_prompt: z.boolean(),
  price: PriceRuleSchema,
  /** 0–100, used by `quality_focused`. */
  quality_score: z.number(),
  deprecated: z.boolean(),
});

/** `GET /motif/services/providers`: capabilities of every provider, and the style presets. */
export const S3ProviderCapabilitiesSchema = z.object({
  providers: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      enabled: z.boolean(),
      /** Whether the provider can rewrite prompts (`enhance_prompt`). */
      prompt_enhancement: z.boolean(),
      models: z.array(S3ProviderModelSchema),
    }),
  ),
  /** Keyed by preset name (`party`, `birthday`, …). */
  style_presets: z.record(
    z.string(),
    z.object({
      description: z.string().nullable(),
      model: z.string().nullable(),
      aspect_ratio: z.string().nullable(),
      size: z.object({ width: z.number(), height: z.number() }).nullable(),
      quality: z.enum(QualityTier).nullable(),
    }),
  ),
});

/** An error as stored on a job. */
const S3JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** `POST /motif/services/test-generation`: how one test image went. */
export const S3TestGenerationSchema = z.object({
  success: z.boolean(),
  /** `processing`: still running when the test stopped waiting. */
  status: z.enum(['completed', 'failed', 'processing']),
  /** The provider that served it; null when none did. */
  provider: z.string().nullable(),
  generation_id: z.string(),
  response_time_ms: z.number(),
  /** The generation, as `/motif/generation/…` answers it; null unless it succeeded. */
  result: S3GenerationAnswerSchema.nullable(),
  error: S3JobErrorSchema.nullable(),
});
export type S3TestGeneration = z.infer<typeof S3TestGenerationSchema>;

/** The estimate on one provider. */
const S3CostEstimateEntrySchema = z.object({
  provider: z.string(),
  model: z.string(),
  provider_model_id: z.string(),
  /** USD; null when the price depends on what the provider reports afterwards. */
  cost_per_image: z.number().nullable(),
  /** USD for every image asked for. */
  estimated_cost: z.number().nullable(),
});

/** `POST /motif/services/cost-estimate`. */
export const S3CostEstimateSchema = z.object({
  model: z.string(),
  num_images: z.number(),
  quality: z.enum(QualityTier).nullable(),
  currency: z.literal('USD'),
  /** The provider routing would pick now. */
  routed_provider: z.string().nullable(),
  /** USD on the routed provider. */
  estimated_cost: z.number().nullable(),
  cheapest: S3CostEstimateEntrySchema.nullable(),
  /** Every provider that can serve the request, in routing order. */
  estimates: z.array(S3CostEstimateEntrySchema),
  /** Providers that cannot, and why. */
  unavailable: z.array(
    z.object({
      providerId: z.string(),
      /** Stable reason code (`provider_disabled`, `unsupported_parameter`, `circuit_open`, …). */
      reason: z.string(),
      message: z.string(),
      /** The fallback model the refusal is about (absent: the request's own). */
      model: z.string().optional(),
    }),
  ),
});

/** One provider's check result. */
const S3CheckResultSchema = z.object({
  healthy: z.boolean(),
  latency_ms: z.number(),
  error: z.string().nullable(),
});

/** `POST /motif/services/health-check`: every check's result, then the providers' state. */
export const S3HealthCheckSchema = z.object({
  /** ISO 8601. */
  checked_at: z.string(),
  results: z.record(
    z.string(),
    S3CheckResultSchema.extend({
      /** Credit state when the provider exposes it. */
      credits: z.object({ remainingUsd: z.number().optional(), exhausted: z.boolean() }).nullable(),
    }),
  ),
  providers: providerStatuses,
});

/** `GET /motif/services/metrics`: response times and success rates per provider. */
export const S3ServiceMetricsSchema = z.object({
  window_seconds: z.number(),
  providers: z.record(
    z.string(),
    z.object({
      total_requests: z.number(),
      successful_requests: z.number(),
      failed_requests: z.number(),
      /** Null when nothing finished in the window. */
      success_rate: z.number().nullable(),
      p50_response_time_ms: z.number().nullable(),
      p95_response_time_ms: z.number().nullable(),
      total_cost_usd: z.number(),
      cost_per_image_usd: z.number().nullable(),
      /** This instance's rolling view, now. */
      live: z.object({
        success_rate: z.number().nullable(),
        p95_latency_ms: z.number().nullable(),
        in_flight: z.number(),
      }),
    }),
  ),
});

/** `POST /motif/services/reinitialize`: the reloaded routing, fresh checks, providers' state. */
export const S3ReinitializedSchema = z.object({
  success: z.literal(true),
  /** ISO 8601. */
  reinitialized_at: z.string(),
  ...S3RoutingViewSchema.shape,
  results: z.record(z.string(), S3CheckResultSchema),
  providers: providerStatuses,
});
