import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readWindowTotals } from '../../analytics/rollup-reader.js';
import type { QualityTier } from '../../core/generation-request.js';
import { isTerminal, JobStatus } from '../../core/job.js';
import { normalizeRequest } from '../../jobs/normalize-request.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuthWhenEnabled } from './operator-auth.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import {
  S3CostEstimateBodySchema,
  S3TestGenerationBodySchema,
} from '../schemas/s3-motif-schemas.js';
import {
  S3CostEstimateSchema,
  S3ProviderCapabilitiesSchema,
  S3ServiceMetricsSchema,
  S3TestGenerationSchema,
  type S3TestGeneration,
} from '../schemas/s3-motif-service-responses.js';
import { s3Draft, s3ProviderId, toS3Answer } from './s3-motif-translation.js';

type Dependencies = Pick<
  AppDependencies,
  'jobs' | 'config' | 'instances' | 'router' | 'health' | 'analytics' | 'database' | 'apiKeys'
>;

/** How long a test generation may take before it is reported as unfinished. */
const testWaitMs = 60_000;

/**
 * Seed system S3's service management API, its provider half: what each provider can do
 * (capabilities, style presets), a timed test generation, cost estimates and measured
 * response times and success rates. Guarded as the routing half (`s3-motif-service-routes.ts`).
 *
 * @example
 * curl localhost:8787/motif/services/providers
 * curl -X POST localhost:8787/motif/services/cost-estimate -H 'content-type: application/json' \
 *   -d '{"prompt":"balloons","style":"party","num_images":4}'
 */
export function s3MotifProviderRoutes(dependencies: Dependencies): FastifyPluginAsyncZod {
  const { jobs, config, instances, router, health } = dependencies;

  return async (app) => {
    app.addHook('onRequest', operatorAuthWhenEnabled(dependencies));

    app.get(
      '/motif/services/providers',
      {
        schema: {
          tags: ['s3'],
          summary: 'Provider capabilities: image models, tasks, tiers, prices; style presets (S3)',
          response: {
            200: jsonResponse('Providers and style presets', S3ProviderCapabilitiesSchema),
            ...errorResponses(),
          },
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
                offering.capabilities.qualityTiers ??
                // The keys of a record keyed by tier (Object.keys types them as strings).
                (Object.keys(offering.qualitySettings ?? {}) as QualityTier[]),
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
          description:
            'A failed generation is a 200 with `success: false` and its error; a request that cannot be served at all is an error answer: 400 for an unknown provider or model, 402 when the budget is spent, 503 when no enabled provider can serve it.',
          body: S3TestGenerationBodySchema,
          response: {
            200: jsonResponse('How the test generation went', S3TestGenerationSchema),
            ...errorResponses(402, 503),
          },
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
        const status: S3TestGeneration['status'] = succeeded
          ? 'completed'
          : isTerminal(job.status)
            ? 'failed'
            : 'processing';
        return {
          success: succeeded,
          status,
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
          response: {
            200: jsonResponse('Estimates per provider, the routed one first', S3CostEstimateSchema),
            ...errorResponses(),
          },
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
          currency: 'USD' as const,
          routed_provider: estimates[0]?.provider ?? null,
          estimated_cost: estimates[0]?.estimated_cost ?? null,
          cheapest: cheapest ?? null,
          estimates,
          unavailable: plan.rejected,
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
          response: {
            200: jsonResponse('Measured figures per provider', S3ServiceMetricsSchema),
            ...errorResponses(),
          },
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
  };
}
