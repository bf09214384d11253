import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { FeedbackSchema, GenerationSchema } from '../schemas/public-responses.js';
import { JobStatus } from '../../core/job.js';
import { z } from 'zod';
import { createId } from '../../core/create-id.js';
import { ConflictError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { baseUrlOf } from './base-url.js';
import { toJobResource } from '../../api/job-resource.js';
import { accessOf } from './api-key-auth.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/**
 * Regenerations (a user asking for a redo — the rollout guardrail's "regenerate voucher") and
 * ratings.
 *
 * @example
 * curl -X POST localhost:8787/v1/generations/gen_…/regenerate
 * curl -X POST localhost:8787/v1/generations/gen_…/feedback -d '{"rating":2}' -H 'content-type: application/json'
 */
export function feedbackRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'analytics' | 'generations' | 'config'>,
): FastifyPluginAsyncZod {
  const { jobs, analytics, generations, config } = dependencies;
  return async (app) => {
    app.post(
      '/v1/generations/:id/regenerate',
      {
        schema: {
          tags: ['generations'],
          summary:
            'Run a finished request again; counts as a regeneration against the original provider',
          params: IdParams,
          body: z
            .object({
              seed: z.number().int().min(0).max(4_294_967_295).optional(),
              reason: z.string().max(200).optional(),
            })
            .strict()
            .nullish(),
          response: {
            202: jsonResponse('The new job, queued', GenerationSchema),
            ...errorResponses(404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        const original = await jobs.get(request.params.id, accessOf(request));
        if (original.status !== JobStatus.succeeded && original.status !== JobStatus.failed) {
          throw new ConflictError(
            'job_not_finished',
            `Generation ${original.id} is ${original.status}; only finished generations can be regenerated.`,
            { status: original.status },
          );
        }
        // A new seed (unless given) so the redo is a different image, not the same one again.
        const { seed: _previousSeed, ...request_ } = original.request;
        const { job } = await jobs.create(
          { ...request_, seed: request.body?.seed },
          { regeneratedFrom: original.id, access: accessOf(request) },
        );
        analytics.record({
          type: 'voucher_issued',
          jobId: original.id,
          user: original.request.user,
          provider: original.provider ?? undefined,
          model: original.request.model,
          details: { reason: 'regenerate', new_job_id: job.id, note: request.body?.reason },
        });
        return reply.status(202).send(toJobResource(job, baseUrlOf(request, config.publicUrl)));
      },
    );
    app.post(
      '/v1/generations/:id/feedback',
      {
        schema: {
          tags: ['generations'],
          summary: 'Rate a generation (1–5)',
          params: IdParams,
          body: z
            .object({
              rating: z.number().int().min(1).max(5),
              comment: z.string().max(2000).optional(),
            })
            .strict(),
          response: { 201: jsonResponse('Stored', FeedbackSchema), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const job = await jobs.get(request.params.id, accessOf(request));
        const id = createId('feedback');
        await generations.insertFeedback({
          id,
          generationId: job.id,
          rating: request.body.rating,
          comment: request.body.comment ?? null,
          user: job.request.user ?? null,
        });
        analytics.record({
          type: 'gen_feedback',
          jobId: job.id,
          user: job.request.user,
          provider: job.provider ?? undefined,
          model: job.request.model,
          details: { rating: request.body.rating },
        });
        return reply.status(201).send({
          id,
          object: 'feedback' as const,
          generation_id: job.id,
          rating: request.body.rating,
          comment: request.body.comment ?? null,
        });
      },
    );
  };
}
