import { z } from 'zod';

/**
 * The one error body every route answers with on a 4xx/5xx (`error-handler.ts` renders it).
 * Registered under an id so `/openapi.json` carries it once, as `#/components/schemas/ErrorEnvelope`,
 * and every operation points at it.
 */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      /** Stable machine code (`invalid_request`, `not_found`, `budget_exceeded`, …). */
      code: z.string(),
      /** Human-readable explanation. */
      message: z.string(),
      /** OpenAI-style class (`invalid_request_error`, `authentication_error`, …) for OpenAI SDKs. */
      type: z.string().optional(),
      /** Extra safe details (invalid fields, limits, ids). */
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'ErrorEnvelope', description: 'The error body of every 4xx/5xx answer.' });
