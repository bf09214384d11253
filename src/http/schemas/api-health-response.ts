import { z } from 'zod';
import { UnavailableOfferingSchema } from './admin-offering-responses.js';
import { ProviderHealthViewSchema } from './admin-routing-responses.js';

/** The response schema of `GET /api/health` (operations-routes). */

/**
 * A provider's health. A known provider type no instance loads (no API key) is listed too, as
 * `configured: false`, without the traffic figures.
 */
export const ApiHealthProviderSchema = ProviderHealthViewSchema.partial({
  success_rate: true,
  p95_latency_ms: true,
  in_flight: true,
  last_check_at: true,
}).extend({
  /** Catalog models its provider refused (present only when there are some). */
  unavailable_models: z.array(z.string()).optional(),
});
export type ApiHealthProvider = z.infer<typeof ApiHealthProviderSchema>;

/** A relay channel: its groups and switch, its keys, and the provider view's verdict. */
export const ApiHealthChannelSchema = z.object({
  name: z.string(),
  type: z.string(),
  groups: z.array(z.string()),
  models: z.array(z.string()),
  enabled: z.boolean(),
  ok: z.boolean(),
  /** What is wrong (`disabled`, `every key is set aside`, the provider's error); null when ok. */
  error: z.string().nullable(),
  keys_available: z.number(),
  keys_set_aside: z.number(),
});
export type ApiHealthChannel = z.infer<typeof ApiHealthChannelSchema>;

/** Per-provider health, circuits, credits, channels and the routing config. */
export const ApiHealthSchema = z.object({
  /** `down`: no provider usable; `degraded`: some, or an offering was refused. */
  status: z.enum(['ok', 'degraded', 'down']),
  /** Keyed by provider instance id (or type, for types not loaded). */
  providers: z.record(z.string(), ApiHealthProviderSchema),
  unavailable_offerings: z.array(UnavailableOfferingSchema),
  /** Keyed by channel id. */
  channels: z.record(z.string(), ApiHealthChannelSchema),
  config: z.object({
    primary: z.string().nullable(),
    strategy: z.string(),
    weights: z.record(z.string(), z.number()),
    chain: z.array(z.string()),
  }),
});
export type ApiHealth = z.infer<typeof ApiHealthSchema>;
