import { z } from 'zod';
import { AdmissionConfigSchema } from './admission-config-schema.js';
import { StorageConfigSchema } from './storage-config-schema.js';
import { CostAlertsConfigSchema } from './cost-alerts-config.js';
import { RolloutDefaultsSchema } from '../core/rollout-plan.js';
import { StylePresetSchema } from '../core/style-preset.js';
import { TelegramConfigSchema } from './telegram-config-schema.js';
import {
  ChannelsConfigSchema,
  RateLimitsConfigSchema,
  RelayConfigSchema,
  TenancyConfigSchema,
} from './tenancy-config-schema.js';

export { ChannelsConfigSchema, RateLimitsConfigSchema, RelayConfigSchema, TenancyConfigSchema };

/** Identifier of a provider instance: lower case, digits, `-` and `_`. */
export const ProviderIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower case letters, digits, - or _');

/**
 * The part of a provider entry every type shares. Each provider type validates the rest of
 * its entry with its own schema (see `src/providers/registry.ts`).
 */
const ProviderEntrySchema = z
  .object({
    /** Unique instance id (`simulator`, `sim-b`, `runware`). */
    id: ProviderIdSchema,
    /** Provider type (`simulator`, `runware`, `fal`, …). */
    type: z.string().min(1),
  })
  .loose();

const JobsConfigSchema = z
  .object({
    /** Default per-job timeout. */
    defaultTimeoutSeconds: z.number().int().min(5).default(900),
    /** First delay between status polls. */
    pollInitialMs: z.number().int().min(50).default(1000),
    /** Longest delay between status polls (backoff cap). */
    pollMaxMs: z.number().int().min(100).default(30_000),
    /** Longest a single provider call (submit/status) may take. */
    providerCallTimeoutMs: z.number().int().min(100).default(60_000),
    /** Jobs one process works on at once per queue. */
    workerConcurrency: z.number().int().min(1).max(1000).default(32),
    /** Rounds of retrying every candidate when all failed with retryable errors. */
    maxSubmitRounds: z.number().int().min(1).max(20).default(3),
    /** How often idle workers look for new work (pg-boss polling). */
    queuePollingIntervalSeconds: z.number().min(0.5).default(0.5),
    /** A claimed queue job not finished in this time is retried by another worker. */
    leaseSeconds: z.number().int().min(5).default(120),
    /** How often expired leases are released and deadlines enforced. */
    maintenanceIntervalSeconds: z.number().int().min(1).default(30),
  })
  .strict();

const WebhooksConfigSchema = z
  .object({
    /** Standard Webhooks secret (`whsec_…`); generated and stored when absent. */
    secret: z.string().min(16).optional(),
    /** Allow webhook targets on loopback/private networks (tests, trusted LANs). */
    allowPrivateTargets: z.boolean().default(false),
    /** Per-delivery timeout. */
    timeoutMs: z.number().int().min(100).default(10_000),
    /**
     * Delivery retries. pg-boss waits between retryDelay·2^n/2 and retryDelay·2^n before retry n
     * (jitter), so with the 10 s delay 14 retries span at least 45 hours (13 could end at 22.7).
     */
    retryLimit: z.number().int().min(0).max(30).default(14),
    /** Base retry delay in seconds (doubles each retry, with jitter). */
    retryDelaySeconds: z.number().int().min(1).default(10),
    /**
     * Largest provider callback accepted. Callbacks carry ids, statuses and output URLs, never
     * media, so a megabyte is generous; anything above is refused with 413 while it streams in.
     */
    inboundBodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .strict();

const UploadsConfigSchema = z
  .object({
    /** Largest accepted upload. */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(20 * 1024 * 1024),
  })
  .strict();

const DownloadsConfigSchema = z
  .object({
    /** Largest file downloaded from a provider or an input URL. */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(512 * 1024 * 1024),
    /** Per-download timeout. */
    timeoutMs: z.number().int().min(100).default(120_000),
    /**
     * Hosts (`host` or `host:port`) allowed even though they resolve to private or loopback
     * addresses — e.g. a provider fake on 127.0.0.1 in tests. Configured provider base URLs
     * are added automatically.
     */
    allowedPrivateHosts: z.array(z.string()).default([]),
  })
  .strict();

const OpenAiCompatConfigSchema = z
  .object({
    /** Maps OpenAI model names to catalog keys (`{"dall-e-3": "flux-dev"}`). */
    modelAliases: z.record(z.string(), z.string()).default({}),
    /** Model used when an OpenAI-style image request names none. */
    defaultImageModel: z.string().default('sim-image'),
    /** Model used when an OpenAI-style video request names none. */
    defaultVideoModel: z.string().default('sim-video'),
    /** How long the synchronous images route waits for the job. */
    imageWaitSeconds: z.number().int().min(1).max(3600).default(300),
  })
  .strict();

/** Seed system S1's Runware video proxy (`/api/v3/…`, docs/migrating/s1-runware-video-proxy.md). */
const S1CompatConfigSchema = z
  .object({
    /** Catalog key of the video model S1 requests run on (Runware's SeeDance 1.0 Pro Fast). */
    model: z.string().min(1).default('seedance-1-pro-fast'),
    /** How long `POST /api/v3/runware/videos/generations` holds the request for the video. */
    waitSeconds: z.number().int().min(1).max(3600).default(600),
    /**
     * Provider CDN hosts `GET /api/v3/runware/download?url=` may fetch besides the gateway's own
     * assets: `host`, `host:port` or `*.domain` (any subdomain). Empty: own assets only.
     */
    downloadHosts: z
      .array(z.string().regex(/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i))
      .default([]),
    /**
     * Use the body's `api_key` as the Runware key of that request's job (the caller's own
     * account), held in the accepting process's memory only, never stored or logged; the job is
     * pinned to Runware and ends `request_key_unavailable` wherever the key is not (ADR 0009).
     * Off: `api_key` is ignored and the operator's key is used. `SWITCHYARD_S1_ALLOW_REQUEST_API_KEY`.
     */
    allowRequestApiKey: z.boolean().default(false),
  })
  .strict();

/** Seed system S3's image service manager (`/motif/...`, docs/migrating/s3-image-service-manager.md). */
const S3CompatConfigSchema = z
  .object({
    /**
     * Catalog key `/motif` generations use when the style preset names none; absent: the first
     * of `flux-dev` (Runware), `sim-image` and any image model that is loaded.
     */
    model: z.string().min(1).optional(),
    /**
     * Catalog keys tried when every provider of the model failed; absent: Gemini
     * (`gemini-3.1-flash-image`) when a `google` provider is loaded (`GEMINI_API_KEY`).
     */
    fallbackModels: z.array(z.string().min(1)).optional(),
    /** How long the generation routes hold the request for the images. */
    waitSeconds: z.number().int().min(1).max(3600).default(120),
    /** Most images one `generate-batch` request may ask for. */
    maxBatchSize: z.number().int().min(1).max(64).default(8),
    /** Ask for prompt enhancement on `/motif` generations unless the body says otherwise. */
    enhancePrompt: z.boolean().default(false),
  })
  .strict();

/**
 * One compatibility family's keyless calls under auth (docs/tenancy.md, "Keyless compatibility clients"): a
 * call without a key runs as `tenant`, as if it carried a key of that tenant with the scopes
 * generate and read. Anyone who can reach the route spends that tenant's balance.
 */
const KeylessFamilyConfigSchema = z
  .object({
    /** Name (or id) of the tenant keyless calls run as; checked whenever tenants are read. */
    tenant: z.string().min(1),
    /** Requests per minute for all keyless calls of this family together; absent: the default. */
    requestsPerMinute: z.number().int().min(1).optional(),
    /** Unfinished jobs keyless calls of this family may have at once; absent: the default. */
    maxConcurrentJobs: z.number().int().min(1).optional(),
  })
  .strict();

/** The families that may take keyless calls: S1 `/api/v3/`, S3 `/motif/generation/`, S5 `/api/videos/`. */
const KeylessConfigSchema = z
  .object({
    s1: KeylessFamilyConfigSchema.optional(),
    s3: KeylessFamilyConfigSchema.optional(),
    s5: KeylessFamilyConfigSchema.optional(),
  })
  // An unknown family (`s2`, a typo) stops start-up naming the key.
  .strict();

/** Compatibility routes of the seed systems. */
const CompatConfigSchema = z
  .object({
    s1: S1CompatConfigSchema.default(S1CompatConfigSchema.parse({})),
    s3: S3CompatConfigSchema.default(S3CompatConfigSchema.parse({})),
    /** Keyless calls per family when `SWITCHYARD_ADMIN_KEY` is set; none by default. */
    keyless: KeylessConfigSchema.default({}),
  })
  .strict();

export type KeylessFamilyConfig = z.infer<typeof KeylessFamilyConfigSchema>;
export type KeylessFamily = keyof z.infer<typeof KeylessConfigSchema>;

/** Prompt enhancement (`enhance_prompt: true`, docs/generation-features.md). */
const PromptEnhancementConfigSchema = z
  .object({
    /**
     * Provider instance that enhances prompts for every request; absent: the provider routing
     * would try first, when it can (Runware's `promptEnhance`), else none (a warning says so).
     */
    provider: z.string().min(1).optional(),
    /** Longest enhanced prompt asked for (Runware accepts 12–400). */
    maxLength: z.number().int().min(12).max(400).default(300),
    /** Longest the enhancement call may take before the original prompt is used. */
    timeoutMs: z.number().int().min(100).default(15_000),
  })
  .strict();

const strategyNames = [
  'weighted',
  'primary_first',
  'round_robin',
  'least_loaded',
  'cost_optimized',
  'quality_focused',
  'health_based',
] as const;
const RoutingScopeSchema = z
  .object({
    /** Strategy for this scope. */
    strategy: z.enum(strategyNames).optional(),
    /** Provider ids in preference order, primary first. */
    chain: z.array(z.string().min(1)).min(1).optional(),
    /** Relative weights per provider id (used by `weighted`). */
    weights: z.record(z.string(), z.number().min(0)).optional(),
  })
  .strict();

/**
 * Routing defaults. Live changes go to the control plane (feature_flags), which overrides
 * these on every instance.
 */
export const RoutingConfigSchema = RoutingScopeSchema.extend({
  /** Primary provider (moved to the front of the chain). */
  primary: z.string().min(1).optional(),
  /** Per-model overrides keyed by catalog key. */
  models: z.record(z.string(), RoutingScopeSchema).default({}),
  /** Backstop reload of the control plane when a notification is missed. */
  reloadIntervalSeconds: z.number().min(0.5).default(5),
}).strict();

export const HealthConfigSchema = z
  .object({
    /** Active (cheap, non-billable) provider checks; 0 disables them. */
    checkIntervalSeconds: z.number().min(0).default(60),
    /** Window of the passive success-rate and latency figures. */
    windowSeconds: z
      .number()
      .int()
      .min(10)
      .multipleOf(10, 'must be a multiple of 10 (10 s buckets)')
      .default(300),
    /** Circuit breaker per provider. */
    breaker: z
      .object({
        consecutiveFailures: z.number().int().min(1).default(5),
        failureRatio: z.number().gt(0).max(1).default(0.5),
        minimumRequests: z.number().int().min(1).default(10),
        windowSeconds: z.number().min(1).default(60),
        cooldownSeconds: z.number().min(0.1).default(30),
      })
      .strict()
      .default({
        consecutiveFailures: 5,
        failureRatio: 0.5,
        minimumRequests: 10,
        windowSeconds: 60,
        cooldownSeconds: 30,
      }),
  })
  .strict();

const AlertsConfigSchema = z
  .object({
    /** Operator URL that receives alerts (signed per Standard Webhooks). */
    webhookUrl: z.url().optional(),
    /** Allow an alert URL on a private network. */
    allowPrivateTargets: z.boolean().default(false),
  })
  .strict();

const AnalyticsConfigSchema = z
  .object({
    /** Raw routing events are kept this long; per-minute rollups are kept. */
    retentionDays: z.number().min(0.01).default(14),
    /** How often buffered events and rollups are written. */
    flushIntervalMs: z.number().int().min(50).default(1000),
    /**
     * Rollup bucket size. Guardrail windows are measured in whole buckets, so a bucket should be
     * well below the shortest window (tests compress time with 1 s buckets).
     */
    rollupBucketSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict();

const RolloutsConfigSchema = z
  .object({
    /** Run the rollout controller in this instance (one instance holds the lease at a time). */
    enabled: z.boolean().default(true),
    /** How often the controller wakes up; each rollout is evaluated at its own interval. */
    tickSeconds: z.number().min(0.05).default(5),
    /** Lease time-to-live: another instance takes over this long after the holder dies. */
    leaseSeconds: z.number().min(0.5).default(30),
    /** Defaults for new rollouts (stages, guardrails, interval). */
    defaults: RolloutDefaultsSchema.default(RolloutDefaultsSchema.parse({})),
  })
  .strict();

/** The whole configuration, after env and file are merged. */
export const ConfigSchema = z
  .object({
    /** HTTP port (`PORT`). */
    port: z.number().int().min(0).max(65535).default(8787),
    /** Bind address (`HOST`). */
    host: z.string().default('0.0.0.0'),
    /**
     * Time a client has to send a whole request, headers and body: a connection that dribbles
     * its body is closed (408) instead of holding memory and a socket forever. Only the request;
     * a held answer (`?wait=`, S1's blocking route) is not limited by it.
     */
    requestTimeoutSeconds: z.number().min(1).max(3600).default(120),
    /** Public base URL used in asset links and provider callbacks (`SWITCHYARD_PUBLIC_URL`). */
    publicUrl: z.url().optional(),
    /**
     * Whether `X-Forwarded-For/-Host/-Proto` are believed (`SWITCHYARD_TRUST_PROXY`): `true`
     * trusts every peer, a string only the listed addresses or CIDRs (comma-separated). Off by
     * default: any caller could otherwise pick the host of asset links and its own address.
     */
    trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
    /** Embedded data (`SWITCHYARD_DATA_DIR`). */
    dataDir: z.string().default('./data'),
    /** PostgreSQL URL (`DATABASE_URL`); absent means embedded PGlite. */
    databaseUrl: z
      .string()
      .regex(/^(postgres|postgresql|memory):\/\//i, {
        message:
          'expected a postgres:// or postgresql:// URL (or memory:// for a throwaway PGlite)',
      })
      .optional(),
    /** PostgreSQL pool size of the API (requests). */
    databasePoolSize: z.number().int().min(2).max(200).default(20),
    /** PostgreSQL pool size of the job engine (queue, workers, controllers). */
    databaseWorkerPoolSize: z.number().int().min(2).max(200).default(10),
    /**
     * Distinct SQL texts each process runs as named prepared statements on PostgreSQL or PGlite
     * (`SWITCHYARD_DB_PREPARED_STATEMENTS`, ADR 0021); 0 turns them off, as a pooler in
     * transaction mode older than PgBouncer 1.21 needs.
     */
    databasePreparedStatements: z.number().int().min(0).max(10_000).default(500),
    /** Redis URL (`REDIS_URL`) for shared rate limits; absent means PostgreSQL counters. */
    redisUrl: z.string().min(1).optional(),
    /** Admin API key (`SWITCHYARD_ADMIN_KEY`); absent disables `/admin`. */
    adminKey: z.string().min(8).optional(),
    /**
     * Wrong admin keys one caller address may send per minute; beyond it that address gets 429
     * `too_many_auth_failures` with `Retry-After` until the minute ends.
     */
    adminAuthFailuresPerMinute: z.number().int().min(1).max(10_000).default(10),
    /**
     * Server secret (`SWITCHYARD_SECRET_KEY`): API keys are hashed with a key derived from it
     * (generated and stored when absent).
     */
    secretKey: z.string().min(16).optional(),
    /**
     * Run queue workers in this process (`SWITCHYARD_WORKERS`); false makes an API-only node of a
     * split deployment (other instances do the work).
     */
    workers: z.boolean().default(true),
    /** pino level (`LOG_LEVEL`). */
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** Provider instances. */
    providers: z.array(ProviderEntrySchema).optional(),
    jobs: JobsConfigSchema.default(JobsConfigSchema.parse({})),
    webhooks: WebhooksConfigSchema.default(WebhooksConfigSchema.parse({})),
    uploads: UploadsConfigSchema.default(UploadsConfigSchema.parse({})),
    storage: StorageConfigSchema.default(StorageConfigSchema.parse({})),
    downloads: DownloadsConfigSchema.default(DownloadsConfigSchema.parse({})),
    openai: OpenAiCompatConfigSchema.default(OpenAiCompatConfigSchema.parse({})),
    compat: CompatConfigSchema.default(CompatConfigSchema.parse({})),
    /**
     * Gateway style presets by name, added to (or replacing) the built-in ones
     * (`src/core/style-preset.ts`).
     */
    stylePresets: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/), StylePresetSchema)
      .default({}),
    promptEnhancement: PromptEnhancementConfigSchema.default(
      PromptEnhancementConfigSchema.parse({}),
    ),
    routing: RoutingConfigSchema.default(RoutingConfigSchema.parse({})),
    health: HealthConfigSchema.default(HealthConfigSchema.parse({})),
    alerts: AlertsConfigSchema.default(AlertsConfigSchema.parse({})),
    costAlerts: CostAlertsConfigSchema.default(CostAlertsConfigSchema.parse({})),
    analytics: AnalyticsConfigSchema.default(AnalyticsConfigSchema.parse({})),
    rollouts: RolloutsConfigSchema.default(RolloutsConfigSchema.parse({})),
    tenancy: TenancyConfigSchema.default(TenancyConfigSchema.parse({})),
    /** Per-instance limits on held clients and inline submissions (503 `overloaded` beyond). */
    admission: AdmissionConfigSchema.default(AdmissionConfigSchema.parse({})),
    rateLimits: RateLimitsConfigSchema.default(RateLimitsConfigSchema.parse({})),
    channels: ChannelsConfigSchema.default(ChannelsConfigSchema.parse({})),
    relay: RelayConfigSchema.default(RelayConfigSchema.parse({})),
    /** The Telegram bot (`TELEGRAM_BOT_TOKEN`, `TELEGRAM_API_ROOT`). */
    telegram: TelegramConfigSchema.default(TelegramConfigSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type ProviderEntry = z.infer<typeof ProviderEntrySchema>;
