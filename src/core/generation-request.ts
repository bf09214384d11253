import { z } from 'zod';

/** What is being generated. */
export const GenerationKind = { image: 'image', video: 'video' } as const;
export type GenerationKind = (typeof GenerationKind)[keyof typeof GenerationKind];

/** The generation task; each belongs to one kind. */
export const GenerationTask = {
  textToImage: 'text-to-image',
  imageToImage: 'image-to-image',
  inpaint: 'inpaint',
  textToVideo: 'text-to-video',
  imageToVideo: 'image-to-video',
} as const;
export type GenerationTask = (typeof GenerationTask)[keyof typeof GenerationTask];

/** Quality tiers a request may ask for; models map them to their own settings. */
export const QualityTier = { fast: 'fast', standard: 'standard', premium: 'premium' } as const;
export type QualityTier = (typeof QualityTier)[keyof typeof QualityTier];

/**
 * A request after defaults and inference: what the job stores, and what the router and the
 * catalog see. Stored as JSON on the job and parsed back with this schema.
 */
export const GenerationRequestSchema = z.object({
  /** `image` or `video`. */
  kind: z.enum(GenerationKind),
  /** The task, always resolved. */
  task: z.enum(GenerationTask),
  /** Catalog key of the model. */
  model: z.string(),
  /** Positive prompt. */
  prompt: z.string(),
  /** Negative prompt, if any. */
  negativePrompt: z.string().optional(),
  /** Input image references (URL, data URI or asset id). */
  inputImages: z.array(z.string()),
  /** Mask reference for inpainting. */
  mask: z.string().optional(),
  /** Requested width in pixels. */
  width: z.number().int().optional(),
  /** Requested height in pixels. */
  height: z.number().int().optional(),
  /** Named resolution preset. */
  resolution: z.string().optional(),
  /** Aspect ratio such as `16:9`. */
  aspectRatio: z.string().optional(),
  /** Video duration in seconds. */
  duration: z.number().optional(),
  /** Number of outputs. */
  n: z.number().int(),
  /** Seed for reproducibility. */
  seed: z.number().int().optional(),
  /** Quality tier. */
  quality: z.enum(QualityTier).optional(),
  /** Style preset. */
  style: z.string().optional(),
  /** End-user id. */
  user: z.string().optional(),
  /** Client metadata. */
  metadata: z.record(z.string(), z.string()).optional(),
  /** Provider pin. */
  provider: z.string().optional(),
  /**
   * Routing group of the caller (its key's, else its tenant's); only channels and providers of
   * that group serve the job. Absent means `default` (open mode, the admin key, older jobs).
   */
  group: z.string().optional(),
  /** Client webhook URL. */
  webhookUrl: z.string().optional(),
  /** Per-job timeout in seconds. */
  timeoutSeconds: z.number().int().optional(),
  /** Allow resubmission to another provider after an accepted attempt failed. */
  allowResubmit: z.boolean(),
});
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;
