import { z } from 'zod';

/*
 * Tenancy settings (issue 9): key cache reloads, per-key rate limits, channels and S4's relay
 * routes. Part of `ConfigSchema`; split out so each config file stays one concept.
 */

/** Tenants and API keys (auth mode is on when `adminKey` is set). */
export const TenancyConfigSchema = z
  .object({
    /** Backstop reload of the API key cache when a notification is missed. */
    reloadIntervalSeconds: z.number().min(0.5).default(30),
    /** How often keys' last-used times are written (one statement per flush). */
    lastUsedFlushSeconds: z.number().min(0.1).default(30),
  })
  .strict();

/**
 * Per-key rate limits, shared by every instance: in Redis when `redisUrl` is set, else in
 * PostgreSQL (`rate_limit_counters`). Keys set their own limits; these defaults apply to tenant
 * keys that set none. Open mode and the admin key are never limited.
 */
export const RateLimitsConfigSchema = z
  .object({
    /** Requests per minute of a tenant key without its own `rate_limit_rpm`; absent: none. */
    defaultRequestsPerMinute: z.number().int().min(1).optional(),
    /** Unfinished jobs at once of a tenant key without its own `max_concurrent_jobs`. */
    defaultMaxConcurrentJobs: z.number().int().min(1).optional(),
    /** `Retry-After` (seconds) of a `concurrency_limit` answer. */
    concurrencyRetryAfterSeconds: z.number().int().min(1).default(5),
    /** Prefix of the Redis keys (several gateways, or test runs, may share one Redis). */
    redisNamespace: z.string().min(1).default('switchyard:rate-limit:'),
  })
  .strict();

/** Channels: provider instances created at run time per routing group (issue 9, S4). */
export const ChannelsConfigSchema = z
  .object({
    /** Backstop reload of the channel cache when a notification is missed. */
    reloadIntervalSeconds: z.number().min(0.5).default(30),
    /** How long a key that answered an auth or credit refusal stays out of rotation. */
    keySetAsideSeconds: z.number().min(1).default(600),
  })
  .strict();

/** How a relay puts a channel's key on the upstream call (`Authorization: Bearer <key>`). */
const RelayAuthHeaderSchema = z
  .object({
    /** Header name, lower case. */
    header: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name'),
    /** Text before the key (`Bearer `); empty for a bare key. */
    prefix: z.string().default(''),
  })
  .strict();

/** S4's relay routes: provider-native APIs forwarded to channels. */
export const RelayConfigSchema = z
  .object({
    /** Mount prefix → model (relay family); each serves `<prefix>/v1/*`. */
    routes: z
      .record(z.string().regex(/^\/[\w-]+$/, 'a path prefix like /runway'), z.string().min(1))
      .default({ '/runway': 'runway', '/runwayml': 'runway', '/kling': 'kling', '/pika': 'pika' }),
    /** Channel type → auth header; a type not listed uses `authorization: Bearer <key>`. */
    authHeaders: z
      .record(z.string(), RelayAuthHeaderSchema)
      .default({ runway: { header: 'authorization', prefix: 'Bearer ' } }),
    /**
     * Model → upstream path prefixes of task reads (`/v1/tasks/` for Runway): a GET or DELETE
     * there must name a task this tenant created through the relay, else 404.
     */
    pollPaths: z
      .record(z.string(), z.array(z.string().startsWith('/')))
      .default({ runway: ['/v1/tasks/'], kling: ['/v1/videos/'], pika: ['/v1/generations/'] }),
    /** Channels tried per call before the upstream accepted it (connection error, 5xx, 429). */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Per-attempt upstream timeout. */
    timeoutMs: z.number().int().min(100).default(120_000),
    /** Largest request body relayed (Runway takes images inline as data URIs). */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /**
     * What a tenant pays per task-creating call (a POST) of a relay family, in USD: held from
     * its balance before the call is forwarded, settled when the upstream accepts (2xx),
     * refunded otherwise. A family without a price is not metered.
     */
    prices: z
      .record(z.string(), z.object({ perCallUsd: z.number().min(0).max(1000) }).strict())
      .default({}),
  })
  .strict();
