import { z } from 'zod';

/** Lifecycle states of a Replicate prediction (`aborted`: its deadline passed before it started). */
const ReplicatePredictionStatusSchema = z.enum([
  'starting',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'aborted',
]);

/**
 * The prediction object (create, get, cancel and webhook bodies). Minimal and loose: only the
 * fields the adapter reads; `output` is model-specific (a URL, a list of URLs, …).
 */
export const ReplicatePredictionSchema = z.looseObject({
  id: z.string().min(1),
  model: z.string().nullish(),
  status: ReplicatePredictionStatusSchema,
  input: z.record(z.string(), z.unknown()).nullish(),
  output: z.unknown().nullish(),
  error: z.unknown().nullish(),
  metrics: z.looseObject({ predict_time: z.number().nullish() }).nullish(),
});
export type ReplicatePrediction = z.infer<typeof ReplicatePredictionSchema>;

/** RFC 7807 problem body Replicate answers errors with (`detail` alone on 429s). */
export const ReplicateProblemSchema = z.looseObject({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  status: z.number().nullish(),
});

/** `GET /v1/webhooks/default/secret`. */
export const ReplicateWebhookSecretSchema = z.looseObject({
  key: z.string().startsWith('whsec_'),
});

/** `GET /v1/account` (the health check). */
export const ReplicateAccountSchema = z.looseObject({
  type: z.string().nullish(),
  username: z.string().nullish(),
});
