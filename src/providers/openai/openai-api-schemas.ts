import { z } from 'zod';

// Minimal views of OpenAI's responses: only the fields the adapter reads, everything else
// tolerated (zod strips unknown keys), optional fields `.nullish()`.

/** `{"error": {message, type, param, code}}`, OpenAI's error envelope on every endpoint. */
export const OpenAIErrorBodySchema = z.object({
  error: z.object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.string().nullish(),
  }),
});

/** Token usage GPT image models report (`usage`); DALL·E reports none. */
const OpenAIImageUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  input_tokens_details: z
    .object({ text_tokens: z.number().nullish(), image_tokens: z.number().nullish() })
    .nullish(),
});
export type OpenAIImageUsage = z.infer<typeof OpenAIImageUsageSchema>;

/** `POST /images/generations` and `POST /images/edits` answer. */
export const OpenAIImagesResponseSchema = z.object({
  created: z.number().nullish(),
  data: z.array(
    z.object({
      b64_json: z.string().nullish(),
      url: z.string().nullish(),
      revised_prompt: z.string().nullish(),
    }),
  ),
  /** `png` (default), `jpeg` or `webp` for GPT image models. */
  output_format: z.string().nullish(),
  usage: OpenAIImageUsageSchema.nullish(),
});
export type OpenAIImagesResponse = z.infer<typeof OpenAIImagesResponseSchema>;

/** The video object of `POST /videos` and `GET /videos/{id}`. */
export const OpenAIVideoSchema = z.object({
  id: z.string().min(1),
  /** `queued` → `in_progress` → `completed` | `failed`. */
  status: z.string(),
  /** Approximate completion, 0–100. */
  progress: z.number().nullish(),
  model: z.string().nullish(),
  /** Clip length, a string such as `"8"`. */
  seconds: z.union([z.string(), z.number()]).nullish(),
  /** `1280x720`, … */
  size: z.string().nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
export type OpenAIVideo = z.infer<typeof OpenAIVideoSchema>;

/** What the adapter stores as its operation handle. */
export const OpenAIOperationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    /** OpenAI's `x-request-id`, kept for support requests. */
    requestId: z.string(),
  }),
  z.object({
    kind: z.literal('video'),
    videoId: z.string().regex(/^[A-Za-z0-9_-]+$/),
    seconds: z.number(),
    width: z.number(),
    height: z.number(),
  }),
]);
export type OpenAIOperation = z.infer<typeof OpenAIOperationSchema>;
