import { CoalescedReload } from '../store/coalesced-reload.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import type {
  ApiKeyRepository,
  ApiKeyWithGroup,
} from '../store/repositories/api-key-repository.js';
import { apiKeyPrefix, hashApiKey, looksLikeApiKey, sameHash } from './api-key-format.js';
import { compileIpAllowList } from './ip-allow-list.js';

/** The NOTIFY channel of the tenants and api_keys triggers (migration 0005). */
export const tenancyChannel = 'switchyard_tenancy';

export interface ApiKeyCacheOptions {
  database: Database;
  keys: ApiKeyRepository;
  /** The key-hashing secret (see `loadApiKeySecret`). */
  secret: Buffer;
  /** Backstop reload period, for a missed notification. */
  reloadIntervalMs: number;
  /** How often last-used times are written (one statement for every key used meanwhile). */
  lastUsedFlushMs: number;
  now: () => number;
  logger: Logger;
}

/** A key as the cache holds it, with its IP allow-list compiled. */
interface CachedKey {
  key: ApiKeyWithGroup;
  allowsIp: ((ip: string) => boolean) | undefined;
}

/** Unknown prefixes remembered until the next reload, so a flood of bad keys costs no reads. */
const maxRememberedMisses = 10_000;

/**
 * Every API key in memory, by visible prefix. Each instance LISTENs for the trigger's NOTIFY
 * (in process on PGlite) and reloads at once, with a periodic reload as backstop, so a revoke
 * or a change from the admin API or plain SQL is obeyed everywhere within a second. A request
 * with a known key never reads the database; an unknown prefix is looked up once (a key created
 * on another instance a moment ago) and then remembered as a miss until the next reload.
 */
export class ApiKeyCache {
  private byPrefix = new Map<string, CachedKey[]>();
  private misses = new Set<string>();
  /** Bumped by every reload, so a miss lookup that raced a reload does not write stale data. */
  private generation = 0;
  private readonly usedAt = new Map<string, Date>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly reloader = new CoalescedReload(
    () => this.readKeys(),
    (error) =>
      this.options.logger.error(
        { error: error.message },
        'API key reload failed; keeping the last keys',
      ),
  );
  /** Applied reloads (tests wait on it instead of on time). */
  reloads = 0;

  constructor(private readonly options: ApiKeyCacheOptions) {}

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = await this.options.database.listen(
      tenancyChannel,
      () => void this.reload(),
      {
        // A key revoked while the connection was down must not stay valid until the backstop.
        onReconnect: () => {
          this.options.logger.info('API key notifications resumed; reloading');
          void this.reload();
        },
      },
    );
    this.reloadTimer = setInterval(() => void this.reload(), this.options.reloadIntervalMs);
    this.reloadTimer.unref();
    this.flushTimer = setInterval(() => void this.flush(), this.options.lastUsedFlushMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.reloadTimer);
    clearInterval(this.flushTimer);
    await this.unsubscribe?.();
    await this.reloader.idle();
    await this.flush();
  }

  /** Re-reads every key; concurrent calls coalesce into one more read. */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  private async readKeys(): Promise<void> {
    const keys = await this.options.keys.listWithGroups();
    const byPrefix = new Map<string, CachedKey[]>();
    for (const key of keys) {
      const entries = byPrefix.get(key.prefix) ?? [];
      entries.push(this.compile(key));
      byPrefix.set(key.prefix, entries);
    }
    this.byPrefix = byPrefix;
    this.misses = new Set();
    this.generation++;
    this.reloads++;
  }

  /**
   * The key a caller presented, checked: unknown, revoked or expired → 401 `invalid_api_key`;
   * from an address outside its allow-list → 403 `ip_not_allowed`.
   */
  async authenticate(plaintext: string, ip: string): Promise<ApiKeyWithGroup> {
    const invalid = () => new UnauthorizedError('The API key is not valid.', 'invalid_api_key');
    if (!looksLikeApiKey(plaintext)) throw invalid();
    const prefix = apiKeyPrefix(plaintext);
    const hash = hashApiKey(this.options.secret, plaintext);
    const entries = this.byPrefix.get(prefix) ?? (await this.lookUp(prefix));
    const entry = entries.find((candidate) => sameHash(candidate.key.keyHash, hash));
    if (!entry) throw invalid();
    const { key } = entry;
    const now = this.options.now();
    if (key.revokedAt) throw invalid();
    if (key.expiresAt && key.expiresAt.getTime() <= now) throw invalid();
    if (entry.allowsIp && !entry.allowsIp(ip)) {
      throw new ForbiddenError('ip_not_allowed', 'This API key may not be used from this address.');
    }
    this.usedAt.set(key.id, new Date(now));
    return key;
  }

  /** Writes the last-used times gathered since the previous flush. */
  async flush(): Promise<void> {
    if (this.usedAt.size === 0) return;
    const batch = new Map(this.usedAt);
    this.usedAt.clear();
    try {
      await this.options.keys.touch(batch);
    } catch (error) {
      this.options.logger.warn(
        { error: (error as Error).message },
        'could not record API key last-used times',
      );
    }
  }

  private async lookUp(prefix: string): Promise<CachedKey[]> {
    if (this.misses.has(prefix)) return [];
    const generation = this.generation;
    const found = (await this.options.keys.findByPrefix(prefix)).map((key) => this.compile(key));
    if (generation === this.generation) {
      if (found.length) this.byPrefix.set(prefix, found);
      else if (this.misses.size < maxRememberedMisses) this.misses.add(prefix);
    }
    return found;
  }

  private compile(key: ApiKeyWithGroup): CachedKey {
    return {
      key,
      allowsIp: key.allowedIps?.length ? compileIpAllowList(key.allowedIps) : undefined,
    };
  }
}
