import { z } from 'zod';

// Minimal, tolerant views of AIMLAPI's JSON (shapes from aimlapi/api-docs; README.md).

/** Error body: `{message, path, requestId, statusCode, timestamp}`; validation errors may carry
 * a list of messages, some gateways an `error` object. */
export const AimlapiErrorBodySchema = z.looseObject({
  message: z.union([z.string(), z.array(z.string())]).nullish(),
  error: z
    .union([z.string(), z.looseObject({ message: z.string().nullish(), code: z.unknown() })])
    .nullish(),
  statusCode: z.union([z.number(), z.string()]).nullish(),
  requestId: z.string().nullish(),
});

const UsageSchema = z
  .looseObject({
    usage: z.looseObject({ credits_used: z.number().nullish() }).nullish(),
  })
  .nullish();

/** `POST /v1/images/generations`: OpenAI-style `data[]` or fal-style `images[]`. */
export const AimlapiImageResponseSchema = z.looseObject({
  id: z.string().nullish(),
  data: z
    .array(z.looseObject({ url: z.string().nullish(), b64_json: z.string().nullish() }))
    .nullish(),
  images: z
    .array(
      z.looseObject({
        url: z.string().nullish(),
        width: z.number().nullish(),
        height: z.number().nullish(),
        content_type: z.string().nullish(),
      }),
    )
    .nullish(),
  meta: UsageSchema,
});
export type AimlapiImageResponse = z.infer<typeof AimlapiImageResponseSchema>;

/** A video generation, as submit and `GET /v2/video/generations?generation_id=` return it. */
export const AimlapiVideoSchema = z.looseObject({
  id: z.string().nullish(),
  /** Older responses name the id `generation_id`. */
  generation_id: z.string().nullish(),
  /** `queued`, `generating`, `completed` or `error` (documented enum). */
  status: z.string().nullish(),
  video: z.looseObject({ url: z.string().nullish(), duration: z.number().nullish() }).nullish(),
  error: z
    .union([
      z.string(),
      z.looseObject({ name: z.string().nullish(), message: z.string().nullish() }),
    ])
    .nullish(),
  meta: UsageSchema,
});
export type AimlapiVideo = z.infer<typeof AimlapiVideoSchema>;

/** `GET /v2/billing`. */
export const AimlapiBillingSchema = z.looseObject({
  current_balance: z.number(),
  currency: z.string().nullish(),
});
