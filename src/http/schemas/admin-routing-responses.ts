import { z } from 'zod';

/** Response schemas of `/admin/routing`, provider switches, health checks, audit and alerts. */

const strategy = z.string().meta({ description: 'A routing strategy name (weighted, …)' });

/** The routing configuration every instance obeys (`RoutingSettings`). */
export const RoutingSettingsSchema = z
  .object({
    strategy,
    /** Whether `strategy` was chosen explicitly (else derived: weighted when weights exist). */
    strategy_explicit: z.boolean(),
    /** Global fallback chain, primary first. */
    chain: z.array(z.string()),
    primary: z.string().nullable(),
    weights: z.record(z.string(), z.number()),
    /** Per-model overrides. */
    models: z.record(
      z.string(),
      z.object({
        strategy: strategy.optional(),
        chain: z.array(z.string()).optional(),
        weights: z.record(z.string(), z.number()).optional(),
      }),
    ),
    /** Shares of a model's requests served by another model (model rollouts). */
    model_redirects: z.record(z.string(), z.object({ to: z.string(), weight: z.number() })),
    /** Provider switches from `<ID>_ENABLED` rows (absent: config decides). */
    provider_switches: z.record(z.string(), z.boolean()),
    /** Flags that could not be read (the previous valid value stays in force). */
    errors: z.array(z.object({ key: z.string(), message: z.string() })),
  })
  .meta({ id: 'RoutingSettings' });

/** The settings after an override was removed. */
export const RoutingOverrideRemovedSchema = RoutingSettingsSchema.extend({
  removed: z.boolean(),
});

/** A provider switched on or off. */
export const ProviderSwitchSchema = z.object({ id: z.string(), enabled: z.boolean() });

/** The result of every provider health check. */
export const HealthCheckListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      provider: z.string(),
      ok: z.boolean(),
      latency_ms: z.number(),
      error: z.string().optional(),
      /** Credit state when the provider exposes it. */
      credits: z.object({ remainingUsd: z.number().optional(), exhausted: z.boolean() }).optional(),
    }),
  ),
});

/** A provider's live health (`ProviderHealthView`). */
export const ProviderHealthViewSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number().nullable(),
  error: z.string().nullable(),
  configured: z.boolean(),
  enabled: z.boolean(),
  deprecated: z.boolean(),
  circuit: z.enum(['closed', 'open', 'half_open']),
  credits: z.enum(['ok', 'exhausted', 'unknown']),
  success_rate: z.number().nullable(),
  p95_latency_ms: z.number().nullable(),
  in_flight: z.number(),
  last_check_at: z.string().nullable(),
});

/** Routing metrics per provider over a window. */
export const RoutingMetricsSchema = z.object({
  window_seconds: z.number(),
  model: z.string().nullable(),
  providers: z.array(
    z.object({
      provider: z.string(),
      routed: z.number(),
      /** Share of the routed requests; null when none were routed. */
      share: z.number().nullable(),
      successes: z.number(),
      failures: z.number(),
      failure_rate: z.number().nullable(),
      p50_latency_ms: z.number().nullable(),
      p95_latency_ms: z.number().nullable(),
      cost_usd: z.number(),
      cost_per_output_usd: z.number().nullable(),
      /** Live health of the provider. */
      live: ProviderHealthViewSchema.optional(),
    }),
  ),
});

/** Control-plane changes, newest first. */
export const AuditListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.number(),
      flag_key: z.string(),
      action: z.string(),
      old_value: z.unknown(),
      new_value: z.unknown(),
      actor: z.string(),
      reason: z.string().nullable(),
      /** ISO 8601. */
      changed_at: z.string(),
    }),
  ),
});

/** Recent alerts, newest first. */
export const AlertListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      alert_type: z.string(),
      severity: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
      /** ISO 8601. */
      created_at: z.string(),
      delivery_status: z.string().nullable(),
    }),
  ),
});
