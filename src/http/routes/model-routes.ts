import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type { UnavailableOffering } from '../../routing/control-plane/offering-availability.js';
import type { AppDependencies } from './app-dependencies.js';
import {
  CreateGenerationBodySchema,
  toGenerationDraft,
} from '../schemas/create-generation-body.js';
import { ValidationError } from '../../core/errors/index.js';
import { inferTask } from '../../jobs/infer-task.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { EstimateSchema, ModelListSchema } from '../schemas/public-responses.js';

function describeOffering(
  providerId: string,
  enabled: boolean,
  offering: ModelOffering,
  gone: UnavailableOffering | undefined,
) {
  return {
    provider: providerId,
    provider_model_id: offering.providerModelId,
    enabled,
    /** False when the provider is switched off or refused the model (see `unavailable`). */
    available: enabled && gone === undefined,
    /** Why the provider no longer serves this model, until an operator restores it. */
    unavailable: gone ? { code: gone.code, reason: gone.reason, since: gone.since } : null,
    deprecated: offering.deprecated,
    quality_score: offering.qualityScore,
    price: offering.price,
    capabilities: offering.capabilities,
  };
}

/**
 * The model catalog and cost estimates.
 *
 * @example
 * curl localhost:8787/v1/models
 * curl -X POST localhost:8787/v1/estimate -H 'content-type: application/json' \
 *   -d '{"model":"sim-video","prompt":"x","duration":5}'
 */
export function modelRoutes(
  dependencies: Pick<AppDependencies, 'instances' | 'router' | 'jobs' | 'offerings'>,
): FastifyPluginAsyncZod {
  const { instances, router, offerings } = dependencies;
  return async (app) => {
    app.get(
      '/v1/models',
      {
        schema: {
          tags: ['models'],
          summary: 'List models with their providers and prices',
          response: { 200: jsonResponse('The catalog', ModelListSchema) },
        },
      },
      async () => {
        const byKey = new Map<
          string,
          { kind: string; displayName?: string; providers: ReturnType<typeof describeOffering>[] }
        >();
        for (const instance of instances.list()) {
          for (const offering of instance.adapter.models) {
            const entry = byKey.get(offering.modelKey) ?? {
              kind: offering.kind,
              displayName: offering.displayName,
              providers: [],
            };
            const gone = offerings.unavailable(instance.adapter.id, offering.modelKey);
            entry.providers.push(
              describeOffering(instance.adapter.id, instance.enabled, offering, gone),
            );
            byKey.set(offering.modelKey, entry);
          }
        }
        return {
          object: 'list' as const,
          data: [...byKey.entries()]
            .sort(([left], [right]) => left.localeCompare(right))
            .map(([key, entry]) => ({
              id: key,
              object: 'model' as const,
              kind: entry.kind,
              display_name: entry.displayName ?? key,
              providers: entry.providers,
            })),
        };
      },
    );

    app.post(
      '/v1/estimate',
      {
        schema: {
          tags: ['models'],
          summary: 'Estimate the cost of a request on each capable provider',
          body: CreateGenerationBodySchema,
          response: { 200: jsonResponse('Estimates', EstimateSchema), ...errorResponses(422) },
        },
      },
      async (request) => {
        // A style preset may supply the model, prompt template and size.
        const draft = dependencies.jobs.styled(toGenerationDraft(request.body));
        draft.model = instances.resolveModelKey(draft.model) ?? draft.model;
        const offerings = instances.offeringsFor(draft.model);
        if (offerings.length === 0)
          throw new ValidationError(
            `Unknown model '${draft.model}'. See GET /v1/models.`,
            { parameter: 'model' },
            'unknown_model',
          );
        const kind = offerings[0]!.offering.kind;
        const inputImages = draft.inputImages ?? [];
        const task = draft.task ?? inferTask(kind, { inputImages, mask: draft.mask });
        // A dry run: an estimate must not take a half-open breaker's single probe (which would
        // keep a recovered provider out of rotation) nor count as a routing decision.
        const plan = router.plan(
          { ...draft, kind, task, inputImages, n: draft.n ?? 1, allowResubmit: false },
          { dryRun: true },
        );
        return {
          object: 'estimate' as const,
          model: draft.model,
          currency: 'USD' as const,
          providers: plan.candidates.map((candidate) => ({
            provider: candidate.providerId,
            provider_model_id: candidate.offering.providerModelId,
            estimated_usd: candidate.estimatedCostUsd,
          })),
          unavailable: plan.rejected.map((rejected) => ({
            provider: rejected.providerId,
            reason: rejected.reason,
            message: rejected.message,
          })),
        };
      },
    );
  };
}
