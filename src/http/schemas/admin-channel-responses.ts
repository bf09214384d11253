import { z } from 'zod';

/** Response schemas of `/admin/channels` (admin-channel-routes). */

/** A channel: an upstream with its keys (their tails only), models and routing weight. */
export const ChannelSchema = z
  .object({
    id: z.string(),
    object: z.literal('channel'),
    type: z.string(),
    name: z.string(),
    /** Routing groups it serves. */
    groups: z.array(z.string()).readonly(),
    /** Upstream base URL; null means the adapter's default host. */
    base_url: z.string().nullable(),
    /** The last characters of each key, never the keys. */
    keys: z.array(z.string()).readonly(),
    models: z.array(z.string()).readonly(),
    /** Served model → the upstream's own model; null means none. */
    model_mapping: z.record(z.string(), z.string()).readonly().nullable(),
    priority: z.number(),
    weight: z.number(),
    enabled: z.boolean(),
    health: z.object({
      /** Whether this instance has loaded the channel's keys. */
      loaded: z.boolean(),
      keys_available: z.number(),
      keys_set_aside: z.number(),
      error: z.string().optional(),
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Channel' });

/** Every channel. */
export const ChannelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(ChannelSchema),
});

/** The result of a channel's health check. */
export const ChannelTestSchema = z.object({
  object: z.literal('channel_test'),
  channel: z.string(),
  ok: z.boolean(),
  latency_ms: z.number(),
  error: z.string().nullable(),
  /** Credit state when the upstream exposes it. */
  credits: z.object({ remainingUsd: z.number().optional(), exhausted: z.boolean() }).optional(),
});
