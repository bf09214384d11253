import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';
import {
  ApiHealthSchema,
  type ApiHealth,
  type ApiHealthChannel,
  type ApiHealthProvider,
} from '../schemas/api-health-response.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';

/**
 * Each channel: its groups and switch, keys in rotation and set aside, and for adapter-typed
 * channels the provider view's verdict (circuit, credits, last check) under the same id.
 */
function channelHealth(
  cache: AppDependencies['channels']['cache'],
  providers: Record<string, ApiHealthProvider>,
): Record<string, ApiHealthChannel> {
  const view: Record<string, ApiHealthChannel> = {};
  for (const channel of cache.list()) {
    const keys = cache.keyCounts(channel);
    const provider = providers[channel.id];
    const problems = [
      !channel.enabled ? 'disabled' : undefined,
      keys.available === 0 ? 'every key is set aside' : undefined,
      provider && !provider.ok ? (provider.error ?? 'unhealthy') : undefined,
    ].filter((problem): problem is string => problem !== undefined);
    view[channel.id] = {
      name: channel.name,
      type: channel.type,
      groups: [...channel.groups],
      models: [...channel.models],
      enabled: channel.enabled,
      ok: problems.length === 0,
      error: problems.length ? problems.join('; ') : null,
      keys_available: keys.available,
      keys_set_aside: keys.setAside,
    };
  }
  return view;
}

/**
 * `GET /api/health` (the seed systems' health contract, extended) and `GET /metrics`.
 *
 * @example
 * curl localhost:8787/api/health
 * curl localhost:8787/metrics
 */
export function operationsRoutes(
  dependencies: Pick<
    AppDependencies,
    | 'health'
    | 'controlPlane'
    | 'instances'
    | 'metrics'
    | 'knownProviderTypes'
    | 'channels'
    | 'offerings'
  >,
): FastifyPluginAsyncZod {
  const { health, controlPlane, instances, metrics, knownProviderTypes, channels, offerings } =
    dependencies;
  return async (app) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['operations'],
          summary: 'Per-provider health, circuits, credits and the routing config',
          response: {
            200: jsonResponse('Health and routing', ApiHealthSchema),
            ...errorResponses(),
          },
        },
      },
      async () => {
        const providers: Record<string, ApiHealthProvider> = { ...health.describe() };
        const loadedTypes = new Set(instances.list().map((instance) => instance.adapter.type));
        for (const type of knownProviderTypes) {
          if (loadedTypes.has(type) || providers[type]) continue;
          providers[type] = {
            ok: false,
            latency_ms: null,
            error: 'not configured (no API key)',
            configured: false,
            enabled: false,
            deprecated: false,
            circuit: 'closed',
            credits: 'unknown',
          };
        }
        const settings = controlPlane.settings();
        const usable = Object.values(health.describe()).filter((entry) => entry.ok).length;
        // Offerings whose provider refused the model: the catalog needs an operator.
        const unavailable = offerings.list().map((mark) => ({
          provider: mark.provider,
          model: mark.model,
          provider_model_id: mark.providerModelId,
          code: mark.code,
          reason: mark.reason,
          since: mark.since,
        }));
        for (const mark of unavailable) {
          const view = providers[mark.provider];
          if (view) view.unavailable_models = [...(view.unavailable_models ?? []), mark.model];
        }
        const degraded = usable < instances.list().length || unavailable.length > 0;
        const status: ApiHealth['status'] = usable === 0 ? 'down' : degraded ? 'degraded' : 'ok';
        return {
          status,
          providers,
          unavailable_offerings: unavailable,
          channels: channelHealth(channels.cache, providers),
          config: {
            primary: settings.primary,
            strategy: settings.strategy,
            weights: settings.weights,
            chain: settings.chain,
          },
        };
      },
    );
    app.get(
      '/metrics',
      { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true } },
      async (_request, reply) => {
        reply.header('content-type', metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    );
  };
}
