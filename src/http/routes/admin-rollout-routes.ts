import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { StartRolloutSchema } from '../../core/rollout-plan.js';
import type { Rollout, RolloutDecision } from '../../rollout/rollout-store.js';
import { planRollout } from '../../rollout/plan-rollout.js';
import { readArmTotals } from '../../rollout/read-arm-totals.js';
import { readShadowSummary } from '../../rollout/read-shadow-summary.js';
import { inShadowStage } from '../../rollout/rollout-store.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { authorOf } from './admin-routing-routes.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import {
  RolloutDecisionListSchema,
  RolloutDryRunSchema,
  RolloutListSchema,
  RolloutSchema,
} from '../schemas/admin-rollout-responses.js';

const rolloutResponse = { 200: jsonResponse('The rollout', RolloutSchema), ...errorResponses(404) };

function decisionJson(decision: RolloutDecision) {
  return { ...decision, at: decision.at.toISOString() };
}

const IdParams = z.object({ id: z.string().min(1).max(100) });
const ReasonBody = z
  .object({ reason: z.string().max(500).optional() })
  .strict()
  .nullish();

/**
 * Admin: canary rollouts.
 *
 * @example
 * curl -X POST localhost:8787/admin/rollouts -H "authorization: Bearer $KEY" -H 'content-type: application/json' \
 *   -d '{"baseline":"fal","canary":"runware","reason":"move to Runware"}'
 * # a model rollout: the requests for flux-dev move to flux-2, on whichever providers serve it
 *   -d '{"fromModel":"flux-dev","toModel":"flux-2"}'
 */
export function adminRolloutRoutes(
  dependencies: Pick<
    AppDependencies,
    'rollouts' | 'controlPlane' | 'database' | 'analytics' | 'config' | 'apiKeys'
  >,
): FastifyPluginAsyncZod {
  const { rollouts, controlPlane, database, analytics, config } = dependencies;

  /** The split in force: provider weights, or the share of a model rollout's redirect. */
  function weightsOf(rollout: Rollout): Record<string, number> {
    if (rollout.kind === 'model') {
      const redirect = controlPlane.settings().redirects[rollout.baseline];
      const share = redirect?.to === rollout.canary ? redirect.weight : 0;
      return { [rollout.baseline]: Math.round((1 - share) * 1e6) / 1e6, [rollout.canary]: share };
    }
    const settings = rollout.model
      ? controlPlane.settingsFor(rollout.model)
      : controlPlane.settings();
    return {
      [rollout.baseline]: settings.weights[rollout.baseline] ?? 0,
      [rollout.canary]: settings.weights[rollout.canary] ?? 0,
    };
  }

  /** The shadow stage: its plan, how it went, copies and spend against the budget. */
  async function describeShadow(rollout: Rollout) {
    const plan = rollout.plan.shadow;
    const course = rollout.state.shadow;
    if (!plan || !course) return null;
    const summary = await readShadowSummary(database, rollout.id);
    return {
      status: inShadowStage(rollout) ? ('running' as const) : ('ended' as const),
      outcome: course.outcome,
      fraction: plan.fraction,
      budget_usd: plan.budgetUsd,
      duration_seconds: plan.durationSeconds ?? null,
      started_at: course.startedAt,
      ended_at: course.endedAt,
      copies: rollout.shadowCopies,
      reserved_usd: rollout.shadowReservedUsd,
      spent_usd: summary.spentUsd,
      budget_spent_at: rollout.shadowBudgetSpentAt?.toISOString() ?? null,
      succeeded: summary.succeeded,
      failed: summary.failed,
      unfinished: summary.unfinished,
      recent_jobs: summary.recent.map((job) => ({
        id: job.id,
        client_job_id: job.clientJobId,
        status: job.status,
        provider: job.provider,
        model: job.model,
        cost_usd: job.costUsd,
        outputs: job.outputs.map((assetId) => ({
          asset_id: assetId,
          url: `/v1/assets/${assetId}`,
        })),
        error_code: job.errorCode,
        created_at: job.createdAt,
      })),
    };
  }

  async function describe(rollout: Rollout) {
    await analytics.flush();
    // Counted from the stage's start (or the last resume), never from before the rollout.
    const since = rollout.state.splitSince
      ? new Date(rollout.state.splitSince)
      : rollout.stageStartedAt;
    const window = await readArmTotals(database, rollout, since);
    const shadowing = inShadowStage(rollout);
    const baselineRouted = window.baseline?.routed ?? 0;
    // In a shadow stage the canary's routed requests are the copies, no live share.
    const canaryRouted = shadowing ? 0 : (window.canary?.routed ?? 0);
    const total = baselineRouted + canaryRouted;
    const stage = rollout.plan.stages[rollout.currentStage]!;
    const isModelRollout = rollout.kind === 'model';
    return {
      id: rollout.id,
      object: 'rollout' as const,
      status: rollout.status,
      // `model`: the arms are models (baseline = from_model, canary = to_model).
      kind: rollout.kind,
      baseline: rollout.baseline,
      canary: rollout.canary,
      model: rollout.model,
      from_model: isModelRollout ? rollout.baseline : null,
      to_model: isModelRollout ? rollout.canary : null,
      stage: {
        // `shadow`: before the first live stage, the canary gets copies only.
        phase: shadowing ? ('shadow' as const) : ('live' as const),
        index: rollout.currentStage,
        number: rollout.currentStage + 1,
        of: rollout.plan.stages.length,
        canary_weight: shadowing ? 0 : stage.weight,
        min_duration_seconds: stage.minDurationSeconds,
        started_at: rollout.stageStartedAt.toISOString(),
      },
      weights: weightsOf(rollout),
      observed_split: {
        since: since.toISOString(),
        requests: total,
        [rollout.baseline]: total ? baselineRouted / total : null,
        [rollout.canary]: total ? canaryRouted / total : null,
      },
      superseded: rollout.state.superseded,
      shadow: await describeShadow(rollout),
      guardrails: (rollout.lastEvaluation as { guardrails?: unknown } | null)?.guardrails ?? null,
      // Canary against baseline over the stage so far: effect, bound, sequential p-value, α.
      comparisons:
        (rollout.lastEvaluation as { comparisons?: unknown } | null)?.comparisons ?? null,
      last_evaluation: rollout.lastEvaluation,
      last_evaluated_at: rollout.lastEvaluatedAt?.toISOString() ?? null,
      plan: rollout.plan,
      reason: rollout.reason,
      created_by: rollout.createdBy,
      created_at: rollout.createdAt.toISOString(),
      finished_at: rollout.finishedAt?.toISOString() ?? null,
      decisions: (
        await rollouts.store.decisions(rollout.id, { limit: 100, includeEvaluations: false })
      ).map(decisionJson),
    };
  }

  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));
    app.post(
      '/admin/rollouts',
      {
        schema: {
          tags: ['admin'],
          summary: 'Start a canary rollout (`?dry_run=true`: size its stages, start nothing)',
          body: StartRolloutSchema,
          querystring: z.object({ dry_run: z.enum(['true', 'false']).optional() }),
          response: {
            200: jsonResponse(
              'The dry run: the plan sized at current traffic',
              RolloutDryRunSchema,
            ),
            201: jsonResponse('The rollout started', RolloutSchema),
            ...errorResponses(404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        if (request.query.dry_run === 'true')
          return reply.status(200).send(
            await planRollout(database, request.body, {
              defaults: config.rollouts.defaults,
              bucketSeconds: config.analytics.rollupBucketSeconds,
              now: Date.now(),
            }),
          );
        const rollout = await rollouts.start(request.body, authorOf(request, request.body.reason));
        return reply.status(201).send(await describe(rollout));
      },
    );
    app.get(
      '/admin/rollouts',
      {
        schema: {
          tags: ['admin'],
          summary: 'Rollouts, newest first',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
          response: { 200: jsonResponse('Rollouts, newest first', RolloutListSchema) },
        },
      },
      async (request) => ({
        object: 'list' as const,
        data: await Promise.all((await rollouts.store.list(request.query.limit)).map(describe)),
      }),
    );
    app.get(
      '/admin/rollouts/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Stage, weights, observed split, guardrails vs limits, decisions',
          params: IdParams,
          response: rolloutResponse,
        },
      },
      async (request) => describe(await rollouts.require(request.params.id)),
    );
    app.get(
      '/admin/rollouts/:id/decisions',
      {
        schema: {
          tags: ['admin'],
          summary: 'Full decision history including every evaluation',
          params: IdParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
          response: {
            200: jsonResponse('The decision history', RolloutDecisionListSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => ({
        object: 'list' as const,
        data: (
          await rollouts.store.decisions((await rollouts.require(request.params.id)).id, {
            limit: request.query.limit,
            includeEvaluations: true,
          })
        ).map(decisionJson),
      }),
    );
    const manual = {
      pause: (rollout: Rollout, actor: string, reason?: string) =>
        rollouts.pause(rollout, actor, reason),
      resume: (rollout: Rollout, actor: string, reason?: string) =>
        rollouts.resume(rollout, actor, reason),
      promote: (rollout: Rollout, actor: string, reason?: string) =>
        rollouts.promote(rollout, actor, { manual: true, ...(reason ? { reason } : {}) }),
      rollback: (rollout: Rollout, actor: string, reason?: string) =>
        rollouts.rollback(rollout, actor, reason ? `manual: ${reason}` : 'manual rollback'),
    };
    for (const [action, run] of Object.entries(manual)) {
      app.post(
        `/admin/rollouts/:id/${action}`,
        {
          schema: {
            tags: ['admin'],
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a rollout`,
            params: IdParams,
            body: ReasonBody,
            response: { ...rolloutResponse, ...errorResponses(404, 409) },
          },
        },
        async (request) => {
          const rollout = await rollouts.require(request.params.id);
          const author = authorOf(request, request.body?.reason);
          return describe(await run(rollout, author.actor, request.body?.reason));
        },
      );
    }
  };
}
