import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../core/errors/index.js';
import { GenerationTask } from '../../core/generation-request.js';
import { JobStatus } from '../../core/job.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import {
  S5GenerateAnswerSchema,
  S5GenerateBodySchema,
  S5ListAnswerSchema,
  S5ListQuerySchema,
  S5StatusAnswerSchema,
  s5DefaultAspectRatio,
  s5ModelPaths,
} from '../schemas/s5-video-schemas.js';
import {
  adjustToOffering,
  providerDisplayName,
  providerJobIdOf,
  providerTier,
  s5FailureError,
  toS5Status,
  toS5StatusAnswer,
  toS5VideoJob,
} from './s5-video-translation.js';

/**
 * How long `POST /api/videos/generate` holds the request for a provider to accept the job (S5
 * answered with the provider's job id). A job still queued then is answered as queued.
 */
const acceptWaitMs = 30_000;

/** S5's figure when nothing has been observed for a model on a provider yet. */
const defaultEstimatedSeconds = 90;

/** The catalog key for what an S5 client sent as `model`; undefined when nothing matches. */
function resolveS5Model(instances: ProviderInstances, model: string): string | undefined {
  return (
    instances.resolveModelKey(model) ??
    (s5ModelPaths[model] ? instances.resolveModelKey(s5ModelPaths[model]) : undefined)
  );
}

function unknownModel(instances: ProviderInstances, model: string): ValidationError {
  const available = [
    ...new Set(
      instances
        .list()
        .flatMap((instance) => instance.adapter.models)
        .filter((offering) => offering.kind === 'video')
        .map((offering) => offering.modelKey),
    ),
  ].sort();
  return new ValidationError(
    `Unknown model '${model}'. Video models here: ${available.join(', ') || 'none'} (see GET /v1/models).`,
    { parameter: 'model', available },
    'unknown_model',
  );
}

/** Median of observed seconds, rounded up; S5's 90 s when there are none. */
function estimatedSeconds(observed: readonly number[]): number {
  if (observed.length === 0) return defaultEstimatedSeconds;
  const sorted = [...observed].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.max(1, Math.ceil(median));
}

/**
 * The S5 video engine's API, translated onto native jobs (see docs/migrating/s5-video-engine.md).
 *
 * @example
 * curl -X POST localhost:8787/api/videos/generate -H 'content-type: application/json' \
 *   -d '{"prompt":"a robot in a neon studio","model":"haiper/haiper-video-2","duration":5,"aspectRatio":"16:9"}'
 * curl localhost:8787/api/videos/status/gen_…
 * curl 'localhost:8787/api/videos/jobs?userId=user123&limit=10'
 */
export function s5VideoRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'config' | 'instances' | 'router' | 'generations'>,
): FastifyPluginAsyncZod {
  const { jobs, config, instances, router, generations } = dependencies;
  return async (app) => {
    app.post(
      '/api/videos/generate',
      {
        schema: {
          tags: ['s5'],
          summary: 'Generate a video (S5 video engine)',
          description:
            'Creates a native video job and holds the request until a provider accepted it. A duration or aspect ratio the model cannot render is moved to the nearest one it renders, charged as rendered, and reported in `warnings` (also on the job).',
          body: S5GenerateBodySchema,
          response: { 200: S5GenerateAnswerSchema },
        },
      },
      async (request) => {
        const body = request.body;
        const model = resolveS5Model(instances, body.model);
        if (!model) throw unknownModel(instances, body.model);
        // The provider routing would try first decides what "supported" means for this request.
        const first = router.plan(
          {
            kind: 'video',
            task: GenerationTask.textToVideo,
            model,
            prompt: body.prompt,
            inputImages: [],
            n: 1,
            user: body.userId,
            allowResubmit: false,
          },
          { dryRun: true },
        ).candidates[0];
        const adjusted = first
          ? adjustToOffering(
              first.offering,
              { duration: body.duration, aspectRatio: body.aspectRatio },
              s5DefaultAspectRatio,
            )
          : {
              duration: body.duration,
              aspectRatio: body.aspectRatio ?? s5DefaultAspectRatio,
              warnings: [],
            };
        // Nothing can serve it: the native checks below say why (400 or 503).
        const { job: created } = await jobs.create(
          {
            kind: 'video',
            model,
            prompt: body.prompt,
            duration: adjusted.duration,
            aspectRatio: adjusted.aspectRatio,
            user: body.userId,
          },
          { inline: true, warnings: adjusted.warnings, access: accessOf(request) },
        );
        const job = await jobs.wait(
          created.id,
          acceptWaitMs,
          accessOf(request),
          (status) => status !== JobStatus.queued,
        );
        if (job.status === JobStatus.failed || job.status === JobStatus.canceled)
          throw s5FailureError(instances, job);
        const provider = job.provider ?? first?.providerId ?? null;
        const observed = provider ? await generations.recentCompletionSeconds(model, provider) : [];
        return {
          jobId: job.id,
          providerJobId: providerJobIdOf(job),
          status: toS5Status(job.status),
          provider: providerDisplayName(instances, provider),
          tier: providerTier(instances, provider),
          estimatedTime: estimatedSeconds(observed),
          costUsd: job.cost.estimatedUsd,
          duration: job.request.duration ?? null,
          aspectRatio: job.request.aspectRatio ?? null,
          warnings: job.warnings,
        };
      },
    );

    app.get(
      '/api/videos/status/:jobId',
      {
        schema: {
          tags: ['s5'],
          summary: 'Status of a video job (S5 video engine)',
          params: z.object({ jobId: z.string().min(1).max(100) }),
          response: { 200: S5StatusAnswerSchema },
        },
      },
      async (request) =>
        toS5StatusAnswer(
          instances,
          await jobs.get(request.params.jobId, accessOf(request)),
          baseUrlOf(request, config.publicUrl),
        ),
    );

    app.get(
      '/api/videos/jobs',
      {
        schema: {
          tags: ['s5'],
          summary: "A user's video jobs, newest first (S5 video engine)",
          querystring: S5ListQuerySchema,
          response: { 200: S5ListAnswerSchema },
        },
      },
      async (request) => {
        const page = await jobs.list(
          { user: request.query.userId, kind: 'video', limit: request.query.limit },
          accessOf(request),
        );
        const baseUrl = baseUrlOf(request, config.publicUrl);
        return { jobs: page.jobs.map((job) => toS5VideoJob(instances, job, baseUrl)) };
      },
    );
  };
}
