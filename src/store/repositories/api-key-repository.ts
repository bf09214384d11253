import { z } from 'zod';
import { ApiKeyScope, type ApiKey } from '../../core/tenancy.js';
import type { Database } from '../database.js';

const StringList = z.array(z.string()).nullable();

const ApiKeyRowSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string().nullable(),
  prefix: z.string(),
  key_hash: z.string(),
  group_name: z.string().nullable(),
  scopes: z.array(z.enum(ApiKeyScope)),
  models: StringList,
  allowed_ips: StringList,
  rate_limit_rpm: z.number().int().nullable(),
  max_concurrent_jobs: z.number().int().nullable(),
  expires_at: z.coerce.date().nullable(),
  revoked_at: z.coerce.date().nullable(),
  last_used_at: z.coerce.date().nullable(),
  created_at: z.coerce.date(),
  updated_at: z.coerce.date(),
});

function toApiKey(input: unknown): ApiKey {
  const row = ApiKeyRowSchema.parse(input);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    group: row.group_name,
    scopes: row.scopes,
    models: row.models,
    allowedIps: row.allowed_ips,
    rateLimitRpm: row.rate_limit_rpm,
    maxConcurrentJobs: row.max_concurrent_jobs,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A key with its tenant's group: what the key cache holds. */
export interface ApiKeyWithGroup extends ApiKey {
  /** The key's own group, else its tenant's. */
  effectiveGroup: string;
}

/** The fields of a key the admin API may change (null clears a field). */
export interface ApiKeyChanges {
  name?: string | null;
  group?: string | null;
  scopes?: ApiKeyScope[];
  models?: string[] | null;
  allowedIps?: string[] | null;
  rateLimitRpm?: number | null;
  maxConcurrentJobs?: number | null;
  expiresAt?: Date | null;
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** Typed access to `api_keys`; the table's trigger NOTIFYs every change but `last_used_at`. */
export class ApiKeyRepository {
  constructor(private readonly database: Database) {}

  async insert(key: Omit<ApiKey, 'revokedAt' | 'lastUsedAt' | 'createdAt' | 'updatedAt'>) {
    const { rows } = await this.database.query(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, group_name, scopes, models, allowed_ips,
         expires_at, rate_limit_rpm, max_concurrent_jobs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [
        key.id,
        key.tenantId,
        key.name,
        key.prefix,
        key.keyHash,
        key.group,
        JSON.stringify(key.scopes),
        json(key.models),
        json(key.allowedIps),
        key.expiresAt?.toISOString() ?? null,
        key.rateLimitRpm,
        key.maxConcurrentJobs,
      ],
    );
    return toApiKey(rows[0]);
  }

  /** Every key (revoked ones too, so that they answer `invalid_api_key` from memory). */
  async listWithGroups(): Promise<ApiKeyWithGroup[]> {
    const { rows } = await this.database.query<{ effective_group: string }>(
      `SELECT k.*, COALESCE(k.group_name, t.group_name) AS effective_group
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id`,
    );
    return rows.map((row) => ({ ...toApiKey(row), effectiveGroup: row.effective_group }));
  }

  /** Keys with a visible prefix (a cache miss: a key created a moment ago elsewhere). */
  async findByPrefix(prefix: string): Promise<ApiKeyWithGroup[]> {
    const { rows } = await this.database.query<{ effective_group: string }>(
      `SELECT k.*, COALESCE(k.group_name, t.group_name) AS effective_group
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = $1`,
      [prefix],
    );
    return rows.map((row) => ({ ...toApiKey(row), effectiveGroup: row.effective_group }));
  }

  async list(query: { tenantId?: string }): Promise<ApiKey[]> {
    const { rows } = query.tenantId
      ? await this.database.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY id', [
          query.tenantId,
        ])
      : await this.database.query('SELECT * FROM api_keys ORDER BY id');
    return rows.map(toApiKey);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const { rows } = await this.database.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? toApiKey(rows[0]) : undefined;
  }

  async update(id: string, changes: ApiKeyChanges): Promise<ApiKey | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
    if (changes.name !== undefined) set('name', changes.name);
    if (changes.group !== undefined) set('group_name', changes.group);
    if (changes.scopes !== undefined) set('scopes', JSON.stringify(changes.scopes));
    if (changes.models !== undefined) set('models', json(changes.models));
    if (changes.allowedIps !== undefined) set('allowed_ips', json(changes.allowedIps));
    if (changes.rateLimitRpm !== undefined) set('rate_limit_rpm', changes.rateLimitRpm);
    if (changes.maxConcurrentJobs !== undefined)
      set('max_concurrent_jobs', changes.maxConcurrentJobs);
    if (changes.expiresAt !== undefined)
      set('expires_at', changes.expiresAt?.toISOString() ?? null);
    sets.push('updated_at = now()');
    const { rows } = await this.database.query(
      `UPDATE api_keys SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    return rows[0] ? toApiKey(rows[0]) : undefined;
  }

  /** Marks a key revoked (kept for the audit of its jobs); undefined when unknown. */
  async revoke(id: string, at: Date): Promise<ApiKey | undefined> {
    const { rows } = await this.database.query(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2), updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, at.toISOString()],
    );
    return rows[0] ? toApiKey(rows[0]) : undefined;
  }

  /** Records when keys were last used, in one statement (the cache batches these). */
  async touch(usedAt: ReadonlyMap<string, Date>): Promise<void> {
    if (usedAt.size === 0) return;
    await this.database.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, input.at)
       FROM unnest($1::text[], $2::timestamptz[]) AS input(id, at) WHERE k.id = input.id`,
      [[...usedAt.keys()], [...usedAt.values()].map((at) => at.toISOString())],
    );
  }
}
