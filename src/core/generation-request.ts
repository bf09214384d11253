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
  /** A provider's own style preset (OpenAI `vivid`), checked against the model's capabilities. */
  style: z.string().optional(),
  /**
   * The gateway style preset applied (config `stylePresets`): its template, negative prompt,
   * size and model are already folded into the other fields.
   */
  stylePreset: z.string().optional(),
  /** Image-to-image: how far to move from the input image, 0 (keep) to 1 (ignore it). */
  strength: z.number().min(0).max(1).optional(),
  /**
   * Catalog keys tried after every provider of `model` failed, in order (S3's Gemini fallback:
   * another model on another provider); each is checked against its own capabilities.
   */
  fallbackModels: z.array(z.string()).optional(),
  /**
   * The model the client asked for, when a model rollout sent the request to `model` instead:
   * `model` is the one that served it (and the one analytics and costs are counted under).
   */
  requestedModel: z.string().optional(),
  /** The prompt the client sent, when the gateway changed it (preset template, enhancement). */
  originalPrompt: z.string().optional(),
  /** Whether the client asked for prompt enhancement. */
  enhancePrompt: z.boolean().optional(),
  /** Provider instance whose prompt enhancement produced `prompt`, when one did. */
  promptEnhancedBy: z.string().optional(),
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
  /**
   * The caller brought its own provider API key for this job (S1's `api_key`). The key itself is
   * never stored: only the process that accepted the job holds it, in memory, so only that
   * process may call the provider for it; anywhere else the job ends `request_key_unavailable`.
   */
  callerKey: z.boolean().optional(),
  /**
   * This job is a shadow copy (a rollout's shadow stage): made from the client job `of` for
   * rollout `rolloutId`, pinned to its canary, never shown, answered or charged to any client.
   */
  shadow: z
    .object({
      /** The client job this one copies. */
      of: z.string(),
      /** The rollout whose shadow stage made it. */
      rolloutId: z.string(),
    })
    .optional(),
});
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;
