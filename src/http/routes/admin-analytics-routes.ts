import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readRollupSeries } from '../../analytics/rollup-series.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { jsonResponse } from '../schemas/error-responses.js';
import { AnalyticsSeriesSchema } from '../schemas/admin-analytics-responses.js';

/**
 * Per-provider time series over the rollups, for the dashboard's charts: requests, successes,
 * failures, success rate, p95 latency and cost per step. At most 500 steps per answer.
 *
 * @example
 * curl -s "localhost:8787/admin/analytics/series?window_seconds=3600&step_seconds=60" \
 *   -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY"
 */
export function adminAnalyticsRoutes(
  dependencies: Pick<
    AppDependencies,
    'config' | 'database' | 'analytics' | 'instances' | 'apiKeys'
  >,
): FastifyPluginAsyncZod {
  const { database, analytics, instances } = dependencies;
  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));
    app.get(
      '/admin/analytics/series',
      {
        schema: {
          tags: ['admin'],
          summary: 'Per-provider series over time (requests, success rate, p95 latency, cost)',
          querystring: z
            .object({
              window_seconds: z.coerce
                .number()
                .int()
                .min(60)
                .max(30 * 86_400)
                .default(3600),
              step_seconds: z.coerce.number().int().min(1).max(86_400).default(60),
              model: z.string().min(1).max(200).optional(),
            })
            .refine((query) => query.window_seconds / query.step_seconds <= 500, {
              message: 'at most 500 steps: raise step_seconds or shorten window_seconds',
            }),
          response: { 200: jsonResponse('The series', AnalyticsSeriesSchema) },
        },
      },
      async (request) => {
        await analytics.flush();
        const until = new Date();
        const series = await readRollupSeries(database, {
          since: new Date(until.getTime() - request.query.window_seconds * 1000),
          until,
          model: request.query.model,
          stepSeconds: request.query.step_seconds,
          providerIds: instances.list().map(({ adapter }) => adapter.id),
        });
        return {
          window_seconds: request.query.window_seconds,
          step_seconds: series.stepSeconds,
          model: request.query.model ?? null,
          steps: series.steps.map((step) => new Date(step).toISOString()),
          providers: Object.fromEntries(
            Object.entries(series.providers).map(([provider, entry]) => [
              provider,
              {
                routed: entry.routed,
                successes: entry.successes,
                failures: entry.failures,
                success_rate: entry.successRate,
                p95_latency_ms: entry.p95LatencyMs,
                cost_usd: entry.costUsd,
              },
            ]),
          ),
        };
      },
    );
  };
}
