import { createId } from '../core/create-id.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.js';
import { ApiKeyScope, type ApiKey, type Tenant } from '../core/tenancy.js';
import type { ApiKeyChanges, ApiKeyRepository } from '../store/repositories/api-key-repository.js';
import type {
  BudgetChanges,
  TenantChanges,
  TenantRepository,
} from '../store/repositories/tenant-repository.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { generateApiKey, hashApiKey } from './api-key-format.js';
import { checkIpAllowList } from './ip-allow-list.js';

export interface TenancyAdminOptions {
  tenants: TenantRepository;
  keys: ApiKeyRepository;
  /** Reloaded after each change, so this instance obeys it before the answer goes out. */
  cache: Pick<ApiKeyCache, 'reload'>;
  secret: Buffer;
  now: () => number;
}

/** What a new key needs; everything but the tenant has a default. */
export interface NewApiKey {
  /** Tenant id or name. */
  tenant: string;
  name?: string;
  group?: string;
  scopes?: ApiKeyScope[];
  models?: string[];
  allowedIps?: string[];
  /** Requests per minute across every instance; absent means the config's default. */
  rateLimitRpm?: number;
  /** Unfinished jobs at once across every instance; absent means the config's default. */
  maxConcurrentJobs?: number;
  expiresAt?: Date;
  /** Lifetime from now, on the gateway's clock (instead of `expiresAt`). */
  expiresInSeconds?: number;
}

/** Tenants and API keys as the admin API changes them. */
export class TenancyAdmin {
  constructor(private readonly options: TenancyAdminOptions) {}

  async createTenant(input: {
    name: string;
    group?: string;
    balanceUsd?: number;
    budgets?: BudgetChanges;
  }): Promise<Tenant> {
    const tenant = await this.options.tenants.insert({
      id: createId('tenant', this.options.now()),
      name: input.name,
      group: input.group ?? 'default',
      balanceUsd: input.balanceUsd ?? null,
      budgets: input.budgets,
    });
    if (!tenant) {
      throw new ConflictError('tenant_exists', `A tenant named '${input.name}' exists already.`, {
        name: input.name,
      });
    }
    return tenant;
  }

  listTenants(): Promise<Tenant[]> {
    return this.options.tenants.list();
  }

  /** By id or name; 404 `tenant_not_found`. */
  async tenant(idOrName: string): Promise<Tenant> {
    const tenant = await this.options.tenants.find(idOrName);
    if (!tenant) throw new NotFoundError('tenant', idOrName);
    return tenant;
  }

  async updateTenant(idOrName: string, changes: TenantChanges): Promise<Tenant> {
    const { id } = await this.tenant(idOrName);
    const updated = await this.options.tenants.update(id, changes).catch((error: unknown) => {
      if ((error as { code?: string }).code === '23505')
        throw new ConflictError(
          'tenant_exists',
          `A tenant named '${changes.name}' exists already.`,
        );
      throw error;
    });
    if (!updated) throw new NotFoundError('tenant', idOrName);
    await this.options.cache.reload();
    return updated;
  }

  /** Deletes a tenant and its keys (they stop working at once); its jobs and files stay. */
  async deleteTenant(idOrName: string): Promise<void> {
    const { id } = await this.tenant(idOrName);
    await this.options.tenants.delete(id);
    await this.options.cache.reload();
  }

  /** Creates a key; the plaintext is returned here and never again. */
  async createKey(input: NewApiKey): Promise<{ key: ApiKey; plaintext: string }> {
    const tenant = await this.tenant(input.tenant);
    if (input.allowedIps) this.checkIps(input.allowedIps);
    const { key: plaintext, prefix } = generateApiKey();
    const key = await this.options.keys.insert({
      id: createId('key', this.options.now()),
      tenantId: tenant.id,
      name: input.name ?? null,
      prefix,
      keyHash: hashApiKey(this.options.secret, plaintext),
      group: input.group ?? null,
      scopes: input.scopes ?? [ApiKeyScope.generate, ApiKeyScope.read],
      models: input.models ?? null,
      allowedIps: input.allowedIps ?? null,
      rateLimitRpm: input.rateLimitRpm ?? null,
      maxConcurrentJobs: input.maxConcurrentJobs ?? null,
      expiresAt:
        input.expiresAt ??
        (input.expiresInSeconds
          ? new Date(this.options.now() + input.expiresInSeconds * 1000)
          : null),
    });
    await this.options.cache.reload();
    return { key, plaintext };
  }

  /** Keys, optionally of one tenant (id or name). */
  async listKeys(query: { tenant?: string }): Promise<ApiKey[]> {
    const tenantId = query.tenant ? (await this.tenant(query.tenant)).id : undefined;
    return this.options.keys.list({ tenantId });
  }

  async key(id: string): Promise<ApiKey> {
    const key = await this.options.keys.get(id);
    if (!key) throw new NotFoundError('api_key', id);
    return key;
  }

  async updateKey(id: string, changes: ApiKeyChanges): Promise<ApiKey> {
    if (changes.allowedIps) this.checkIps(changes.allowedIps);
    const key = await this.options.keys.update(id, changes);
    if (!key) throw new NotFoundError('api_key', id);
    await this.options.cache.reload();
    return key;
  }

  /** Revokes a key on every instance (within a second, through NOTIFY). */
  async revokeKey(id: string): Promise<ApiKey> {
    const key = await this.options.keys.revoke(id, new Date(this.options.now()));
    if (!key) throw new NotFoundError('api_key', id);
    await this.options.cache.reload();
    return key;
  }

  private checkIps(entries: readonly string[]): void {
    try {
      checkIpAllowList(entries);
    } catch {
      throw new ValidationError('allowed_ips holds an entry that is not an IP address or CIDR.', {
        parameter: 'allowed_ips',
      });
    }
  }
}
