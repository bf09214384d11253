import type { StyledDraft } from '../../jobs/apply-style-preset.js';
import { z } from 'zod';
import { GenerationKind, GenerationTask, QualityTier } from '../../core/generation-request.js';

const aspectRatioPattern = /^\d{1,2}:\d{1,2}$/;

/**
 * An image reference in a request: an http(s) URL, a `data:` URI, or the id of an asset
 * uploaded to this gateway (`asset_…`).
 */
export const ImageReferenceSchema = z
  .string()
  .min(1)
  .max(4_000_000)
  .refine(
    (value) =>
      value.startsWith('asset_') || /^https?:\/\//i.test(value) || value.startsWith('data:image/'),
    { message: 'must be an http(s) URL, a data:image URI or an uploaded asset id (asset_…)' },
  );

/**
 * A generation request, as the native API accepts it (snake_case on the wire). Everything but
 * `prompt` and `model` is optional; `kind` and `task` are inferred when missing.
 */
export const CreateGenerationBodySchema = z
  .object({
    /** `image` or `video`; inferred from `task` or from the model when omitted. */
    kind: z.enum(GenerationKind).optional(),
    /** The task; inferred from `kind` and the presence of input images and a mask. */
    task: z.enum(GenerationTask).optional(),
    /**
     * Catalog key of the model (see `GET /v1/models`); may be left out when `style` names a
     * gateway style preset with a preferred model.
     */
    model: z.string().min(1).max(200).optional(),
    /** What to generate. */
    prompt: z.string().min(1).max(10_000),
    /** What to avoid; rejected for models that do not support it. */
    negative_prompt: z.string().max(10_000).optional(),
    /** Input images: URLs, data URIs or uploaded asset ids. */
    input_images: z.array(ImageReferenceSchema).max(16).optional(),
    /** Inpainting mask (white = repaint), same forms as input images. */
    mask: ImageReferenceSchema.optional(),
    /** Output width in pixels. */
    width: z.number().int().min(64).max(8192).optional(),
    /** Output height in pixels. */
    height: z.number().int().min(64).max(8192).optional(),
    /** Named resolution (`480p`, `720p`, `1080p`, …) when the model has presets. */
    resolution: z
      .string()
      .regex(/^\d{3,4}p$/, 'must look like 720p')
      .optional(),
    /** Aspect ratio such as `16:9`. */
    aspect_ratio: z.string().regex(aspectRatioPattern, 'must look like 16:9').optional(),
    /** Video duration in seconds. */
    duration: z.number().positive().max(600).optional(),
    /** Number of outputs. */
    n: z.number().int().min(1).max(16).optional(),
    /** Seed for reproducible outputs. */
    seed: z.number().int().min(0).max(4_294_967_295).optional(),
    /** Quality tier. */
    quality: z.enum(QualityTier).optional(),
    /**
     * A gateway style preset (`party`, …: template, negative prompt, size, model; see
     * docs/generation-features.md), or a provider's own style the model lists (`vivid`).
     */
    style: z.string().min(1).max(100).optional(),
    /** Rewrite the prompt with a provider's prompt enhancement first (Runware `promptEnhance`). */
    enhance_prompt: z.boolean().optional(),
    /** Image-to-image: 0 keeps the input image, 1 ignores it (models that take it). */
    strength: z.number().min(0).max(1).optional(),
    /** Catalog keys tried, in order, when every provider of `model` failed. */
    fallback_models: z.array(z.string().min(1).max(200)).max(4).optional(),
    /** The end user this generation is for (sticky routing, listing, analytics). */
    user: z.string().min(1).max(256).optional(),
    /** Free-form string metadata returned with the job. */
    metadata: z.record(z.string().max(64), z.string().max(1024)).optional(),
    /** Pin the request to one provider instance id. */
    provider: z.string().min(1).max(100).optional(),
    /** Where to POST the finished job (signed per Standard Webhooks). */
    webhook_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    /** Give up after this many seconds (default from config). */
    timeout_seconds: z.number().int().min(5).max(86_400).optional(),
    /**
     * Whether a job that a provider accepted and then failed may be submitted to another
     * provider (costs may be incurred twice). Default false.
     */
    allow_resubmit: z.boolean().optional(),
  })
  .strict();

export type CreateGenerationBody = z.infer<typeof CreateGenerationBodySchema>;

/** Maps the snake_case wire body to the engine's draft request. */
export function toGenerationDraft(body: CreateGenerationBody): StyledDraft {
  return {
    kind: body.kind,
    task: body.task,
    model: body.model,
    prompt: body.prompt,
    negativePrompt: body.negative_prompt,
    inputImages: body.input_images,
    mask: body.mask,
    width: body.width,
    height: body.height,
    resolution: body.resolution,
    aspectRatio: body.aspect_ratio,
    duration: body.duration,
    n: body.n,
    seed: body.seed,
    quality: body.quality,
    style: body.style,
    enhancePrompt: body.enhance_prompt,
    strength: body.strength,
    fallbackModels: body.fallback_models,
    user: body.user,
    metadata: body.metadata,
    provider: body.provider,
    webhookUrl: body.webhook_url,
    timeoutSeconds: body.timeout_seconds,
    allowResubmit: body.allow_resubmit,
  };
}
