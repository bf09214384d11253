import { z } from 'zod';

/**
 * The S5 video engine's API (`/api/videos/…`), as its clients send and read it: camelCase
 * fields, its own status words, provider display names. See docs/migrating/s5-video-engine.md.
 */

/** `POST /api/videos/generate`; defaults are the S5 VideoJob schema's. */
export const S5GenerateBodySchema = z
  .object({
    /** What to generate. */
    prompt: z.string().min(1).max(10_000),
    /** A catalog key (`haiper-v2`), a provider's model id, or an S5 model path (`haiper/haiper-video-2`). */
    model: z.string().min(1).max(200),
    /** Seconds of video; the nearest duration the model renders is used (and reported). */
    duration: z.number().positive().max(600).default(10),
    /** Aspect ratio; the nearest one the model renders is used (and reported). */
    aspectRatio: z
      .string()
      .regex(/^\d{1,2}:\d{1,2}$/, 'must look like 16:9')
      .optional(),
    /** The end user (listing with `GET /api/videos/jobs?userId=`, sticky routing). */
    userId: z.string().min(1).max(256).optional(),
  })
  // S5 clients may send fields of their own (a callback, a chat id): they are ignored.
  .loose();
export type S5GenerateBody = z.infer<typeof S5GenerateBodySchema>;

/** The aspect ratio S5 used when a request named none. */
export const s5DefaultAspectRatio = '16:9';

/** S5's status words. */
export const S5Status = {
  queued: 'queued',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
} as const;
export type S5Status = (typeof S5Status)[keyof typeof S5Status];

/** A parameter the route changed to one the model renders. */
const S5WarningSchema = z.object({
  code: z.string(),
  parameter: z.string().optional(),
  message: z.string(),
});

/** The answer to `POST /api/videos/generate`. */
export const S5GenerateAnswerSchema = z.object({
  /** The gateway job id (`gen_…`); poll it at `/api/videos/status/{jobId}`. */
  jobId: z.string(),
  /** The provider's own id, once the provider accepted the job; null while still queued here. */
  providerJobId: z.string().nullable(),
  status: z.enum(S5Status),
  /** Display name of the provider serving the job (`Replicate`). */
  provider: z.string().nullable(),
  /** `free` for the built-in simulator (S5's Mock), `paid` for real providers. */
  tier: z.enum(['paid', 'free']),
  /** Seconds to a result: observed on recent jobs of this model and provider, else 90. */
  estimatedTime: z.number(),
  /** Estimated USD for what will be rendered (the adjusted duration). */
  costUsd: z.number().nullable(),
  /** Seconds that will be rendered. */
  duration: z.number().nullable(),
  /** Aspect ratio that will be rendered (null when the model takes none). */
  aspectRatio: z.string().nullable(),
  /** Parameters changed to what the model renders (`parameter_adjusted`). */
  warnings: z.array(S5WarningSchema),
});
export type S5GenerateAnswer = z.infer<typeof S5GenerateAnswerSchema>;

/** The answer to `GET /api/videos/status/{jobId}`. */
export const S5StatusAnswerSchema = z.object({
  jobId: z.string(),
  status: z.enum(S5Status),
  /** The finished MP4 on this gateway; null until completed. */
  videoUrl: z.string().nullable(),
  provider: z.string().nullable(),
  /** Actual USD once known, else the estimate. */
  costUsd: z.number().nullable(),
  providerJobId: z.string().nullable(),
  duration: z.number().nullable(),
  warnings: z.array(S5WarningSchema),
  /** Why it failed; null otherwise. */
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable(),
});
export type S5StatusAnswer = z.infer<typeof S5StatusAnswerSchema>;

/** One job in `GET /api/videos/jobs`, with the fields of S5's VideoJob record. */
export const S5VideoJobSchema = S5StatusAnswerSchema.extend({
  id: z.string(),
  prompt: z.string(),
  model: z.string(),
  aspectRatio: z.string().nullable(),
  thumbnailUrl: z.null(),
  userId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type S5VideoJob = z.infer<typeof S5VideoJobSchema>;

/** `GET /api/videos/jobs` query. */
export const S5ListQuerySchema = z.object({
  userId: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** `GET /api/videos/jobs` answer, newest first. */
export const S5ListAnswerSchema = z.object({ jobs: z.array(S5VideoJobSchema) });

/**
 * S5's model paths that are not the providers' ids (S5 published its own), mapped to catalog
 * keys. Everything else is resolved as the native API does (catalog key or provider model id).
 */
export const s5ModelPaths: Readonly<Record<string, string>> = {
  'haiper/haiper-video-2': 'haiper-v2',
  'kuaishou/kling-v1-6-pro': 'kling-v1.6-pro',
  'google-deepmind/veo-2': 'veo-2',
  'alibaba:wan-2.6-flash': 'wan-2.6-flash',
  'klingai:kling-v2-5-standard': 'kling-v2-5-standard',
  'google:veo-3-fast': 'veo-3-fast',
};

/** Provider display names per provider type, capitalised as S5 showed them. */
export const s5ProviderNames: Readonly<Record<string, string>> = {
  replicate: 'Replicate',
  runware: 'Runware',
  aimlapi: 'AIMLAPI',
  fal: 'Fal.ai',
  kieai: 'Kie.ai',
  openai: 'OpenAI',
  runway: 'Runway',
  google: 'Google',
  // S5's always-loaded testing provider was "Mock"; the built-in simulator plays that part.
  simulator: 'Mock',
};
