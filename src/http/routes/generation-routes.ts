import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isTerminal, JobStatus } from '../../core/job.js';
import { ValidationError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { baseUrlOf } from './base-url.js';
import {
  CreateGenerationBodySchema,
  toGenerationDraft,
} from '../schemas/create-generation-body.js';
import { toJobResource } from '../../api/job-resource.js';
import { accessOf } from './api-key-auth.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { GenerationListSchema, GenerationSchema } from '../schemas/public-responses.js';

const maxWaitSeconds = 600;
const IdParams = z.object({ id: z.string().min(1).max(100) });
const WaitQuery = z.object({
  /** Hold the request up to this many seconds for the job to end. */
  wait: z.coerce.number().min(0).max(maxWaitSeconds).optional(),
});

/** `Prefer: wait=N` (RFC 7240), as Replicate uses it. */
function preferWait(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = value ? /(?:^|[,;\s])wait(?:=(\d+))?/i.exec(value) : null;
  if (!match) return undefined;
  return Math.min(Number(match[1] ?? 60), maxWaitSeconds);
}

/**
 * The native generations API.
 *
 * @example
 * curl -X POST localhost:8787/v1/generations?wait=30 -H 'content-type: application/json' \
 *   -d '{"model":"sim-image","prompt":"a red balloon","width":512,"height":512}'
 */
export function generationRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'config'>,
): FastifyPluginAsyncZod {
  const { jobs, config } = dependencies;
  return async (app) => {
    app.post(
      '/v1/generations',
      {
        schema: {
          tags: ['generations'],
          summary: 'Create a generation job',
          description:
            'Stores the job durably, then answers 202 (or 200 when `wait` lets it finish). Same Idempotency-Key + same body returns the same job; a different body gets 409.',
          body: CreateGenerationBodySchema,
          querystring: WaitQuery,
          headers: z
            .object({
              'idempotency-key': z.string().min(1).max(255).optional(),
              prefer: z.string().optional(),
            })
            .loose(),
          response: {
            200: jsonResponse('The job ended within `wait`', GenerationSchema),
            202: jsonResponse('Accepted: stored and queued (poll `Location`)', GenerationSchema),
            ...errorResponses(404, 409, 413, 422, 503),
          },
        },
      },
      async (request, reply) => {
        const wait = request.query.wait ?? preferWait(request.headers.prefer) ?? 0;
        const { job: created, created: isNew } = await jobs.create(
          toGenerationDraft(request.body),
          // A client that waits is served inline (the queue keeps a backstop message).
          {
            idempotencyKey: request.headers['idempotency-key'],
            inline: wait > 0,
            access: accessOf(request),
          },
        );
        // A new job's state is known (just stored): the wait skips its first read.
        const job =
          wait > 0
            ? await jobs.wait(
                created.id,
                wait * 1000,
                undefined,
                undefined,
                isNew ? created : undefined,
              )
            : created;
        reply.header('location', `/v1/generations/${job.id}`);
        if (!isNew) reply.header('idempotent-replayed', 'true');
        return reply
          .status(isTerminal(job.status) ? 200 : 202)
          .send(toJobResource(job, baseUrlOf(request, config.publicUrl)));
      },
    );

    app.get(
      '/v1/generations/:id',
      {
        schema: {
          tags: ['generations'],
          summary: 'Get a generation job',
          params: IdParams,
          querystring: WaitQuery,
          response: { 200: jsonResponse('The job', GenerationSchema), ...errorResponses(404) },
        },
      },
      async (request) => {
        const wait = request.query.wait ?? preferWait(request.headers.prefer) ?? 0;
        const job =
          wait > 0
            ? await jobs.wait(request.params.id, wait * 1000, accessOf(request))
            : await jobs.get(request.params.id, accessOf(request));
        return toJobResource(job, baseUrlOf(request, config.publicUrl));
      },
    );

    app.get(
      '/v1/generations',
      {
        schema: {
          tags: ['generations'],
          summary: 'List generation jobs, newest first',
          querystring: z.object({
            user: z.string().min(1).max(256).optional(),
            status: z.enum(JobStatus).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
            cursor: z.string().max(200).optional(),
          }),
          response: { 200: jsonResponse('A page of jobs', GenerationListSchema) },
        },
      },
      async (request) => {
        const page = await jobs.list(request.query, accessOf(request));
        const baseUrl = baseUrlOf(request, config.publicUrl);
        return {
          object: 'list' as const,
          data: page.jobs.map((job) => toJobResource(job, baseUrl)),
          next_cursor: page.nextCursor,
          has_more: page.nextCursor !== null,
        };
      },
    );

    app.post(
      '/v1/generations/:id/cancel',
      {
        schema: {
          tags: ['generations'],
          summary: 'Cancel an unfinished job',
          params: IdParams,
          response: {
            200: jsonResponse('The job, canceled (or already ended)', GenerationSchema),
            ...errorResponses(404, 409),
          },
        },
      },
      async (request) => {
        if (
          request.body !== undefined &&
          request.body !== null &&
          typeof request.body !== 'object'
        ) {
          throw new ValidationError('cancel takes no body');
        }
        return toJobResource(
          await jobs.cancel(request.params.id, accessOf(request)),
          baseUrlOf(request, config.publicUrl),
        );
      },
    );
  };
}
