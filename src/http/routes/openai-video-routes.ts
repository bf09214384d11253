import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GatewayError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { JobStatus, type Job } from '../../core/job.js';
import { formatIssues } from '../../config/load-config.js';
import type { AppDependencies } from './app-dependencies.js';
import { multipartParts } from './multipart-parts.js';
import { ImageReferenceSchema } from '../schemas/create-generation-body.js';
import { resolveOpenAiModel } from './openai-image-routes.js';
import { accessOf } from './api-key-auth.js';
import { sendAsset } from './send-asset.js';

const CreateVideoSchema = z
  .object({
    prompt: z.string().min(1).max(32_000),
    model: z.string().min(1).max(200).optional(),
    seconds: z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number().positive()]).optional(),
    size: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/, 'must be WIDTHxHEIGHT')
      .optional(),
    // The same references the native API takes; file:, gopher: and friends are refused here.
    input_reference: ImageReferenceSchema.optional(),
    user: z.string().max(256).optional(),
  })
  .loose();

/** Our statuses in OpenAI's words (it has no separate "accepted by the provider"). */
const statusMap: Record<JobStatus, 'queued' | 'in_progress' | 'completed' | 'failed'> = {
  queued: 'queued',
  submitted: 'queued',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'failed',
};

/** A job in OpenAI's `Video` shape. */
function toOpenAiVideo(job: Job) {
  const output = job.outputs[0];
  const width = output?.width ?? job.request.width;
  const height = output?.height ?? job.request.height;
  return {
    id: job.id,
    object: 'video' as const,
    model: job.request.model,
    status: statusMap[job.status],
    progress: Math.round((job.status === JobStatus.succeeded ? 1 : (job.progress ?? 0)) * 100),
    prompt: job.request.prompt,
    seconds: String(output?.durationSeconds ?? job.request.duration ?? ''),
    size: width && height ? `${width}x${height}` : '',
    created_at: Math.floor(job.createdAt.getTime() / 1000),
    completed_at: job.completedAt ? Math.floor(job.completedAt.getTime() / 1000) : null,
    expires_at: null,
    remixed_from_video_id: null,
    error: job.error
      ? { code: job.error.code, message: job.error.message }
      : job.status === JobStatus.canceled
        ? { code: 'canceled', message: 'The generation was canceled.' }
        : null,
  };
}

/** Reads the create body: multipart (what the OpenAI SDK sends) or JSON. */
async function readCreateBody(
  request: FastifyRequest,
  dependencies: Pick<AppDependencies, 'assets'>,
): Promise<{ fields: Record<string, unknown>; reference?: string }> {
  if (!request.isMultipart()) return { fields: (request.body ?? {}) as Record<string, unknown> };
  const fields: Record<string, unknown> = {};
  let reference: string | undefined;
  for await (const part of multipartParts(request)) {
    if (part.type === 'file') {
      const { data } = part;
      if (part.fieldname !== 'input_reference') continue;
      const tenantId = accessOf(request)?.tenantId ?? null;
      reference = (await dependencies.assets.saveImageUpload(data, 'input_reference', tenantId)).id;
    } else {
      fields[part.fieldname] = part.value;
    }
  }
  return { fields, reference };
}

/**
 * OpenAI-compatible video jobs (the Sora API shape): create, retrieve, download.
 *
 * @example
 * const video = await client.videos.create({ model: 'sim-video', prompt: 'waves', seconds: '4', size: '1280x720' });
 * const file = await client.videos.downloadContent(video.id);
 */
export function openAiVideoRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'config' | 'assets'>,
): FastifyPluginAsyncZod {
  const { jobs, config, assets } = dependencies;
  const IdParams = z.object({ id: z.string().min(1).max(100) });
  return async (app) => {
    app.post(
      '/v1/videos',
      {
        schema: {
          tags: ['openai'],
          summary: 'OpenAI-compatible video creation (multipart or JSON)',
        },
      },
      async (request) => {
        const { fields, reference } = await readCreateBody(request, dependencies);
        const parsed = CreateVideoSchema.safeParse(fields);
        if (!parsed.success)
          throw new ValidationError(`Invalid body:\n${formatIssues(parsed.error.issues)}`, {
            issues: parsed.error.issues.map((issue) => ({
              field: issue.path.join('.'),
              message: issue.message,
            })),
          });
        const body = parsed.data;
        const [width, height] = body.size
          ? body.size.split('x').map(Number)
          : [undefined, undefined];
        const inputImages = reference
          ? [reference]
          : body.input_reference
            ? [body.input_reference]
            : [];
        const { job } = await jobs.create(
          {
            model: resolveOpenAiModel(
              body.model,
              config.openai.modelAliases,
              config.openai.defaultVideoModel,
            ),
            prompt: body.prompt,
            duration: body.seconds === undefined ? undefined : Number(body.seconds),
            width,
            height,
            inputImages,
            user: body.user,
            kind: 'video',
          },
          {
            idempotencyKey:
              typeof request.headers['idempotency-key'] === 'string'
                ? request.headers['idempotency-key']
                : undefined,
            access: accessOf(request),
          },
        );
        return toOpenAiVideo(job);
      },
    );

    app.get(
      '/v1/videos/:id',
      { schema: { tags: ['openai'], summary: 'OpenAI-compatible video status', params: IdParams } },
      async (request) => toOpenAiVideo(await jobs.get(request.params.id, accessOf(request))),
    );

    app.get(
      '/v1/videos/:id/content',
      {
        schema: {
          tags: ['openai'],
          summary: 'Download the finished MP4 (supports Range)',
          params: IdParams,
          querystring: z.object({
            variant: z.enum(['video', 'thumbnail', 'spritesheet']).default('video'),
          }),
        },
      },
      async (request, reply) => {
        const job = await jobs.get(request.params.id, accessOf(request));
        if (request.query.variant !== 'video')
          throw new NotFoundError('video_variant', request.query.variant);
        if (job.status !== JobStatus.succeeded) {
          throw new GatewayError({
            code: 'video_not_ready',
            message: `Video ${job.id} is ${statusMap[job.status]}; content is available once completed.`,
            httpStatus: 409,
            details: { status: statusMap[job.status] },
          });
        }
        const output =
          job.outputs.find((candidate) => candidate.mimeType.startsWith('video/')) ??
          job.outputs[0];
        if (!output) throw new NotFoundError('video_content', job.id);
        return sendAsset(request, reply, assets, output.assetId, `${job.id}.mp4`);
      },
    );
  };
}
