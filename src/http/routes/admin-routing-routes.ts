import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readWindowTotals } from '../../analytics/rollup-reader.js';
import type { ChangeAuthor } from '../../routing/control-plane/control-plane-store.js';
import type { RoutingSettings } from '../../routing/control-plane/routing-settings.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { jsonResponse } from '../schemas/error-responses.js';
import {
  AlertListSchema,
  AuditListSchema,
  HealthCheckListSchema,
  ProviderSwitchSchema,
  RoutingMetricsSchema,
  RoutingOverrideRemovedSchema,
  RoutingSettingsSchema,
} from '../schemas/admin-routing-responses.js';

const settingsResponse = {
  200: jsonResponse('The routing settings in force', RoutingSettingsSchema),
};

const strategyNames = [
  'weighted',
  'primary_first',
  'round_robin',
  'least_loaded',
  'cost_optimized',
  'quality_focused',
  'health_based',
] as const;
const Reason = z.string().max(500).optional();
const Model = z.string().min(1).max(200).optional();

/** Who is acting: `admin`, or what the caller says (`cli:alice`), for the audit log. */
export function authorOf(request: FastifyRequest, reason: string | undefined): ChangeAuthor {
  const header = request.headers['x-switchyard-actor'];
  const actor = typeof header === 'string' && /^[\w:.@-]{1,100}$/.test(header) ? header : 'admin';
  return { actor, reason };
}

function view(settings: RoutingSettings) {
  return {
    strategy: settings.strategy,
    strategy_explicit: settings.strategyExplicit,
    chain: settings.chain,
    primary: settings.primary,
    weights: settings.weights,
    models: settings.models,
    // Shares of a model's requests served by another model (written by model rollouts).
    model_redirects: settings.redirects,
    provider_switches: settings.providerSwitches,
    errors: settings.errors,
  };
}

/**
 * Admin: the live control plane. Every change is stored in `feature_flags`, audited, and obeyed
 * by every gateway instance within a second.
 *
 * @example
 * curl -X PUT localhost:8787/admin/routing/weights -H "authorization: Bearer $KEY" \
 *   -H 'content-type: application/json' -d '{"weights":{"fal":0.9,"runware":0.1},"reason":"D1"}'
 */
export function adminRoutingRoutes(
  dependencies: Pick<
    AppDependencies,
    | 'controlPlane'
    | 'health'
    | 'instances'
    | 'config'
    | 'database'
    | 'analytics'
    | 'alerts'
    | 'apiKeys'
  >,
): FastifyPluginAsyncZod {
  const { controlPlane, health, instances, database, analytics } = dependencies;
  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));
    app.get(
      '/admin/routing',
      {
        schema: {
          tags: ['admin'],
          summary: 'Strategy, chain, weights, primary and per-model overrides in force',
          response: settingsResponse,
        },
      },
      async () => view(controlPlane.settings()),
    );
    app.put(
      '/admin/routing/weights',
      {
        schema: {
          tags: ['admin'],
          summary: 'Set provider weights (globally or per model)',
          response: settingsResponse,
          body: z
            .object({ weights: z.record(z.string(), z.number()), model: Model, reason: Reason })
            .strict(),
        },
      },
      async (request) => {
        await controlPlane.setWeights(
          request.body.weights,
          { model: request.body.model },
          authorOf(request, request.body.reason),
        );
        return view(controlPlane.settings());
      },
    );
    app.put(
      '/admin/routing/strategy',
      {
        schema: {
          tags: ['admin'],
          summary: 'Set the routing strategy (globally or per model)',
          response: settingsResponse,
          body: z
            .object({ strategy: z.enum(strategyNames), model: Model, reason: Reason })
            .strict(),
        },
      },
      async (request) => {
        await controlPlane.setStrategy(
          request.body.strategy,
          { model: request.body.model },
          authorOf(request, request.body.reason),
        );
        return view(controlPlane.settings());
      },
    );
    app.put(
      '/admin/routing/chain',
      {
        schema: {
          tags: ['admin'],
          summary: 'Set the fallback chain, primary first (globally or per model)',
          response: settingsResponse,
          body: z
            .object({ chain: z.array(z.string().min(1)).min(1), model: Model, reason: Reason })
            .strict(),
        },
      },
      async (request) => {
        await controlPlane.setChain(
          request.body.chain,
          { model: request.body.model },
          authorOf(request, request.body.reason),
        );
        return view(controlPlane.settings());
      },
    );
    app.put(
      '/admin/routing/primary',
      {
        schema: {
          tags: ['admin'],
          summary: 'Set the primary provider',
          response: settingsResponse,
          body: z.object({ provider: z.string().min(1), reason: Reason }).strict(),
        },
      },
      async (request) => {
        await controlPlane.setPrimary(
          request.body.provider,
          authorOf(request, request.body.reason),
        );
        return view(controlPlane.settings());
      },
    );
    app.delete(
      '/admin/routing/overrides/:key',
      {
        schema: {
          tags: ['admin'],
          summary: 'Remove a control-plane override (config defaults apply again)',
          params: z.object({ key: z.string().min(1).max(300) }),
          querystring: z.object({ reason: Reason }),
          response: {
            200: jsonResponse(
              'The override removed (or not), and the settings now',
              RoutingOverrideRemovedSchema,
            ),
          },
        },
      },
      async (request) => {
        const removed = await controlPlane.clear(
          request.params.key,
          authorOf(request, request.query.reason),
        );
        return { removed, ...view(controlPlane.settings()) };
      },
    );
    for (const action of ['enable', 'disable'] as const) {
      app.post(
        `/admin/providers/:id/${action}`,
        {
          schema: {
            tags: ['admin'],
            summary: `${action === 'enable' ? 'Enable' : 'Disable'} a provider on every instance`,
            params: z.object({ id: z.string() }),
            body: z.object({ reason: Reason }).strict().nullish(),
            response: { 200: jsonResponse('The provider switch', ProviderSwitchSchema) },
          },
        },
        async (request) => {
          await controlPlane.setProviderEnabled(
            request.params.id,
            action === 'enable',
            authorOf(request, request.body?.reason),
          );
          return {
            id: request.params.id,
            enabled: instances.get(request.params.id)?.enabled ?? false,
          };
        },
      );
    }
    app.post(
      '/admin/health-check',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run every provider health check now',
          response: { 200: jsonResponse('Every health check result', HealthCheckListSchema) },
        },
      },
      async () => {
        const results = await health.runChecks();
        return {
          object: 'list' as const,
          data: results.map(({ provider, result }) => ({
            provider,
            ok: result.ok,
            latency_ms: result.latencyMs,
            error: result.error,
            credits: result.credits,
          })),
        };
      },
    );
    app.get(
      '/admin/routing/metrics',
      {
        schema: {
          tags: ['admin'],
          summary: 'Routing metrics per provider: live health and the observed split over a window',
          querystring: z.object({
            window_seconds: z.coerce.number().int().min(60).max(86_400).default(600),
            model: Model,
          }),
          response: { 200: jsonResponse('Metrics per provider', RoutingMetricsSchema) },
        },
      },
      async (request) => {
        await analytics.flush();
        const since = new Date(Date.now() - request.query.window_seconds * 1000);
        const totals = await readWindowTotals(database, { since, model: request.query.model });
        const routed = [...totals.values()].reduce((sum, entry) => sum + entry.routed, 0);
        const live = health.describe();
        return {
          window_seconds: request.query.window_seconds,
          model: request.query.model ?? null,
          providers: instances.list().map(({ adapter }) => {
            const entry = totals.get(adapter.id);
            return {
              provider: adapter.id,
              routed: entry?.routed ?? 0,
              share: routed ? (entry?.routed ?? 0) / routed : null,
              successes: entry?.successes ?? 0,
              failures: entry?.failures ?? 0,
              failure_rate: entry?.failureRate ?? null,
              p50_latency_ms: entry?.p50LatencyMs ?? null,
              p95_latency_ms: entry?.p95LatencyMs ?? null,
              cost_usd: entry?.costUsd ?? 0,
              cost_per_output_usd: entry?.costPerOutputUsd ?? null,
              live: live[adapter.id],
            };
          }),
        };
      },
    );
    app.get(
      '/admin/audit',
      {
        schema: {
          tags: ['admin'],
          summary: 'Control-plane changes: when, by whom, old → new, why',
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(1000).default(50),
            key: z.string().optional(),
          }),
          response: { 200: jsonResponse('Control-plane changes, newest first', AuditListSchema) },
        },
      },
      async (request) => ({
        object: 'list' as const,
        data: (
          await controlPlane.audit({ limit: request.query.limit, key: request.query.key })
        ).map((entry) => ({ ...entry, changed_at: entry.changed_at.toISOString() })),
      }),
    );
    app.get(
      '/admin/alerts',
      {
        schema: {
          tags: ['admin'],
          summary: 'Recent alerts',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: jsonResponse('Recent alerts, newest first', AlertListSchema) },
        },
      },
      async (request) => ({
        object: 'list' as const,
        data: (await dependencies.alerts.recent(request.query.limit)).map((alert) => ({
          ...alert,
          created_at: alert.created_at.toISOString(),
        })),
      }),
    );
  };
}
