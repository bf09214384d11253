import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** Runware's REST task endpoint; every task is a POST of a JSON array to this one URL. */
export const runwareDefaultBaseUrl = 'https://api.runware.ai/v1';

/**
 * A `runware` provider entry. `baseUrl` is the full task endpoint (default
 * `https://api.runware.ai/v1`).
 */
export const RunwareConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('runware'),
  /**
   * Key for the webhook URL tokens. Runware does not sign callbacks, so the adapter puts an
   * HMAC-SHA256 of the task UUID (keyed with this secret) in the `webhookURL` query and checks
   * it on delivery. When absent, each process draws a random key: callbacks for tasks submitted
   * before a restart (or by another gateway instance) are then rejected and polling finishes
   * those jobs. Set it when several instances share one database.
   */
  webhookSecret: z.string().min(16, 'use at least 16 characters').optional(),
}).strict();

export type RunwareConfig = z.infer<typeof RunwareConfigSchema>;
