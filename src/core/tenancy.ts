/** What a tenant's API key may do. `admin` is recorded but grants nothing extra yet. */
export const ApiKeyScope = {
  /** Create jobs and uploads, cancel, regenerate, rate. */
  generate: 'generate',
  /** Read jobs, assets, models and estimates. */
  read: 'read',
  /**
   * Tenant self-administration under `/admin`: its own tenant, keys and usage (never providers,
   * routing, rollouts, channels or balances; see `tenant-admin-auth.ts`).
   */
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
  /**
   * USD the tenant may still spend (settled costs are taken from it); null means unlimited.
   * A job is accepted only while `balanceUsd - reservedUsd` covers its estimate.
   */
  balanceUsd: number | null;
  /** USD held by the estimates of its jobs that have not ended yet. */
  reservedUsd: number;
  /** Spending limits per UTC day and month. */
  budgets: TenantBudgets;
  createdAt: Date;
  updatedAt: Date;
}

/** The spending limits of one period (a UTC day or month); null means none. */
export interface BudgetLimits {
  /** Spend at which one `budget_soft_limit_reached` alert is raised per period. */
  softUsd: number | null;
  /** Spend a new job may not take the period past: refused with 402 `budget_exceeded`. */
  hardUsd: number | null;
}

/** A tenant's budgets; spend counts settled costs and the estimates of unfinished jobs. */
export interface TenantBudgets {
  /** Per UTC calendar day. */
  day: BudgetLimits;
  /** Per UTC calendar month. */
  month: BudgetLimits;
}

/** The budget periods. */
export const BudgetPeriod = {
  /** A UTC calendar day. */
  day: 'day',
  /** A UTC calendar month. */
  month: 'month',
} as const;
export type BudgetPeriod = (typeof BudgetPeriod)[keyof typeof BudgetPeriod];

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
  /**
   * Requests per minute the key may make, counted on every instance together (Redis when
   * `REDIS_URL` is set, else PostgreSQL); null means the config's default, if any, else none.
   */
  rateLimitRpm: number | null;
  /**
   * Unfinished jobs (`queued`, `submitted`, `running`) the key may have at once, on every
   * instance together; null means the config's default, if any, else none.
   */
  maxConcurrentJobs: number | null;
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
  /** The tenant key asking; recorded on the jobs it creates, so they count against it. */
  apiKeyId?: string;
  /**
   * Most unfinished jobs `apiKeyId` may have at once; a job beyond it is refused with 429
   * `concurrency_limit`. Absent means no limit.
   */
  maxConcurrentJobs?: number;
  /** Routing group: only its channels serve the caller; absent means `default`. */
  group?: string;
}
