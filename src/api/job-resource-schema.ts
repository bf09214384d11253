import { z } from 'zod';
import { AttemptStatus, JobStatus } from '../core/job.js';
import { GenerationKind, GenerationTask, QualityTier } from '../core/generation-request.js';

const ErrorSchema = z.object({
  /** Stable machine code. */
  code: z.string(),
  /** Human message. */
  message: z.string(),
  /** Extra safe details. */
  details: z.record(z.string(), z.unknown()).optional(),
});

const OutputSchema = z.object({
  /** Where the file is served (`/v1/assets/{asset_id}` on the gateway). */
  url: z.string(),
  /** The stored asset's id. */
  asset_id: z.string(),
  /** MIME type, sniffed from the bytes. */
  mime_type: z.string(),
  /** Size in bytes. */
  bytes: z.number(),
  /** Pixel width, when known. */
  width: z.number().nullable(),
  /** Pixel height, when known. */
  height: z.number().nullable(),
  /** Video duration in seconds, when known. */
  duration: z.number().nullable(),
});

const AttemptSchema = z.object({
  /** Attempt id (also the idempotency key sent to providers that accept one). */
  id: z.string(),
  /** Provider instance id. */
  provider: z.string(),
  /** The provider's model id. */
  provider_model_id: z.string(),
  /** The provider's job id, once accepted. */
  provider_job_id: z.string().nullable(),
  /** Attempt state. */
  status: z.enum(AttemptStatus),
  /** ISO time the submission started. */
  started_at: z.string(),
  /** ISO time it ended, if it has. */
  ended_at: z.string().nullable(),
  /** Why it failed, if it did. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Cost in USD, when known. */
  cost_usd: z.number().nullable(),
});

const DeliverySchema = z.object({
  /** Delivery attempt number, from 1. */
  attempt: z.number(),
  /** ISO time it was tried. */
  at: z.string(),
  /** HTTP status the receiver answered, if any. */
  status_code: z.number().nullable(),
  /** Error text when it failed before a response. */
  error: z.string().nullable(),
  /** Whether it counted as delivered (2xx). */
  ok: z.boolean(),
  /** Round trip in milliseconds. */
  duration_ms: z.number(),
});

/**
 * The public JSON of a job, as the native API answers it, outbound webhooks carry it and the
 * CLI reads it. `toJobResource` (`job-resource.ts`) produces exactly this; a test checks it.
 */
export const JobResourceSchema = z.object({
  /** Job id (`gen_…`). */
  id: z.string(),
  /** Always `generation`. */
  object: z.literal('generation'),
  /** Lifecycle state. */
  status: z.enum(JobStatus),
  /** `image` or `video`. */
  kind: z.enum(GenerationKind),
  /** The resolved task. */
  task: z.enum(GenerationTask),
  /** Catalog key of the model. */
  model: z.string(),
  /** Provider instance serving (or that served) the job. */
  provider: z.string().nullable(),
  /** The prompt sent to the provider (after a style preset's template and enhancement). */
  prompt: z.string(),
  /** The prompt the client sent, when the gateway changed it; null otherwise. */
  original_prompt: z.string().nullable(),
  /** Provider whose prompt enhancement wrote `prompt`; null when none did. */
  prompt_enhanced_by: z.string().nullable(),
  /** End-user id, when given. */
  user: z.string().nullable(),
  /** Client metadata (string values). */
  metadata: z.record(z.string(), z.string()),
  /** The normalised request's other parameters (absent ones omitted). */
  request: z.object({
    negative_prompt: z.string().optional(),
    input_images: z.array(z.string()).optional(),
    mask: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    resolution: z.string().optional(),
    aspect_ratio: z.string().optional(),
    duration: z.number().optional(),
    n: z.number(),
    seed: z.number().optional(),
    quality: z.enum(QualityTier).optional(),
    style: z.string().optional(),
    style_preset: z.string().optional(),
    strength: z.number().optional(),
    enhance_prompt: z.boolean().optional(),
    fallback_models: z.array(z.string()).optional(),
    /** The model the client asked for, when a model rollout served the job with `model`. */
    requested_model: z.string().optional(),
    provider: z.string().optional(),
    timeout_seconds: z.number().optional(),
    allow_resubmit: z.boolean(),
  }),
  /** Provider progress 0–1 while running, when reported. */
  progress: z.number().nullable(),
  /** Stored files. */
  outputs: z.array(OutputSchema),
  /** Estimated and actual cost in USD. */
  cost: z.object({ estimated_usd: z.number().nullable(), actual_usd: z.number().nullable() }),
  /** Terminal error. */
  error: ErrorSchema.nullable(),
  /** Parameters a provider adjusted or ignored. */
  warnings: z.array(
    z.object({ code: z.string(), parameter: z.string().optional(), message: z.string() }),
  ),
  /** Every submission, in order. */
  attempts: z.array(AttemptSchema),
  /** Outbound webhook state, when the job named one. */
  webhook: z
    .object({
      url: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      deliveries: z.array(DeliverySchema),
    })
    .nullable(),
  /** The job this one regenerates, if any. */
  regenerated_from: z.string().nullable(),
  /** ISO timestamps. */
  created_at: z.string(),
  updated_at: z.string(),
  submitted_at: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  deadline_at: z.string(),
});

/** The public JSON of a job. */
export type JobResource = z.infer<typeof JobResourceSchema>;
