import { z } from 'zod';

// Minimal, tolerant views of Runware's JSON: every field optional, extra fields kept, so a new
// field on Runware's side never breaks parsing. Shapes: runware.ai/docs/platform/errors,
// /task-polling, /webhooks, /account-management and the official SDK's types (README.md).

/** One entry of an `errors` array (also the `error` object embedded in a failed result). */
const RunwareErrorItemSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  /** A string, or several field names for cross-field rules. */
  parameter: z.union([z.string(), z.array(z.string())]).nullish(),
  taskType: z.string().nullish(),
  taskUUID: z.string().nullish(),
  status: z.string().nullish(),
});
export type RunwareErrorItem = z.infer<typeof RunwareErrorItemSchema>;

/** One entry of a `data` array: an acknowledgement, a `processing` placeholder or a result. */
const RunwareResultItemSchema = z.looseObject({
  taskType: z.string().nullish(),
  taskUUID: z.string().nullish(),
  /** `processing`, `success` or `error` on polls; absent on some finished results. */
  status: z.string().nullish(),
  /** 0–100 while processing. */
  progress: z.number().nullish(),
  imageUUID: z.string().nullish(),
  imageURL: z.string().nullish(),
  imageBase64Data: z.string().nullish(),
  imageDataURI: z.string().nullish(),
  videoUUID: z.string().nullish(),
  videoURL: z.string().nullish(),
  seed: z.number().nullish(),
  /** USD, present when the task asked for `includeCost`. */
  cost: z.number().nullish(),
  NSFWContent: z.boolean().nullish(),
  /** Per-result failure, on items with `status: "error"`. */
  error: RunwareErrorItemSchema.nullish(),
  /** `promptEnhance` results: one enhanced prompt per item. */
  text: z.string().nullish(),
  /** Some failed items carry the error fields inline. */
  code: z.string().nullish(),
  message: z.string().nullish(),
});
export type RunwareResultItem = z.infer<typeof RunwareResultItemSchema>;

/** Every REST answer: `{data}`, `{errors}` or both. */
export const RunwareEnvelopeSchema = z.looseObject({
  data: z.array(RunwareResultItemSchema).nullish(),
  errors: z.array(RunwareErrorItemSchema).nullish(),
});
export type RunwareEnvelope = z.infer<typeof RunwareEnvelopeSchema>;

/** `accountManagement` / `getDetails` result; `balance` is a number in the docs' example and
 * `{amount, currency}` in the SDK's generated types, so both are read. */
export const RunwareAccountItemSchema = z.looseObject({
  taskType: z.string().nullish(),
  organizationName: z.string().nullish(),
  balance: z
    .union([z.number(), z.looseObject({ amount: z.number(), currency: z.string().nullish() })])
    .nullish(),
});

/**
 * A webhook body. Runware POSTs the finished task's result: the flat result object (per
 * Runware's own integration guide), or the same `{data}`/`{errors}` envelope a poll returns.
 * Both are normalised into an envelope.
 */
export function runwareWebhookEnvelope(body: unknown): RunwareEnvelope | undefined {
  const envelope = RunwareEnvelopeSchema.safeParse(body);
  if (envelope.success && (envelope.data.data || envelope.data.errors)) return envelope.data;
  const item = RunwareResultItemSchema.safeParse(body);
  if (!item.success || !item.data.taskUUID) return undefined;
  if (item.data.status === 'error' && !hasOutput(item.data)) {
    return { errors: [{ ...item.data.error, ...pickError(item.data) }] };
  }
  return { data: [item.data] };
}

function hasOutput(item: RunwareResultItem): boolean {
  return Boolean(item.imageURL || item.videoURL || item.imageBase64Data || item.imageDataURI);
}

function pickError(item: RunwareResultItem): RunwareErrorItem {
  return {
    code: item.error?.code ?? item.code,
    message: item.error?.message ?? item.message,
    taskUUID: item.taskUUID,
    taskType: item.taskType,
    status: 'error',
  };
}
