import type { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import type { JsonValue } from '../../core/provider-adapter.js';

/**
 * Reads back the operation handle an adapter stored at submit. One that no longer parses (an
 * adapter upgrade changed its shape) is a `provider_bad_response`, never a crash.
 */
export function parseOperation<Schema extends z.ZodType>(
  providerId: string,
  schema: Schema,
  operation: JsonValue,
): z.infer<Schema> {
  const parsed = schema.safeParse(operation);
  if (!parsed.success) {
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `Unreadable ${providerId} operation.`,
    });
  }
  return parsed.data;
}
