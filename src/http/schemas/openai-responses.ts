import { z } from 'zod';

/** Response schemas of the OpenAI-compatible routes, in OpenAI's own shapes. */

/** `POST /v1/images/generations`. */
export const OpenAiImagesResponseSchema = z
  .object({
    created: z.number(),
    data: z.array(
      z.object({
        url: z.string().optional(),
        b64_json: z.string().optional(),
        revised_prompt: z.string().nullable(),
      }),
    ),
    size: z.string().optional(),
    /** Not in OpenAI's schema: which job and provider served the call. */
    switchyard: z.object({
      generation_id: z.string(),
      provider: z.string().nullable(),
      cost_usd: z.number().nullable(),
    }),
  })
  .meta({ id: 'OpenAiImagesResponse' });

/** OpenAI's `Video` object. */
export const OpenAiVideoSchema = z
  .object({
    id: z.string(),
    object: z.literal('video'),
    model: z.string(),
    status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
    /** 0–100. */
    progress: z.number(),
    prompt: z.string(),
    seconds: z.string(),
    size: z.string(),
    created_at: z.number(),
    completed_at: z.number().nullable(),
    expires_at: z.number().nullable(),
    remixed_from_video_id: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'OpenAiVideo' });

/** A page of videos (`videos.list`), cursor-paged by id like OpenAI's. */
export const OpenAiVideoListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(OpenAiVideoSchema),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: 'OpenAiVideoList' });

/** `videos.delete`. */
export const OpenAiVideoDeletedSchema = z
  .object({ id: z.string(), object: z.literal('video.deleted'), deleted: z.literal(true) })
  .meta({ id: 'OpenAiVideoDeleted' });
