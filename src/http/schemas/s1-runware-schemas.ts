import { z } from 'zod';

/**
 * Seed system S1's Runware video proxy (`/api/v3/…`), as its clients send and read it. See
 * docs/migrating/s1-runware-video-proxy.md.
 */

/** The resolutions S1 offered (Runware's SeeDance presets). */
export const s1Resolutions = ['480p', '720p', '1080p'] as const;

/** `POST /api/v3/runware/videos/generations`. */
export const S1GenerateBodySchema = z
  .object({
    /**
     * S1 clients sent the Runware key in the body. Ignored (the gateway's configured key is used)
     * unless the operator sets `compat.s1.allowRequestApiKey`: then this request's job runs on
     * it, on Runware only. Never stored or logged either way.
     */
    api_key: z.string().max(500).optional(),
    /** Public http(s) URL of the first frame, or a URL from `POST /api/v3/uploads`. */
    image_url: z.string().min(1).max(4096),
    /** What should happen in the video. */
    prompt: z.string().min(1).max(10_000),
    /** Seconds of video, 1.2 to 12 (SeeDance's range). */
    duration: z.number().min(1.2).max(12),
    resolution: z.enum(s1Resolutions),
  })
  .loose();
export type S1GenerateBody = z.infer<typeof S1GenerateBodySchema>;

/** The answer once the video is done. */
export const S1GenerateAnswerSchema = z.object({
  /** The gateway job id (`gen_…`). */
  id: z.string(),
  status: z.literal('completed'),
  result: z.object({
    /** The finished MP4 on this gateway (`/v1/assets/…`). */
    video_url: z.string(),
  }),
});
export type S1GenerateAnswer = z.infer<typeof S1GenerateAnswerSchema>;

/** The answer to `POST /api/v3/uploads`. */
export const S1UploadAnswerSchema = z.object({
  /** The image on this gateway (`/v1/assets/asset_…`), usable as `image_url`. */
  url: z.string(),
});
