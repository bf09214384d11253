import { z } from 'zod';

// Minimal, tolerant shapes of fal's queue API (docs.fal.ai/model-apis/model-endpoints/queue):
// only the fields the adapter reads, everything else passes through.

/** Reply to a queue submit (`POST /{owner}/{app}[/{path}]`). */
export const FalSubmitResponseSchema = z.looseObject({
  request_id: z.string().min(1),
  status: z.string().nullish(),
  queue_position: z.number().nullish(),
});

/** Reply to `GET /{owner}/{app}/requests/{id}/status` (202 while queued/running, 200 when done). */
export const FalStatusResponseSchema = z.looseObject({
  status: z.string(),
  queue_position: z.number().nullish(),
  // Newer queue responses carry the failure on the status itself; older ones only on the result.
  error: z.string().nullish(),
  error_type: z.string().nullish(),
  metrics: z.looseObject({ inference_time: z.number().nullish() }).nullish(),
});

/** A file in a model output (`images[]`, `video`). */
const FalFileSchema = z.looseObject({
  url: z.string().min(1),
  content_type: z.string().nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
});

/** The model outputs this adapter understands: FLUX-style images or a Kling-style video. */
export const FalOutputSchema = z.looseObject({
  images: z.array(FalFileSchema).nullish(),
  video: FalFileSchema.nullish(),
  seed: z.number().nullish(),
  has_nsfw_concepts: z.array(z.boolean()).nullish(),
});

/** Error bodies: `{detail: string}` or pydantic's `{detail: [{loc, msg, type}]}`. */
export const FalErrorBodySchema = z.looseObject({
  detail: z
    .union([
      z.string(),
      z.array(z.looseObject({ msg: z.string().nullish(), loc: z.array(z.unknown()).nullish() })),
    ])
    .nullish(),
  error_type: z.string().nullish(),
  status: z.string().nullish(),
});

/** Webhook body fal POSTs to `fal_webhook` (docs: model-endpoints/webhooks). */
export const FalWebhookBodySchema = z.looseObject({
  request_id: z.string().min(1),
  gateway_request_id: z.string().nullish(),
  status: z.enum(['OK', 'ERROR']),
  payload: z.unknown().nullish(),
  error: z.string().nullish(),
  payload_error: z.string().nullish(),
});

/** One key of fal's JWKS (`kty: OKP`, `crv: Ed25519`, `x` base64url). */
export const FalJwksSchema = z.looseObject({
  keys: z.array(
    z.looseObject({ kty: z.string().nullish(), crv: z.string().nullish(), x: z.string() }),
  ),
});
