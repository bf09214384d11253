import { z } from 'zod';

/**
 * Per-instance admission limits (issue 12): how much held work one process takes before it
 * answers 503 `overloaded` with `Retry-After` instead of queueing without bound. Part of
 * `ConfigSchema`.
 */
export const AdmissionConfigSchema = z
  .object({
    /**
     * Clients held open at once waiting for a job (`?wait=`, `Prefer: wait`, OpenAI images,
     * the blocking compatibility routes). Each holds a socket and a subscription.
     */
    maxWaitingClients: z.number().int().min(1).default(1000),
    /** Jobs this process submits inline (for a waiting client) at once. */
    maxInlineSubmissions: z.number().int().min(1).default(256),
    /** `Retry-After` sent with `overloaded`. */
    retryAfterSeconds: z.number().int().min(1).max(600).default(2),
  })
  .strict();
