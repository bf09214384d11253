import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';

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
    'health' | 'controlPlane' | 'instances' | 'metrics' | 'knownProviderTypes'
  >,
): FastifyPluginAsyncZod {
  const { health, controlPlane, instances, metrics, knownProviderTypes } = dependencies;
  return async (app) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['operations'],
          summary: 'Per-provider health, circuits, credits and the routing config',
        },
      },
      async () => {
        const providers: Record<string, unknown> = { ...health.describe() };
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
        return {
          status: usable === 0 ? 'down' : usable < instances.list().length ? 'degraded' : 'ok',
          providers,
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
