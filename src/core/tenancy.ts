/** What a tenant's API key may do. `admin` is recorded but grants nothing extra yet. */
export const ApiKeyScope = {
  /** Create jobs and uploads, cancel, regenerate, rate. */
  generate: 'generate',
  /** Read jobs, assets, models and estimates. */
  read: 'read',
  /** Reserved for tenant self-administration (not honoured by `/admin` in this release). */
  admin: 'admin',
} as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];

/** A customer of the gateway: owns API keys, jobs, uploads and outputs. */
export interface Tenant {
  /** `tenant_…`. */
  id: string;
  /** Unique, human-chosen name (`acme`). */
  name: string;
  /** Routing group of its keys (default `default`); a key may override it. */
  group: string;
  /** Balance in USD, stored for the quota work to come; not enforced yet. */
  balanceUsd: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An API key as stored: never the plaintext, only its keyed hash. */
export interface ApiKey {
  /** `key_…`; the id used by the admin API and the CLI. */
  id: string;
  tenantId: string;
  /** Free-form label. */
  name: string | null;
  /** The visible start of the key (`sy-AbCd1234`), for recognising it in lists. */
  prefix: string;
  /** HMAC-SHA256 of the plaintext, hex, keyed with the server's key-hashing secret. */
  keyHash: string;
  /** Group override; null means the tenant's group. */
  group: string | null;
  scopes: ApiKeyScope[];
  /** Catalog models the key may use; null means any. */
  models: string[] | null;
  /** IP addresses or CIDR ranges the key may be used from; null means anywhere. */
  allowedIps: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Whose resources a caller may see and use. Every field absent means everything: the admin
 * key, or an open (single-tenant) gateway.
 */
export interface Access {
  /** Only this tenant's jobs, uploads and outputs; absent means every tenant's. */
  tenantId?: string;
  /** Catalog models (or provider model ids) the caller may use; absent means any. */
  models?: readonly string[];
  /** Routing group: only its channels serve the caller; absent means `default`. */
  group?: string;
}
