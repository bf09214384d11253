import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimitCode, RateLimitedError } from '../../core/errors/index.js';
import type { RateLimitCounterRepository } from '../../store/repositories/rate-limit-counter-repository.js';
import type { AppDependencies } from './app-dependencies.js';
import { postgresRateLimitStore } from './postgres-rate-limit-store.js';

/** Where the per-key request counts live; every instance must use the same one. */
export type RateLimitBackend =
  /** Redis (`REDIS_URL`): the plugin's own store, one Lua script per request. */
  | { kind: 'redis'; redis: Redis; namespace: string }
  /** PostgreSQL or PGlite: `rate_limit_counters`, one upsert per request. */
  | { kind: 'postgres'; counters: RateLimitCounterRepository; now: () => number };

/** Requests per minute: a fixed one-minute window. */
const windowMs = 60_000;

function requestsPerMinute(request: FastifyRequest): number | undefined {
  const { caller } = request;
  if (caller.kind === 'keyless') return caller.tenant.requestsPerMinute;
  return caller.kind === 'tenant' ? caller.limits.requestsPerMinute : undefined;
}

/** One counter per key; keyless calls of a family share `keyless:<family>`'s. */
function counterKey(request: FastifyRequest): string {
  const { caller } = request;
  if (caller.kind === 'keyless') return `rpm:${caller.tenant.apiKeyId}`;
  return caller.kind === 'tenant' ? `rpm:${caller.key.id}` : 'rpm:none';
}

/**
 * Per-key requests per minute, counted by `@fastify/rate-limit` in a store shared by every
 * instance. Runs as an `onRequest` hook after the auth hook (so it knows the key) and only for
 * tenant keys with a limit; open mode and the admin key are never counted. Over the limit →
 * 429 `rate_limited` with `Retry-After` (seconds until the window ends), through the one error
 * handler. A store that fails (Redis down) lets the request through and logs: an outage of the
 * limiter must not become an outage of the gateway.
 *
 * @example
 * curl -i localhost:8787/v1/models -H "authorization: Bearer $TENANT_KEY"
 * # HTTP/1.1 429 …  retry-after: 42
 * # {"error":{"code":"rate_limited","message":"This API key may make 60 requests per minute; …"}}
 */
export async function installApiKeyRateLimit(
  app: FastifyInstance,
  dependencies: Pick<AppDependencies, 'rateLimits'>,
): Promise<void> {
  const backend = dependencies.rateLimits;
  await app.register(rateLimit, {
    // No per-route hooks: the hook below decides, after auth, whom to count.
    global: false,
    ...(backend.kind === 'redis'
      ? { redis: backend.redis, nameSpace: backend.namespace }
      : { store: postgresRateLimitStore(backend.counters, backend.now) }),
    timeWindow: windowMs,
    max: (request) => requestsPerMinute(request) ?? 0,
    keyGenerator: counterKey,
    skipOnError: false,
  });
  const limiter = app.createRateLimit();

  app.addHook('onRequest', async (request, reply) => {
    const max = requestsPerMinute(request);
    if (!max) return;
    let outcome: Awaited<ReturnType<typeof limiter>>;
    try {
      outcome = await limiter(request);
    } catch (error) {
      request.log.warn({ err: error }, 'rate limit store failed; request let through uncounted');
      return;
    }
    if (outcome.isAllowed) return;
    reply.header('x-ratelimit-limit', outcome.max);
    reply.header('x-ratelimit-remaining', outcome.remaining);
    reply.header('x-ratelimit-reset', outcome.ttlInSeconds);
    if (!outcome.isExceeded) return;
    throw new RateLimitedError(
      RateLimitCode.rateLimited,
      `${request.caller.kind === 'keyless' ? 'Keyless calls of this family' : 'This API key'} may make ${outcome.max} requests per minute; try again in ${outcome.ttlInSeconds} s.`,
      outcome.ttl,
      { limit: outcome.max, window_seconds: windowMs / 1000 },
    );
  });
}
