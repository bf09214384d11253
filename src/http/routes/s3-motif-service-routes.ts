import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readWindowTotals } from '../../analytics/rollup-reader.js';
import { isTerminal, JobStatus } from '../../core/job.js';
import { normalizeRequest } from '../../jobs/normalize-request.js';
import type { AppDependencies } from './app-dependencies.js';
import { adminAuthWhenEnabled } from './admin-auth.js';
import { authorOf } from './admin-routing-routes.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import {
  S3CostEstimateBodySchema,
  S3PrimaryBodySchema,
  S3StrategyBodySchema,
  S3TestGenerationBodySchema,
} from '../schemas/s3-motif-schemas.js';
import {
  s3DefaultModel,
  s3Draft,
  s3FallbackModels,
  s3ProviderId,
  toS3Answer,
} from './s3-motif-translation.js';

type Dependencies = Pick<
  AppDependencies,
  'jobs' | 'config' | 'instances' | 'router' | 'controlPlane' | 'health' | 'analytics' | 'database'
>;

/** How long a test generation may take before it is reported as unfinished. */
const testWaitMs = 60_000;

/**
 * Seed system S3's service management API over Switchyard's control plane, health checks and
 * analytics: changes are audited and obeyed by every instance within a second. Open while no
 * `SWITCHYARD_ADMIN_KEY` is set (as S3 was); the admin key once one is.
 *
 * @example
 * curl localhost:8787/motif/services/status
 * curl -X POST localhost:8787/motif/services/routing-strategy -H 'content-type: application/json' \
 *   -d '{"strategy":"cost_optimized"}'
 */
export function s3MotifServiceRoutes(dependencies: Dependencies): FastifyPluginAsyncZod {
  const { jobs, config, instances, router, controlPlane, health } = dependencies;

  const routingView = () => {
    const settings = controlPlane.settings();
    const model = s3DefaultModel(instances, config);
    return {
      routing_strategy: settings.strategy,
      primary_provider: settings.primary,
      fallback_providers: settings.chain.slice(1),
      default_model: model ?? null,
      fallback_models: s3FallbackModels(instances, config, model),
    };
  };

  const providerStatus = () => {
    const live = health.describe();
    return Object.fromEntries(
      instances.list().map(({ adapter, enabled }) => {
        const view = live[adapter.id];
        return [
          adapter.id,
          {
            name: adapter.id,
            type: adapter.type,
            enabled,
            healthy: view?.ok ?? false,
            circuit: view?.circuit ?? 'closed',
            credits: view?.credits ?? 'unknown',
            error: view?.error ?? null,
            success_rate: view?.success_rate ?? null,
            p95_latency_ms: view?.p95_latency_ms ?? null,
            in_flight: view?.in_flight ?? 0,
            last_check_at: view?.last_check_at ?? null,
          },
        ];
      }),
    );
  };

  return async (app) => {
    app.addHook('onRequest', adminAuthWhenEnabled(config));

    app.get(
      '/motif/services/status',
      { schema: { tags: ['s3'], summary: 'Every provider and the routing in force (S3)' } },
      async () => {
        const providers = providerStatus();
        const healthy = Object.values(providers).filter((entry) => entry.healthy).length;
        const total = Object.keys(providers).length;
        return {
          status: healthy === total ? 'healthy' : healthy > 0 ? 'degraded' : 'unhealthy',
          healthy_providers: healthy,
          total_providers: total,
          ...routingView(),
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
          success: true,
          previous_strategy: previous,
          ...routingView(),
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
        },
      },
      async (request) => {
        const provider = s3ProviderId(instances, request.body.provider);
        await controlPlane.setPrimary(
          provider,
          authorOf(request, request.body.reason ?? 'POST /motif/services/primary-provider'),
        );
        return { success: true, ...routingView(), message: `Primary provider set to ${provider}.` };
      },
    );

    app.get(
      '/motif/services/providers',
      {
        schema: {
          tags: ['s3'],
          summary: 'Provider capabilities: image models, tasks, tiers, prices; style presets (S3)',
        },
      },
      async () => ({
        providers: instances.list().map(({ adapter, enabled }) => ({
          name: adapter.id,
          type: adapter.type,
          enabled,
          prompt_enhancement: Boolean(adapter.enhancePrompt),
          models: adapter.models
            .filter((offering) => offering.kind === 'image')
            .map((offering) => ({
              model: offering.modelKey,
              provider_model_id: offering.providerModelId,
              display_name: offering.displayName ?? offering.modelKey,
              tasks: offering.capabilities.tasks,
              quality_tiers:
                offering.capabilities.qualityTiers ?? Object.keys(offering.qualitySettings ?? {}),
              quality_settings: offering.qualitySettings ?? {},
              max_images: offering.capabilities.maxOutputs,
              aspect_ratios: offering.capabilities.aspectRatios ?? [],
              supports_strength: offering.capabilities.supportsStrength,
              supports_negative_prompt: offering.capabilities.supportsNegativePrompt,
              price: offering.price,
              quality_score: offering.qualityScore,
              deprecated: offering.deprecated,
            })),
        })),
        style_presets: Object.fromEntries(
          Object.entries(jobs.stylePresets).map(([name, preset]) => [
            name,
            {
              description: preset.description ?? null,
              model: preset.model ?? null,
              aspect_ratio: preset.aspectRatio ?? null,
              size: preset.size ?? null,
              quality: preset.quality ?? null,
            },
          ]),
        ),
      }),
    );

    app.post(
      '/motif/services/test-generation',
      {
        schema: {
          tags: ['s3'],
          summary: 'Generate one test image (on one provider, or as routed) and time it (S3)',
          body: S3TestGenerationBodySchema,
        },
      },
      async (request) => {
        const body = request.body;
        const provider = body.provider ? s3ProviderId(instances, body.provider) : undefined;
        const served = provider
          ? instances.adapter(provider)?.models.find((offering) => offering.kind === 'image')
          : undefined;
        const model = body.model ?? (provider ? served?.modelKey : undefined);
        const draft = s3Draft(instances, config, { prompt: body.prompt, model }, undefined);
        const started = Date.now();
        const { job: created } = await jobs.create(
          { ...draft, provider, fallbackModels: provider ? undefined : draft.fallbackModels },
          { inline: true, access: accessOf(request) },
        );
        const job = await jobs.wait(created.id, testWaitMs);
        const succeeded = job.status === JobStatus.succeeded && job.outputs.length > 0;
        return {
          success: succeeded,
          status: succeeded ? 'completed' : isTerminal(job.status) ? 'failed' : 'processing',
          provider: job.provider,
          generation_id: job.id,
          response_time_ms: Date.now() - started,
          result: succeeded
            ? toS3Answer(instances, job, baseUrlOf(request, config.publicUrl))
            : null,
          error: job.error,
        };
      },
    );

    app.post(
      '/motif/services/cost-estimate',
      {
        schema: {
          tags: ['s3'],
          summary: 'Estimated cost on each provider that can serve the request (S3)',
          body: S3CostEstimateBodySchema,
        },
      },
      async (request) => {
        const body = request.body;
        // Price one image per request, as many requests as the batch has.
        const draft = s3Draft(
          instances,
          config,
          { ...body, num_images: 1 },
          body.style ? jobs.stylePresets[body.style]?.model : undefined,
        );
        const normalized = normalizeRequest(instances, jobs.styled(draft));
        const plan = router.plan(normalized, { dryRun: true });
        const estimates = plan.candidates.map((candidate) => ({
          provider: candidate.providerId,
          model: candidate.offering.modelKey,
          provider_model_id: candidate.offering.providerModelId,
          cost_per_image: candidate.estimatedCostUsd,
          estimated_cost:
            candidate.estimatedCostUsd === null
              ? null
              : candidate.estimatedCostUsd * body.num_images,
        }));
        const priced = estimates.filter((entry) => entry.estimated_cost !== null);
        const cheapest = priced.reduce<(typeof priced)[number] | undefined>(
          (best, entry) => (!best || entry.estimated_cost! < best.estimated_cost! ? entry : best),
          undefined,
        );
        return {
          model: normalized.model,
          num_images: body.num_images,
          quality: normalized.quality ?? null,
          currency: 'USD',
          routed_provider: estimates[0]?.provider ?? null,
          estimated_cost: estimates[0]?.estimated_cost ?? null,
          cheapest: cheapest ?? null,
          estimates,
          unavailable: plan.rejected,
        };
      },
    );

    app.post(
      '/motif/services/health-check',
      { schema: { tags: ['s3'], summary: 'Run every provider health check now (S3)' } },
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
          providers: providerStatus(),
        };
      },
    );

    app.get(
      '/motif/services/metrics',
      {
        schema: {
          tags: ['s3'],
          summary: 'Response times and success rates per provider over a window (S3)',
          querystring: z.object({
            window_seconds: z.coerce.number().int().min(60).max(86_400).default(3600),
          }),
        },
      },
      async (request) => {
        await dependencies.analytics.flush();
        const windowSeconds = request.query.window_seconds;
        const totals = await readWindowTotals(dependencies.database, {
          since: new Date(Date.now() - windowSeconds * 1000),
        });
        const live = health.describe();
        return {
          window_seconds: windowSeconds,
          providers: Object.fromEntries(
            instances.list().map(({ adapter }) => {
              const entry = totals.get(adapter.id);
              const finished = (entry?.successes ?? 0) + (entry?.failures ?? 0);
              return [
                adapter.id,
                {
                  total_requests: entry?.routed ?? 0,
                  successful_requests: entry?.successes ?? 0,
                  failed_requests: entry?.failures ?? 0,
                  success_rate: finished ? (entry?.successes ?? 0) / finished : null,
                  p50_response_time_ms: entry?.p50LatencyMs ?? null,
                  p95_response_time_ms: entry?.p95LatencyMs ?? null,
                  total_cost_usd: entry?.costUsd ?? 0,
                  cost_per_image_usd: entry?.costPerOutputUsd ?? null,
                  live: {
                    success_rate: live[adapter.id]?.success_rate ?? null,
                    p95_latency_ms: live[adapter.id]?.p95_latency_ms ?? null,
                    in_flight: live[adapter.id]?.in_flight ?? 0,
                  },
                },
              ];
            }),
          ),
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
        },
      },
      async (request) => {
        await controlPlane.reload();
        // S3 rebuilt its provider objects; here that means forgetting their failure history.
        for (const { adapter } of instances.list()) health.forceCircuit(adapter.id, 'closed');
        const results = await health.runChecks();
        request.log.warn('S3 reinitialize: control plane reloaded, circuits reset, checks run');
        return {
          success: true,
          reinitialized_at: new Date().toISOString(),
          ...routingView(),
          results: Object.fromEntries(
            results.map(({ provider, result }) => [
              provider,
              { healthy: result.ok, latency_ms: result.latencyMs, error: result.error ?? null },
            ]),
          ),
          providers: providerStatus(),
        };
      },
    );
  };
}
