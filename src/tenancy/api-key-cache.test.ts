import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import type {
  ApiKeyRepository,
  ApiKeyWithGroup,
} from '../store/repositories/api-key-repository.js';
import { ApiKeyCache } from './api-key-cache.js';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-format.js';

const secret = Buffer.alloc(32, 7);

function storedKey(plaintext: string, changes: Partial<ApiKeyWithGroup> = {}): ApiKeyWithGroup {
  const at = new Date('2026-12-01T00:00:00Z');
  return {
    id: 'key_1',
    tenantId: 'tenant_1',
    name: null,
    prefix: apiKeyPrefix(plaintext),
    keyHash: hashApiKey(secret, plaintext),
    group: null,
    scopes: ['generate', 'read'],
    models: null,
    allowedIps: null,
    rateLimitRpm: null,
    maxConcurrentJobs: null,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    createdAt: at,
    updatedAt: at,
    effectiveGroup: 'default',
    ...changes,
  };
}

/** A repository that counts its reads; `rows` is what the table holds. */
function countingRepository(rows: ApiKeyWithGroup[]) {
  const reads = { all: 0, byPrefix: 0, touches: 0 };
  const repository = {
    listWithGroups: async () => {
      reads.all++;
      return [...rows];
    },
    findByPrefix: async (prefix: string) => {
      reads.byPrefix++;
      return rows.filter((row) => row.prefix === prefix);
    },
    touch: async () => {
      reads.touches++;
    },
  } as unknown as ApiKeyRepository;
  return { repository, reads };
}

function cacheOver(repository: ApiKeyRepository, now = () => Date.now()) {
  const database = { listen: async () => async () => undefined } as unknown as Database;
  return new ApiKeyCache({
    database,
    keys: repository,
    secret,
    reloadIntervalMs: 3_600_000,
    lastUsedFlushMs: 3_600_000,
    now,
    logger: createLogger('silent'),
  });
}

describe('ApiKeyCache', () => {
  it('should check a known key from memory, without a read per request', async () => {
    const { key } = generateApiKey();
    const { repository, reads } = countingRepository([storedKey(key)]);
    const cache = cacheOver(repository);
    await cache.start();
    for (let index = 0; index < 100; index++)
      expect((await cache.authenticate(key, '127.0.0.1')).id).toBe('key_1');
    expect(reads).toEqual({ all: 1, byPrefix: 0, touches: 0 });
    await cache.stop();
    // Last use is written once, at the flush, for all 100 requests.
    expect(reads.touches).toBe(1);
  });

  it('should look an unknown prefix up once, then remember the miss until a reload', async () => {
    const rows: ApiKeyWithGroup[] = [];
    const { repository, reads } = countingRepository(rows);
    const cache = cacheOver(repository);
    await cache.start();
    const { key } = generateApiKey();
    for (let index = 0; index < 3; index++)
      await expect(cache.authenticate(key, '127.0.0.1')).rejects.toMatchObject({
        code: 'invalid_api_key',
      });
    expect(reads.byPrefix).toBe(1);
    rows.push(storedKey(key));
    await cache.reload();
    expect((await cache.authenticate(key, '127.0.0.1')).id).toBe('key_1');
    await cache.stop();
  });

  it('should refuse a wrong key with a known prefix, a revoked one and an expired one', async () => {
    const { key } = generateApiKey();
    let now = Date.parse('2026-12-01T00:00:00Z');
    const rows = [storedKey(key, { expiresAt: new Date(now + 1000) })];
    const { repository } = countingRepository(rows);
    const cache = cacheOver(repository, () => now);
    await cache.start();
    const forged = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    await expect(cache.authenticate(forged, '127.0.0.1')).rejects.toMatchObject({
      code: 'invalid_api_key',
    });
    expect((await cache.authenticate(key, '127.0.0.1')).id).toBe('key_1');
    now += 1000;
    await expect(cache.authenticate(key, '127.0.0.1')).rejects.toMatchObject({
      code: 'invalid_api_key',
    });
    rows[0] = storedKey(key, { revokedAt: new Date(now) });
    await cache.reload();
    await expect(cache.authenticate(key, '127.0.0.1')).rejects.toMatchObject({
      code: 'invalid_api_key',
    });
    await cache.stop();
  });
});
