import { z } from 'zod';
import { QualityTier } from '../../core/generation-request.js';

/**
 * Seed system S3's image service manager API (`/motif/…`), as its party-decoration frontend
 * sends and reads it: snake_case fields, `success` flags, the provider named on every image.
 * See docs/migrating/s3-image-service-manager.md.
 */

/** The six routing strategy names S3 offered (`weighted` is Switchyard's own, not S3's). */
export const s3StrategyNames = [
  'primary_first',
  'round_robin',
  'least_loaded',
  'cost_optimized',
  'quality_focused',
  'health_based',
] as const;

/** Fields every `/motif/generation/…` request may carry besides its prompt. */
const GenerationOptionsSchema = z.object({
  /** A gateway style preset (`party`, …) or a provider's own style; see `GET /motif/services/providers`. */
  style: z.string().min(1).max(100).optional(),
  /** The end user (listing, sticky routing, analytics). */
  user_id: z.string().min(1).max(256).optional(),
  /** `fast`, `standard` or `premium`. */
  quality: z.enum(QualityTier).optional(),
  /** A catalog key; default: the style preset's model, else `compat.s3.model`. */
  model: z.string().min(1).max(200).optional(),
  /** Rewrite the prompt with the provider's prompt enhancement (default `compat.s3.enhancePrompt`). */
  enhance_prompt: z.boolean().optional(),
  /** What to avoid; replaces the style preset's negative prompt. */
  negative_prompt: z.string().max(10_000).optional(),
  /** Output size (both or neither); default: the style preset's. */
  width: z.number().int().min(64).max(8192).optional(),
  height: z.number().int().min(64).max(8192).optional(),
  /** Images per generation. */
  num_images: z.number().int().min(1).max(4).optional(),
});

/** `POST /motif/generation/generate-from-prompt`: the seed's `{prompt, style, user_id}` and more. */
export const S3PromptBodySchema = GenerationOptionsSchema.extend({
  /** What to generate. */
  prompt: z.string().min(1).max(10_000),
})
  // The frontend may send fields of its own; they are ignored.
  .loose();
export type S3PromptBody = z.infer<typeof S3PromptBodySchema>;

/**
 * `POST /motif/generation/generate-from-inspiration`: JSON with an image URL (or a data URI or
 * an uploaded asset id), or multipart with a `file` part and these fields.
 */
export const S3InspirationBodySchema = GenerationOptionsSchema.extend({
  /** What to make of the image. */
  prompt: z.string().min(1).max(10_000),
  /** The inspiration image: http(s) URL, `data:image/…` URI or `asset_…` id. */
  image_url: z.string().min(1).max(4_000_000).optional(),
  /** 0 keeps the inspiration image, 1 ignores it. */
  strength: z.coerce.number().min(0).max(1).default(0.7),
}).loose();
export type S3InspirationBody = z.infer<typeof S3InspirationBodySchema>;

/** `POST /motif/generation/generate-batch`: several prompts, or variations of one. */
export const S3BatchBodySchema = GenerationOptionsSchema.extend({
  /** One generation per prompt. */
  prompts: z.array(z.string().min(1).max(10_000)).min(1).max(64).optional(),
  /** With `num_variations`: that many generations of this prompt. */
  prompt: z.string().min(1).max(10_000).optional(),
  /** Generations of `prompt` (different seeds). */
  num_variations: z.number().int().min(1).max(64).optional(),
})
  .loose()
  .refine((body) => body.prompts !== undefined || body.prompt !== undefined, {
    message: 'give prompts, or prompt with num_variations',
    path: ['prompts'],
  });
export type S3BatchBody = z.infer<typeof S3BatchBodySchema>;

/** One image in an answer. */
const S3ImageSchema = z.object({
  /** The image on this gateway. */
  url: z.string(),
  /** Provider instance that generated it. */
  provider: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});

const S3WarningSchema = z.object({
  code: z.string(),
  parameter: z.string().optional(),
  message: z.string(),
});

/** A finished generation. */
export const S3GenerationAnswerSchema = z.object({
  success: z.literal(true),
  status: z.literal('completed'),
  /** The native job id (`gen_…`, also at `GET /v1/generations/{id}`). */
  generation_id: z.string(),
  /** The first image's URL (the seed frontend showed one image). */
  image_url: z.string(),
  images: z.array(S3ImageSchema),
  /** Provider instance that served the generation. */
  provider: z.string().nullable(),
  /** Catalog key of the model that served it (a fallback model when the chain moved on). */
  model: z.string(),
  /** USD: actual when the provider reported it, else the estimate. */
  cost: z.number().nullable(),
  /** What the client sent. */
  prompt: z.string(),
  /** What was sent to the provider (style template and enhancement applied). */
  prompt_used: z.string(),
  /** Whether prompt enhancement rewrote the prompt, and by which provider. */
  prompt_enhanced_by: z.string().nullable(),
  style: z.string().nullable(),
  quality: z.string().nullable(),
  user_id: z.string().nullable(),
  warnings: z.array(S3WarningSchema),
  created_at: z.string(),
});
export type S3GenerationAnswer = z.infer<typeof S3GenerationAnswerSchema>;

/** 202: not finished within `compat.s3.waitSeconds`; the job keeps running. */
export const S3PendingAnswerSchema = z.object({
  success: z.literal(false),
  status: z.literal('processing'),
  generation_id: z.string(),
  /** Poll here (native API) for the result. */
  status_url: z.string(),
  message: z.string(),
});

/** One item of a batch. */
export const S3BatchItemSchema = z.object({
  index: z.number(),
  prompt: z.string(),
  success: z.boolean(),
  status: z.enum(['completed', 'processing', 'failed']),
  generation_id: z.string().nullable(),
  image_url: z.string().nullable(),
  images: z.array(S3ImageSchema),
  provider: z.string().nullable(),
  cost: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type S3BatchItem = z.infer<typeof S3BatchItemSchema>;

/** The answer to a batch: 200 when every item finished, 207 when some did not. */
export const S3BatchAnswerSchema = z.object({
  success: z.boolean(),
  total: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  total_cost: z.number(),
  results: z.array(S3BatchItemSchema),
});

/** `POST /motif/services/routing-strategy`. */
export const S3StrategyBodySchema = z
  .object({
    strategy: z.enum(s3StrategyNames),
    /** Why (kept in the audit log). */
    reason: z.string().max(500).optional(),
  })
  .loose();

/** `POST /motif/services/primary-provider`. */
export const S3PrimaryBodySchema = z
  .object({
    /** A provider instance id; S3's `gemini` means the `google` instance. */
    provider: z.string().min(1).max(100),
    reason: z.string().max(500).optional(),
  })
  .loose();

/** `POST /motif/services/test-generation`. */
export const S3TestGenerationBodySchema = z
  .object({
    /** Provider to test; default: routing decides. */
    provider: z.string().min(1).max(100).optional(),
    prompt: z.string().min(1).max(2000).default('A simple test image: one red balloon'),
    model: z.string().min(1).max(200).optional(),
  })
  .loose();

/** `POST /motif/services/cost-estimate`. */
export const S3CostEstimateBodySchema = GenerationOptionsSchema.extend({
  prompt: z.string().min(1).max(10_000).default('cost estimate'),
  /** Images in total (a batch). */
  num_images: z.number().int().min(1).max(64).default(1),
}).loose();
