import { z } from 'zod';
import { parseProviderResponse } from './parse-provider-response.js';

/** Why a webhook body was refused: not JSON at all, or JSON of the wrong shape. */
export type WebhookBodyFailure =
  { reason: 'not_json'; cause: unknown } | { reason: 'invalid_shape'; value: unknown };

/** UTF-8 text → JSON value, as a zod step (a syntax error is an issue, not a throw). */
const JsonTextSchema = z.string().transform((text, context): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    context.issues.push({ code: 'custom', message: (error as Error).message, input: text });
    return z.NEVER;
  }
});

/**
 * Reads an inbound webhook body (after its signature was checked over the raw bytes) with the
 * provider's schema. Without `onInvalid`, a body that is not JSON or not of the schema's shape
 * is `provider_bad_response`, as a response body would be; `onInvalid` returns the provider's
 * own error instead (a 400 or 401-class error), or undefined for that default.
 */
export function parseWebhookBody<Schema extends z.ZodType>(
  providerId: string,
  rawBody: Buffer,
  schema: Schema,
  onInvalid?: (failure: WebhookBodyFailure) => Error | undefined,
): z.infer<Schema> {
  const text = JsonTextSchema.safeParse(rawBody.toString('utf8'));
  const value: unknown = text.success ? text.data : undefined;
  if (!text.success) {
    const custom = onInvalid?.({ reason: 'not_json', cause: text.error });
    if (custom) throw custom;
  } else {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const custom = onInvalid?.({ reason: 'invalid_shape', value });
    if (custom) throw custom;
  }
  return parseProviderResponse(providerId, schema, value);
}
