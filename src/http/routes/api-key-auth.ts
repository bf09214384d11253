import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../core/errors/index.js';
import { ApiKeyScope, type Access } from '../../core/tenancy.js';
import type { ApiKeyWithGroup } from '../../store/repositories/api-key-repository.js';
import type { KeylessFamily } from '../../config/config-schema.js';
import type { KeylessTenant } from '../../tenancy/keyless-tenants.js';
import type { AppDependencies } from './app-dependencies.js';

/** Who is calling a `/v1` route. */
export type Caller =
  /** Auth mode off (no `SWITCHYARD_ADMIN_KEY`): the open, single-tenant gateway. */
  | { kind: 'open' }
  /** The admin key: sees every tenant's resources. */
  | { kind: 'admin' }
  /** A tenant's API key, with the limits it runs under (its own, else the config's defaults). */
  | { kind: 'tenant'; key: ApiKeyWithGroup; limits: KeyLimits }
  /**
   * No key on a compatibility route configured for keyless calls (`compat.keyless`): runs as
   * that tenant, as a key with the scopes generate and read would.
   */
  | { kind: 'keyless'; tenant: KeylessTenant }
  /** No key on a route that needs none (asset links handed to end users). */
  | { kind: 'anonymous' };

/** The rate limits a tenant key runs under; absent means unlimited. */
export interface KeyLimits {
  requestsPerMinute?: number;
  maxConcurrentJobs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every request. */
    caller: Caller;
  }
}

/**
 * The paths auth mode guards: the native and OpenAI-compatible API, and the seed systems'
 * compatibility routes that create and read jobs (S5's video engine, S1's Runware proxy, S3's
 * `/motif/generation/`), which take the same keys. S3's `/motif/services/` take the admin key.
 */
const protectedPrefixes = ['/v1/', '/api/videos/', '/api/v3/', '/motif/generation/'];
/** The compatibility families that may take keyless calls, by path prefix. */
const keylessFamilies: readonly [prefix: string, family: KeylessFamily][] = [
  ['/api/v3/', 's1'],
  ['/motif/generation/', 's3'],
  ['/api/videos/', 's5'],
];
/** Routes under `/v1` that never take a key: provider callbacks are verified their own way. */
const unauthenticatedRoutes = new Set(['/v1/providers/:provider/webhook']);
/**
 * Asset links are capability URLs (asset ids carry 80 random bits): they work without a key, so
 * links handed to end users keep working; a tenant key still sees only its own tenant's assets.
 */
const keyOptionalRoutes = new Set(['/v1/assets/:id']);
/**
 * What a route asks of the caller in auth mode, as `/openapi.json` documents it: a key, a key
 * or nothing (asset links), or nothing (public routes and provider callbacks).
 */
export function keyRequirement(
  url: string,
  relayPrefixes: readonly string[] = [],
): 'required' | 'optional' | 'none' {
  if (unauthenticatedRoutes.has(url)) return 'none';
  if (keyOptionalRoutes.has(url)) return 'optional';
  const guarded = [...protectedPrefixes, ...relayPrefixes.map((prefix) => `${prefix}/`)];
  return guarded.some((prefix) => url.startsWith(prefix)) ? 'required' : 'none';
}

/** POST routes that only read. */
const readOnlyPosts = new Set(['/v1/estimate']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <key>`, else `x-api-key`. */
function presentedKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (match?.[1]) return match[1].trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}

/** What the caller may see: a tenant key is confined to its tenant and its models. */
export function accessOf(request: FastifyRequest): Access | undefined {
  const { caller } = request;
  if (caller.kind === 'keyless') {
    const { tenant } = caller;
    return {
      tenantId: tenant.tenantId,
      apiKeyId: tenant.apiKeyId,
      maxConcurrentJobs: tenant.maxConcurrentJobs,
      group: tenant.group,
    };
  }
  if (caller.kind !== 'tenant') return undefined;
  return {
    tenantId: caller.key.tenantId,
    models: caller.key.models ?? undefined,
    apiKeyId: caller.key.id,
    maxConcurrentJobs: caller.limits.maxConcurrentJobs,
    group: caller.key.effectiveGroup,
  };
}

/**
 * Auth mode: with `SWITCHYARD_ADMIN_KEY` set, every `/v1/...` (and `/api/videos/...`) route needs the admin key or a
 * tenant's API key (`Authorization: Bearer`, or `x-api-key`). Missing → 401 `missing_api_key`;
 * unknown, revoked or expired → 401 `invalid_api_key`; a key without the route's scope → 403
 * `scope_denied` (GET routes need `read`, the others `generate`). Without the admin key the
 * gateway is open, as before.
 */
export function installApiKeyAuth(
  app: FastifyInstance,
  dependencies: Pick<AppDependencies, 'config' | 'apiKeys' | 'keyless'>,
): void {
  const adminKey = dependencies.config.adminKey;
  const defaults = dependencies.config.rateLimits;
  // S4's relay routes take the same keys as /v1.
  const guarded = [
    ...protectedPrefixes,
    ...Object.keys(dependencies.config.relay.routes).map((prefix) => `${prefix}/`),
  ];
  const adminDigest = adminKey ? digest(adminKey) : undefined;
  const open: Caller = { kind: 'open' };
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    request.caller = open;
    if (!adminDigest || !guarded.some((prefix) => request.url.startsWith(prefix))) return;
    // A CORS preflight never carries credentials (S1's download route answers them).
    if (request.method === 'OPTIONS') return;
    const route = request.routeOptions.url;
    if (route && unauthenticatedRoutes.has(route)) return;
    const key = presentedKey(request);
    if (!key) {
      if (route && keyOptionalRoutes.has(route)) {
        request.caller = { kind: 'anonymous' };
        return;
      }
      // A family set to take keyless calls runs them as its tenant; a key, when sent, wins.
      const family = keylessFamilies.find(([prefix]) => request.url.startsWith(prefix))?.[1];
      if (family && dependencies.keyless.accepts(family)) {
        request.caller = { kind: 'keyless', tenant: dependencies.keyless.resolve(family) };
        return;
      }
      throw new UnauthorizedError(
        'An API key is required (Authorization: Bearer <key>, or x-api-key).',
        'missing_api_key',
      );
    }
    if (timingSafeEqual(digest(key), adminDigest)) {
      request.caller = { kind: 'admin' };
      return;
    }
    const found = await dependencies.apiKeys.authenticate(key, request.ip);
    const needed =
      request.method === 'GET' || request.method === 'HEAD' || readOnlyPosts.has(route ?? '')
        ? ApiKeyScope.read
        : ApiKeyScope.generate;
    if (!found.scopes.includes(needed)) {
      throw new ForbiddenError('scope_denied', `This API key lacks the '${needed}' scope.`, {
        scope: needed,
        scopes: found.scopes,
      });
    }
    request.caller = {
      kind: 'tenant',
      key: found,
      limits: {
        requestsPerMinute: found.rateLimitRpm ?? defaults.defaultRequestsPerMinute,
        maxConcurrentJobs: found.maxConcurrentJobs ?? defaults.defaultMaxConcurrentJobs,
      },
    };
  });
}
