import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** Runway's developer API host (not `api.runwayml.com`). */
export const runwayDefaultBaseUrl = 'https://api.dev.runwayml.com';

/** The API version every request names in `X-Runway-Version`. */
const runwayDefaultApiVersion = '2024-11-06';

/** One `providers[]` entry of type `runway`. */
export const RunwayConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('runway'),
  /** `X-Runway-Version` header value. */
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2024-11-06')
    .default(runwayDefaultApiVersion),
  /** USD per Runway credit, to turn the credits a task reports into cost ($0.01 list price). */
  usdPerCredit: z.number().positive().default(0.01),
  /**
   * Shortest gap between two status polls of one task. Runway asks clients not to expect task
   * updates more often than every 5 s; pending answers carry it as `retryAfterMs`.
   */
  minPollIntervalMs: z.number().int().min(0).max(60_000).default(5000),
}).strict();

export type RunwayConfig = z.infer<typeof RunwayConfigSchema>;
