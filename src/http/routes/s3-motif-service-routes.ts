import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuthWhenEnabled } from './operator-auth.js';
import { authorOf } from './admin-routing-routes.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { S3PrimaryBodySchema, S3StrategyBodySchema } from '../schemas/s3-motif-schemas.js';
import {
  S3HealthCheckSchema,
  S3PrimaryChangedSchema,
  S3ReinitializedSchema,
  S3ServiceStatusSchema,
  S3StrategyChangedSchema,
  type S3ServiceStatus,
} from '../schemas/s3-motif-service-responses.js';
import { s3MotifServiceViews } from './s3-motif-service-views.js';
import { s3ProviderId } from './s3-motif-translation.js';

type Dependencies = Pick<
  AppDependencies,
  'config' | 'instances' | 'controlPlane' | 'health' | 'apiKeys'
>;

/**
 * Seed system S3's service management API, its routing and health half, over Switchyard's
 * control plane and health checks: changes are audited and obeyed by every instance within a
 * second. Open while no `SWITCHYARD_ADMIN_KEY` is set (as S3 was); the admin key once one is.
 * Capabilities, test generations, estimates and metrics are in `s3-motif-provider-routes.ts`.
 *
 * @example
 * curl localhost:8787/motif/services/status
 * curl -X POST localhost:8787/motif/services/routing-strategy -H 'content-type: application/json' \
 *   -d '{"strategy":"cost_optimized"}'
 */
export function s3MotifServiceRoutes(dependencies: Dependencies): FastifyPluginAsyncZod {
  const { config, instances, controlPlane, health } = dependencies;
  const views = s3MotifServiceViews(dependencies);

  return async (app) => {
    app.addHook('onRequest', operatorAuthWhenEnabled(dependencies));

    app.get(
      '/motif/services/status',
      {
        schema: {
          tags: ['s3'],
          summary: 'Every provider and the routing in force (S3)',
          response: {
            200: jsonResponse('Providers and routing', S3ServiceStatusSchema),
            ...errorResponses(),
          },
        },
      },
      async () => {
        const providers = views.providers();
        const healthy = Object.values(providers).filter((entry) => entry.healthy).length;
        const total = Object.keys(providers).length;
        const status: S3ServiceStatus['status'] =
          healthy === total ? 'healthy' : healthy > 0 ? 'degraded' : 'unhealthy';
        return {
          status,
          healthy_providers: healthy,
          total_providers: total,
          ...views.routing(),
          health_check_interval_seconds: config.health.checkIntervalSeconds,
          providers,
          timestamp: new Date().toISOString(),
        };
      },
    );

    app.post(
      '/motif/services/routing-strategy',
      {
        schema: {
          tags: ['s3'],
          summary: 'Change the routing strategy on every instance (S3)',
          body: S3StrategyBodySchema,
          response: {
            200: jsonResponse('The routing after the change', S3StrategyChangedSchema),
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const previous = controlPlane.settings().strategy;
        await controlPlane.setStrategy(
          request.body.strategy,
          {},
          authorOf(request, request.body.reason ?? 'POST /motif/services/routing-strategy'),
        );
        return {
          success: true as const,
          previous_strategy: previous,
          ...views.routing(),
          message: `Routing strategy set to ${request.body.strategy}.`,
        };
      },
    );

    app.post(
      '/motif/services/primary-provider',
      {
        schema: {
          tags: ['s3'],
          summary: 'Set the primary provider on every instance (S3)',
          body: S3PrimaryBodySchema,
          response: {
            200: jsonResponse('The routing after the change', S3PrimaryChangedSchema),
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const provider = s3ProviderId(instances, request.body.provider);
        await controlPlane.setPrimary(
          provider,
          authorOf(request, request.body.reason ?? 'POST /motif/services/primary-provider'),
        );
        return {
          success: true as const,
          ...views.routing(),
          message: `Primary provider set to ${provider}.`,
        };
      },
    );

    app.post(
      '/motif/services/health-check',
      {
        schema: {
          tags: ['s3'],
          summary: 'Run every provider health check now (S3)',
          response: {
            200: jsonResponse('Each check, then every provider', S3HealthCheckSchema),
            ...errorResponses(),
          },
        },
      },
      async () => {
        const results = await health.runChecks();
        return {
          checked_at: new Date().toISOString(),
          results: Object.fromEntries(
            results.map(({ provider, result }) => [
              provider,
              {
                healthy: result.ok,
                latency_ms: result.latencyMs,
                error: result.error ?? null,
                credits: result.credits ?? null,
              },
            ]),
          ),
          providers: views.providers(),
        };
      },
    );

    app.post(
      '/motif/services/reinitialize',
      {
        schema: {
          tags: ['s3'],
          summary:
            'Reload the control plane, reset circuits and re-check every provider, without a restart (S3)',
          response: {
            200: jsonResponse('The reloaded routing and fresh checks', S3ReinitializedSchema),
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        await controlPlane.reload();
        // S3 rebuilt its provider objects; here that means forgetting their failure history.
        for (const { adapter } of instances.list()) health.forceCircuit(adapter.id, 'closed');
        const results = await health.runChecks();
        request.log.warn('S3 reinitialize: control plane reloaded, circuits reset, checks run');
        return {
          success: true as const,
          reinitialized_at: new Date().toISOString(),
          ...views.routing(),
          results: Object.fromEntries(
            results.map(({ provider, result }) => [
              provider,
              { healthy: result.ok, latency_ms: result.latencyMs, error: result.error ?? null },
            ]),
          ),
          providers: views.providers(),
        };
      },
    );
  };
}
