import { z } from 'zod';

/*
 * Asset storage settings (issue 12 §2): where files live (local disk or an S3-compatible
 * bucket), presigned redirects, health caching, retention and upload quotas. Part of
 * `ConfigSchema`; split out so each config file stays one concept.
 */

/** Where asset bytes live, parsed from `storage.assetStore` / `SWITCHYARD_ASSET_STORE`. */
export type AssetStoreLocation =
  | { kind: 'local' }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix inside the bucket, without leading or trailing slashes; may be empty. */
      prefix: string;
    };

/**
 * Parses `local` (or `file:`/empty: `<dataDir>/assets`) and `s3://bucket/prefix`; a message
 * naming what is accepted for anything else.
 */
export function parseAssetStoreLocation(
  value: string,
): { location: AssetStoreLocation } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'local' || trimmed === 'file:')
    return { location: { kind: 'local' } };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(trimmed);
  if (match?.[1])
    return {
      location: {
        kind: 's3',
        bucket: match[1],
        prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, ''),
      },
    };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  return {
    problem:
      scheme && scheme.toLowerCase() !== 's3'
        ? `unsupported scheme '${scheme}:' (use 'local' or 's3://bucket/prefix')`
        : `'${value}' is not 'local' or 's3://bucket/prefix' (bucket: 3-63 lower-case letters, digits, dots, dashes)`,
  };
}

const S3ConfigSchema = z
  .object({
    /** Custom endpoint (MinIO, s3rver, R2…) (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`). */
    endpoint: z.url().optional(),
    /** Bucket region (`AWS_REGION`, `AWS_DEFAULT_REGION`). */
    region: z.string().min(1).default('us-east-1'),
    /**
     * Path-style URLs (`endpoint/bucket/key`), as MinIO and s3rver need
     * (`SWITCHYARD_S3_PATH_STYLE`); absent: on when `endpoint` is set, off for AWS itself.
     */
    forcePathStyle: z.boolean().optional(),
    /** Static credentials (`AWS_ACCESS_KEY_ID`); absent: the SDK's default chain. */
    accessKeyId: z.string().min(1).optional(),
    /** (`AWS_SECRET_ACCESS_KEY`). */
    secretAccessKey: z.string().min(1).optional(),
    /** (`AWS_SESSION_TOKEN`). */
    sessionToken: z.string().min(1).optional(),
    /**
     * Answer `GET /v1/assets/{id}` (after the auth and tenant checks) with a 302 to a presigned
     * bucket URL instead of relaying the bytes through the gateway.
     */
    presignedRedirects: z.boolean().default(false),
    /** Lifetime of a presigned URL: short, since the URL itself is the credential. */
    presignedExpirySeconds: z.number().int().min(5).max(3600).default(60),
    /** An unreachable store fails a request after this, not after the OS's TCP timeout. */
    connectionTimeoutMs: z.number().int().min(100).default(2000),
    /** A request whose socket stays idle this long fails. */
    requestTimeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict();

const RetentionConfigSchema = z
  .object({
    /** Job outputs older than this many days are deleted (file and row); absent: kept. */
    outputsDays: z.number().positive().optional(),
    /** Uploads (input images) older than this many days are deleted; absent: kept. */
    uploadsDays: z.number().positive().optional(),
    /**
     * Finished jobs older than this many days are deleted with their attempts, webhook
     * deliveries, feedback and outputs; absent: kept.
     */
    jobsDays: z.number().positive().optional(),
    /** How often the sweep runs (on one instance at a time). */
    intervalSeconds: z.number().min(1).default(3600),
    /** Rows deleted per statement, so one sweep never holds a long transaction. */
    batchSize: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();

/** Asset storage. */
export const StorageConfigSchema = z
  .object({
    /**
     * `local` (files under `<dataDir>/assets`) or `s3://bucket/prefix`
     * (`SWITCHYARD_ASSET_STORE`). Instances that share a database must share this store.
     */
    assetStore: z
      .string()
      .default('local')
      .superRefine((value, context) => {
        const parsed = parseAssetStoreLocation(value);
        if ('problem' in parsed) context.addIssue({ code: 'custom', message: parsed.problem });
      }),
    s3: S3ConfigSchema.default(S3ConfigSchema.parse({})),
    /** `/readyz` checks the store at most this often (a bucket HEAD or a disk write probe). */
    healthCacheSeconds: z.number().min(0).default(5),
    /**
     * When a provider's result cannot be stored because the store is down, the job engine
     * looks at the result again (the poll backoff, at most 5 s apart) for this long while the
     * provider still holds it, then fails the job with `storage_unavailable`; sooner when the
     * job's deadline comes first. A result that exists only in a synchronous answer is not
     * fetchable again: that job fails after three quick tries.
     */
    outputRetryWindowSeconds: z.number().min(0).max(86_400).default(300),
    retention: RetentionConfigSchema.default(RetentionConfigSchema.parse({})),
    /**
     * Upload quota per tenant (the open gateway is one caller): bytes of uploads (input
     * images, inline data URIs) accepted in the trailing 24 hours; absent: no quota. Over it,
     * uploads answer 429 `upload_quota_exceeded`.
     */
    uploadBytesPerDay: z.number().int().min(1).optional(),
    /**
     * Free-disk floor in MiB (`SWITCHYARD_MIN_FREE_DISK_MB`) for the local asset directory's
     * file system and PGlite's data directory's: below it, new uploads and new jobs answer 507
     * `storage_full` (`Retry-After: 5`) before anything is written and `/readyz` reports it;
     * running jobs go on. Measured at most once a second; 0 turns it off.
     */
    minFreeDiskMb: z.number().min(0).default(512),
    /**
     * Outputs (and inline `data:` input images) of at most this many bytes are kept in their
     * database row, an output committed with the job's success, instead of the asset store
     * (ADR 0028): a file per tiny output cost more than the rest of a synchronous request. Read,
     * ranged and deleted as any asset; not presigned (the gateway relays them). 0 sends every
     * file to the store (`SWITCHYARD_INLINE_MAX_BYTES`).
     */
    inlineMaxBytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(16 * 1024),
  })
  .strict();

export type StorageConfig = z.infer<typeof StorageConfigSchema>;

/**
 * The storage settings the environment overrides (`SWITCHYARD_ASSET_STORE`, the usual AWS
 * variables, `SWITCHYARD_S3_PATH_STYLE`, `SWITCHYARD_MIN_FREE_DISK_MB`, `SWITCHYARD_INLINE_MAX_BYTES`) on top of the file's `storage`; `fail` stops start-up
 * with a message that names the variable.
 */
export function storageFromEnv(
  env: NodeJS.ProcessEnv,
  fromFile: unknown,
  fail: (message: string) => never,
): Record<string, unknown> | undefined {
  const storage: Record<string, unknown> = { ...(fromFile as Record<string, unknown> | undefined) };
  const s3: Record<string, unknown> = { ...(storage.s3 as Record<string, unknown> | undefined) };
  if (env.SWITCHYARD_ASSET_STORE) {
    const parsed = parseAssetStoreLocation(env.SWITCHYARD_ASSET_STORE);
    if ('problem' in parsed)
      fail(`Invalid configuration:\n  SWITCHYARD_ASSET_STORE: ${parsed.problem}`);
    storage.assetStore = env.SWITCHYARD_ASSET_STORE;
  }
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  if (endpoint) s3.endpoint = endpoint;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) s3.region = region;
  if (env.AWS_ACCESS_KEY_ID) s3.accessKeyId = env.AWS_ACCESS_KEY_ID;
  if (env.AWS_SECRET_ACCESS_KEY) s3.secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (env.AWS_SESSION_TOKEN) s3.sessionToken = env.AWS_SESSION_TOKEN;
  if (env.SWITCHYARD_S3_PATH_STYLE) {
    const value = env.SWITCHYARD_S3_PATH_STYLE.toLowerCase();
    if (!['true', 'false', '1', '0'].includes(value))
      fail(`Invalid configuration:\n  SWITCHYARD_S3_PATH_STYLE: use true or false ('${value}')`);
    s3.forcePathStyle = value === 'true' || value === '1';
  }
  if (env.SWITCHYARD_MIN_FREE_DISK_MB) {
    const value = Number(env.SWITCHYARD_MIN_FREE_DISK_MB);
    if (!Number.isFinite(value) || value < 0)
      fail(
        `Invalid configuration:\n  SWITCHYARD_MIN_FREE_DISK_MB: use a number of MiB, 0 or more ('${env.SWITCHYARD_MIN_FREE_DISK_MB}')`,
      );
    storage.minFreeDiskMb = value;
  }
  if (env.SWITCHYARD_INLINE_MAX_BYTES) {
    const value = Number(env.SWITCHYARD_INLINE_MAX_BYTES);
    if (!Number.isInteger(value) || value < 0 || value > 1024 * 1024)
      fail(
        `Invalid configuration:\n  SWITCHYARD_INLINE_MAX_BYTES: use a whole number of bytes from 0 to 1048576 ('${env.SWITCHYARD_INLINE_MAX_BYTES}')`,
      );
    storage.inlineMaxBytes = value;
  }
  if (Object.keys(s3).length) storage.s3 = s3;
  return Object.keys(storage).length ? storage : undefined;
}
