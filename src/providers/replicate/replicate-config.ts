import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** Replicate's HTTP API root; every path the adapter calls lives under it. */
export const replicateDefaultBaseUrl = 'https://api.replicate.com/v1';

/** One `providers[]` entry of type `replicate`. */
export const ReplicateConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('replicate'),
  /**
   * Standard Webhooks secret (`whsec_…`) that signs Replicate's callbacks. When absent it is
   * fetched once from `GET /v1/webhooks/default/secret` and cached in memory.
   */
  webhookSecret: z.string().startsWith('whsec_').optional(),
  /** Largest accepted age (either way) of a webhook's `webhook-timestamp`: the replay window. */
  webhookToleranceSeconds: z.number().int().min(1).max(3600).default(300),
}).strict();

export type ReplicateConfig = z.infer<typeof ReplicateConfigSchema>;
