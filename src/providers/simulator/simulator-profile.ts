import { z } from 'zod';
import { ProviderIdSchema } from '../../config/config-schema.js';

/** Failures the simulator can inject, each mapped to the gateway's typed provider errors. */
export const SimulatorFailureKind = z.enum([
  'server_error',
  'timeout',
  'rate_limited',
  'insufficient_credits',
]);
export type SimulatorFailureKind = z.infer<typeof SimulatorFailureKind>;

const SimulatorModelSchema = z.union([
  z.string().min(1),
  z.object({
    /** Catalog key served. */
    key: z.string().min(1),
    /** `image` or `video`. */
    kind: z.enum(['image', 'video']),
    /** Quality score 0–100 for the `quality_focused` strategy. */
    qualityScore: z.number().min(0).max(100).optional(),
  }),
]);

/** The tunable behaviour of one simulator instance; `PATCH /admin/providers/{id}` changes it. */
export const SimulatorProfileSchema = z
  .object({
    /** Completion latency distribution (log-normal fitted to p50 and p95). */
    latencyMs: z
      .object({ p50: z.number().min(0), p95: z.number().min(0) })
      .refine((latency) => latency.p95 >= latency.p50, { message: 'p95 must be >= p50' })
      .default({ p50: 1500, p95: 4000 }),
    /** Share of submissions that fail (0–1). */
    failureRate: z.number().min(0).max(1).default(0),
    /** Failure kinds drawn uniformly when a submission fails. */
    failureKinds: z.array(SimulatorFailureKind).min(1).default(['server_error']),
    /** USD per image. */
    costPerImage: z.number().min(0).default(0.002),
    /** USD per second of video. */
    costPerSecond: z.number().min(0).default(0.01),
    /**
     * Catalog keys served. Plain strings: `sim-image`/`sim-video`, or any key (kind inferred:
     * `video` when the key contains "video"); objects give the kind explicitly.
     */
    models: z.array(SimulatorModelSchema).min(1).default(['sim-image', 'sim-video']),
    /** Default quality score of its models. */
    qualityScore: z.number().min(0).max(100).default(50),
    /** A simulated account balance (USD) its health checks report; absent: none reported. */
    creditUsd: z.number().optional(),
  })
  .strict();
export type SimulatorProfile = z.infer<typeof SimulatorProfileSchema>;

/** A `providers[]` entry of type `simulator`. */
export const SimulatorConfigSchema = SimulatorProfileSchema.extend({
  id: ProviderIdSchema,
  type: z.literal('simulator'),
  /** Whether the instance starts enabled. */
  enabled: z.boolean().default(true),
}).strict();
export type SimulatorConfig = z.infer<typeof SimulatorConfigSchema>;

/** A partial profile for runtime changes; unknown fields are rejected. */
export const SimulatorProfilePatchSchema = z
  .object({
    latencyMs: z.object({ p50: z.number().min(0), p95: z.number().min(0) }).optional(),
    failureRate: z.number().min(0).max(1).optional(),
    failureKinds: z.array(SimulatorFailureKind).min(1).optional(),
    costPerImage: z.number().min(0).optional(),
    costPerSecond: z.number().min(0).optional(),
    qualityScore: z.number().min(0).max(100).optional(),
    creditUsd: z.number().optional(),
  })
  .strict()
  .refine((patch) => !patch.latencyMs || patch.latencyMs.p95 >= patch.latencyMs.p50, {
    message: 'latencyMs.p95 must be >= latencyMs.p50',
    path: ['latencyMs'],
  });
export type SimulatorProfilePatch = z.infer<typeof SimulatorProfilePatchSchema>;
