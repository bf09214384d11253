import { z } from 'zod';

/**
 * How a model is priced. Estimates use the request; actual cost prefers the provider's own
 * figure and falls back to the rule applied to what was actually produced.
 */
export const PriceRuleSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('per_image'),
    /** USD per output image. */
    usd: z.number().nonnegative(),
    /** Overrides by `WIDTHxHEIGHT`. */
    bySize: z.record(z.string(), z.number().nonnegative()).optional(),
    /** Overrides by quality tier (`fast`, `standard`, `premium` or a provider quality name). */
    byQuality: z.record(z.string(), z.number().nonnegative()).optional(),
    /** Overrides by quality and size together, keyed `premium:1792x1024`; wins over the others. */
    byQualityAndSize: z.record(z.string(), z.number().nonnegative()).optional(),
  }),
  z.object({
    type: z.literal('per_megapixel'),
    /** USD per output megapixel (2^20 pixels: 1024×1024 is one), rounded up per image. */
    usd: z.number().nonnegative(),
  }),
  z.object({
    type: z.literal('per_second'),
    /** USD per second of output video. */
    usd: z.number().nonnegative(),
    /** Overrides by resolution preset (`480p`, `720p`, `1080p`). */
    byResolution: z.record(z.string(), z.number().nonnegative()).optional(),
  }),
  z.object({
    type: z.literal('per_video'),
    /** USD per output video regardless of length. */
    usd: z.number().nonnegative(),
    /** Overrides by resolution preset. */
    byResolution: z.record(z.string(), z.number().nonnegative()).optional(),
  }),
  z.object({
    type: z.literal('per_compute_second'),
    /** USD per second of provider compute time (Replicate `predict_time`). */
    usd: z.number().nonnegative(),
    /** Compute seconds assumed per output when estimating before the run. */
    estimatedSecondsPerOutput: z.number().positive(),
  }),
]);

export type PriceRule = z.infer<typeof PriceRuleSchema>;
