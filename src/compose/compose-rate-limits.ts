import { Redis } from 'ioredis';
import type { Config } from '../config/config-schema.js';
import type { RateLimitBackend } from '../http/routes/api-key-rate-limit.js';
import type { Logger } from '../observability/logger.js';
import { RateLimitCounterRepository } from '../store/repositories/rate-limit-counter-repository.js';
import type { StoreLayer } from './compose-store.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * Where per-key request counts are kept: Redis when `REDIS_URL` is set, else the database every
 * instance shares. A configured Redis that cannot be reached stops the start (a limit silently
 * not shared would be worse); once running, a Redis outage lets requests through (see
 * `installApiKeyRateLimit`) instead of queueing them behind a reconnect.
 */
export async function composeRateLimits(
  config: Config,
  store: Pick<StoreLayer, 'apiDatabase'>,
  options: { logger: Logger; now: () => number; lifecycle: Lifecycle },
): Promise<RateLimitBackend> {
  if (!config.redisUrl) {
    options.logger.info('rate limits: counted in the database (REDIS_URL is not set)');
    return {
      kind: 'postgres',
      counters: new RateLimitCounterRepository(store.apiDatabase),
      now: options.now,
    };
  }
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    // Fail fast while disconnected: a request must not wait for Redis to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  redis.on('error', (error: Error) =>
    options.logger.warn({ err: error }, 'rate limits: Redis connection error'),
  );
  try {
    await redis.connect();
  } catch (error) {
    // Otherwise ioredis keeps reconnecting in the background and the process never exits.
    redis.disconnect();
    throw new Error(`REDIS_URL is set but Redis cannot be reached: ${(error as Error).message}`, {
      cause: error,
    });
  }
  options.lifecycle.adopt(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  options.logger.info('rate limits: counted in Redis (REDIS_URL)');
  return { kind: 'redis', redis, namespace: config.rateLimits.redisNamespace };
}
