import { z } from 'zod';
import { PriceRuleSchema } from './price-rule.js';
import { GenerationKind, GenerationTask, QualityTier } from './generation-request.js';

const SizeSchema = z.object({
  /** Width in pixels. */
  width: z.number().int().positive(),
  /** Height in pixels. */
  height: z.number().int().positive(),
});
export type Size = z.infer<typeof SizeSchema>;

/**
 * What one model can do on one provider. The gateway validates requests against it before
 * routing, so adapters never have to clamp or drop a parameter.
 */
const ModelCapabilitiesSchema = z
  .object({
    /** Tasks the model serves. */
    tasks: z.array(z.enum(GenerationTask)).min(1),
    /**
     * Exact output sizes accepted. When absent, any size within `sizeRange` is accepted; when both
     * are absent the model picks the size and width/height are rejected.
     */
    sizes: z.array(SizeSchema).optional(),
    /** Free-form size limits (inclusive) with an optional multiple, e.g. 64. */
    sizeRange: z
      .object({
        min: z.number().int().positive(),
        max: z.number().int().positive(),
        multipleOf: z.number().int().positive().optional(),
      })
      .optional(),
    /** Named resolution presets and the pixel size each produces (landscape). */
    resolutions: z.record(z.string(), SizeSchema).optional(),
    /** Resolution used when the request names none. */
    defaultResolution: z.string().optional(),
    /** Aspect ratios accepted (`16:9`, …); absent or empty: the model takes none (sizes only). */
    aspectRatios: z.array(z.string()).optional(),
    /** Video durations: either discrete values or an inclusive range (seconds). */
    durations: z
      .union([
        z.array(z.number().positive()).min(1),
        z.object({
          min: z.number().positive(),
          max: z.number().positive(),
          step: z.number().positive().optional(),
        }),
      ])
      .optional(),
    /** Duration used when the request names none (seconds). */
    defaultDuration: z.number().positive().optional(),
    /** Most outputs one call can return. */
    maxOutputs: z.number().int().positive().default(1),
    /** Whether a seed is honoured. */
    supportsSeed: z.boolean().default(true),
    /** Whether a negative prompt is honoured. */
    supportsNegativePrompt: z.boolean().default(false),
    /** Whether the provider calls back when done (saves polling). */
    supportsWebhook: z.boolean().default(false),
    /** Whether a running job can be cancelled at the provider. */
    supportsCancel: z.boolean().default(false),
    /** Quality tiers honoured (absent: all accepted and passed as a hint). */
    qualityTiers: z.array(z.enum(QualityTier)).optional(),
    /** Style presets honoured (absent: none; a style is then rejected). */
    stylePresets: z.array(z.string()).optional(),
    /** Whether an image-to-image `strength` (how far to move from the input image) is honoured. */
    supportsStrength: z.boolean().default(false),
  })
  // Strict: a typo in an operator's model override must fail start-up, not vanish.
  .strict();
export type ModelCapabilitiesInput = z.input<typeof ModelCapabilitiesSchema>;

/**
 * What one quality tier means on one model offering, as data: the adapter applies the fields its
 * provider has (Runware sends `steps`, OpenAI sends `quality`); `providerModelId` swaps in another
 * variant of the model for that tier.
 */
export const QualityTierSettingsSchema = z
  .object({
    /** Denoising steps sent to the provider (Runware `steps`). */
    steps: z.number().int().positive().optional(),
    /** The provider's own quality value (OpenAI `quality`: `low`, `medium`, `high`, `hd`). */
    quality: z.string().min(1).optional(),
    /** Another model variant served for this tier (a faster or larger sibling). */
    providerModelId: z.string().min(1).optional(),
  })
  .strict();
export type QualityTierSettings = z.infer<typeof QualityTierSettingsSchema>;

/**
 * One model as one provider serves it: the logical catalog key, the provider's own id, what it
 * can do and what it costs.
 */
export const ModelOfferingSchema = z
  .object({
    /** Catalog key clients send (`flux-dev`, `sim-video`, `kling-v2-5-standard`). */
    modelKey: z.string().min(1),
    /** The provider's own model id (`runware:101@1`, `fal-ai/flux/dev`). */
    providerModelId: z.string().min(1),
    /** `image` or `video`. */
    kind: z.enum(GenerationKind),
    /** Display name for listings. */
    displayName: z.string().optional(),
    /** Capabilities. */
    capabilities: ModelCapabilitiesSchema,
    /** Price rule. */
    price: PriceRuleSchema,
    /**
     * What each quality tier does on this offering (steps, variant, provider quality value). A
     * tier listed here is offered; `capabilities.qualityTiers`, when set, must agree.
     */
    qualitySettings: z.partialRecord(z.enum(QualityTier), QualityTierSettingsSchema).optional(),
    /** Relative quality score 0–100 used by the `quality_focused` strategy. */
    qualityScore: z.number().min(0).max(100).default(50),
    /** Marked deprecated by the operator or provider (still served, shown in health). */
    deprecated: z.boolean().default(false),
    /**
     * Retired catalog keys this model succeeds (`gpt-image-1` for `gpt-image-2`): a client that
     * still sends one is served by this model instead of refused, so a provider's shutdown does
     * not break clients that hard-code the old name. A live key of that name always wins.
     */
    replaces: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type ModelOffering = z.infer<typeof ModelOfferingSchema>;
export type ModelOfferingInput = z.input<typeof ModelOfferingSchema>;
