import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ValidationError } from '../../core/errors/index.js';
import { isTerminal, JobStatus, type Job } from '../../core/job.js';
import type { StyledDraft } from '../../jobs/apply-style-preset.js';
import { formatIssues } from '../../config/load-config.js';
import type { AppDependencies } from './app-dependencies.js';
import { multipartParts } from './multipart-parts.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import {
  S3BatchAnswerSchema,
  S3BatchBodySchema,
  S3GenerationAnswerSchema,
  S3InspirationBodySchema,
  S3PendingAnswerSchema,
  S3PromptBodySchema,
  type S3InspirationBody,
} from '../schemas/s3-motif-schemas.js';
import { s3Draft, s3FailureError, toS3Answer, toS3BatchItem } from './s3-motif-translation.js';
import { ownAssetId } from './s1-runware-routes.js';

type Dependencies = Pick<AppDependencies, 'jobs' | 'config' | 'instances' | 'assets'>;

/** Reads a multipart inspiration request: the `file` part is stored as an upload. */
async function readMultipartInspiration(
  request: FastifyRequest,
  dependencies: Dependencies,
): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  for await (const part of multipartParts(request)) {
    if (part.type === 'file') {
      const asset = await dependencies.assets.saveImageUpload({
        body: part.file,
        maxBytes: dependencies.config.uploads.maxBytes,
        what: 'The inspiration image',
        tenantId: accessOf(request)?.tenantId ?? null,
      });
      fields.image_url = asset.id;
    } else if (typeof part.value === 'string') {
      // Form fields arrive as text; numbers and booleans are what the JSON body would carry.
      fields[part.fieldname] = /^(true|false)$/.test(part.value)
        ? part.value === 'true'
        : /^\d+$/.test(part.value) && part.fieldname !== 'prompt' && part.fieldname !== 'user_id'
          ? Number(part.value)
          : part.value;
    }
  }
  return fields;
}

/**
 * Seed system S3's generation API, translated onto native image jobs that the request waits
 * for (see docs/migrating/s3-image-service-manager.md). Style presets, quality tiers, prompt
 * enhancement and S3's fallback (Gemini) are the native features of the same names.
 *
 * @example
 * curl -X POST localhost:8787/motif/generation/generate-from-prompt -H 'content-type: application/json' \
 *   -d '{"prompt":"A beautiful party decoration with balloons and confetti","style":"party","user_id":"test_user"}'
 * curl -X POST localhost:8787/motif/generation/generate-from-inspiration -F file=@room.png -F prompt='same room, birthday' -F strength=0.6
 * curl -X POST localhost:8787/motif/generation/generate-batch -H 'content-type: application/json' \
 *   -d '{"prompts":["balloon arch","confetti table"],"style":"party"}'
 */
export function s3MotifGenerationRoutes(dependencies: Dependencies): FastifyPluginAsyncZod {
  const { jobs, config, instances } = dependencies;
  const waitMs = config.compat.s3.waitSeconds * 1000;

  const draftOf = (body: Parameters<typeof s3Draft>[2]): StyledDraft =>
    s3Draft(instances, config, body, body.style ? jobs.stylePresets[body.style]?.model : undefined);

  /** Creates the job and holds the request until it ends or `compat.s3.waitSeconds` pass. */
  const run = async (request: FastifyRequest, draft: StyledDraft): Promise<Job> => {
    const access = accessOf(request);
    const { job } = await jobs.create(draft, { inline: true, access });
    return jobs.wait(job.id, waitMs, access);
  };

  /** 200 with the images, 202 while still running, the job's own error when it failed. */
  const answer = (request: FastifyRequest, reply: FastifyReply, job: Job) => {
    const baseUrl = baseUrlOf(request, config.publicUrl);
    if (job.status === JobStatus.succeeded && job.outputs.length > 0)
      return toS3Answer(instances, job, baseUrl);
    if (isTerminal(job.status)) throw s3FailureError(job);
    reply.code(202);
    return {
      success: false as const,
      status: 'processing' as const,
      generation_id: job.id,
      status_url: `${baseUrl}/v1/generations/${job.id}`,
      message: `Not finished within ${config.compat.s3.waitSeconds} s; it keeps running. Poll status_url.`,
    };
  };

  return async (app) => {
    app.post(
      '/motif/generation/generate-from-prompt',
      {
        schema: {
          tags: ['s3'],
          summary: 'Generate images from a prompt and a style (S3)',
          description:
            'A native text-to-image job with the style preset applied, held until done. 202 with the generation id when not done within compat.s3.waitSeconds.',
          body: S3PromptBodySchema,
          response: { 200: S3GenerationAnswerSchema, 202: S3PendingAnswerSchema },
        },
      },
      async (request, reply) => answer(request, reply, await run(request, draftOf(request.body))),
    );

    app.post(
      '/motif/generation/generate-from-inspiration',
      {
        schema: {
          tags: ['s3'],
          summary: 'Generate images from an inspiration image (S3)',
          description:
            'Image-to-image. JSON `{prompt, image_url, strength, style, user_id}` (image_url: http(s), data:image URI or an uploaded asset id; fetched with the SSRF checks of the native API), or multipart/form-data with a `file` part and the same fields.',
          response: { 200: S3GenerationAnswerSchema, 202: S3PendingAnswerSchema },
        },
      },
      async (request, reply) => {
        const raw = request.isMultipart()
          ? await readMultipartInspiration(request, dependencies)
          : request.body;
        const parsed = S3InspirationBodySchema.safeParse(raw ?? {});
        if (!parsed.success)
          throw new ValidationError(`Invalid body:\n${formatIssues(parsed.error.issues)}`, {
            issues: parsed.error.issues.map((issue) => ({
              path: issue.path.join('.'),
              message: issue.message,
            })),
          });
        const body: S3InspirationBody = parsed.data;
        if (!body.image_url)
          throw new ValidationError(
            'An inspiration image is needed: image_url, or a multipart `file` part.',
            { parameter: 'image_url' },
          );
        // A link to this gateway's own asset (an earlier result) is used without fetching it.
        const image =
          ownAssetId(body.image_url, baseUrlOf(request, config.publicUrl)) ?? body.image_url;
        const draft: StyledDraft = {
          ...draftOf(body),
          task: 'image-to-image',
          inputImages: [image],
          strength: body.strength,
        };
        return answer(request, reply, await run(request, draft));
      },
    );

    app.post(
      '/motif/generation/generate-batch',
      {
        schema: {
          tags: ['s3'],
          summary: 'Generate several images concurrently (S3)',
          description:
            'One native job per prompt (or `num_variations` of one prompt), created and awaited concurrently. Each item reports its own outcome; 207 when some failed.',
          body: S3BatchBodySchema,
          response: { 200: S3BatchAnswerSchema, 207: S3BatchAnswerSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const prompts =
          body.prompts ?? Array.from({ length: body.num_variations ?? 1 }, () => body.prompt!);
        const limit = config.compat.s3.maxBatchSize;
        if (prompts.length * (body.num_images ?? 1) > limit)
          throw new ValidationError(
            `A batch may ask for at most ${limit} images (compat.s3.maxBatchSize).`,
            { parameter: 'prompts', max: limit },
          );
        const baseUrl = baseUrlOf(request, config.publicUrl);
        const outcomes = await Promise.all(
          prompts.map(async (prompt, index) => {
            try {
              const job = await run(request, draftOf({ ...body, prompt }));
              return toS3BatchItem(instances, index, prompt, { job, baseUrl });
            } catch (error) {
              return toS3BatchItem(instances, index, prompt, { error });
            }
          }),
        );
        const succeeded = outcomes.filter((item) => item.success).length;
        if (succeeded < outcomes.length) reply.code(207);
        return {
          success: succeeded === outcomes.length,
          total: outcomes.length,
          succeeded,
          failed: outcomes.length - succeeded,
          total_cost: outcomes.reduce((sum, item) => sum + (item.cost ?? 0), 0),
          results: outcomes,
        };
      },
    );
  };
}
