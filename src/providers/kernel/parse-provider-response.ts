import type { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';

/**
 * Parses a provider response body with a (minimal, `.nullish()`-tolerant) zod schema; a shape
 * we cannot read is `provider_bad_response` (retryable), never a crash.
 */
export function parseProviderResponse<Schema extends z.ZodType>(
  providerId: string,
  schema: Schema,
  value: unknown,
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `${providerId} answered with an unexpected shape (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}).`,
      responseBody: JSON.stringify(value)?.slice(0, 2000),
    });
  }
  return parsed.data;
}
