import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GatewayError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { JobStatus } from '../../core/job.js';
import { formatIssues } from '../../config/load-config.js';
import type { AppDependencies } from './app-dependencies.js';
import { multipartParts } from './multipart-parts.js';
import { ImageReferenceSchema } from '../schemas/create-generation-body.js';
import { resolveOpenAiModel } from './openai-image-routes.js';
import { accessOf } from './api-key-auth.js';
import { sendAsset } from './send-asset.js';
import { statusMap, toOpenAiVideo } from './to-openai-video.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import {
  OpenAiVideoDeletedSchema,
  OpenAiVideoListSchema,
  OpenAiVideoSchema,
} from '../schemas/openai-responses.js';
import { binaryResponse } from '../schemas/public-responses.js';
import { videoCreateBodyDocs } from '../schemas/upload-body-docs.js';

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

/** The create body as `/openapi.json` shows it (the handler reads and checks it itself). */
const createBodyDocs = videoCreateBodyDocs(
  {
    prompt: { type: 'string' },
    model: { type: 'string' },
    seconds: { type: 'string', description: 'Duration in seconds, e.g. "4"' },
    size: { type: 'string', description: 'WIDTHxHEIGHT, e.g. "1280x720"' },
    input_reference: { type: 'string', description: 'An asset id or image URL' },
    user: { type: 'string' },
  },
  ['prompt'],
);

/** Reads the create body: multipart (what the OpenAI SDK sends) or JSON. */
async function readCreateBody(
  request: FastifyRequest,
  dependencies: Pick<AppDependencies, 'assets' | 'config'>,
): Promise<{ fields: Record<string, unknown>; reference?: string }> {
  if (!request.isMultipart()) return { fields: (request.body ?? {}) as Record<string, unknown> };
  const fields: Record<string, unknown> = {};
  let reference: string | undefined;
  for await (const part of multipartParts(request)) {
    if (part.type === 'file') {
      if (part.fieldname !== 'input_reference') continue;
      const asset = await dependencies.assets.saveImageUpload({
        body: part.file,
        maxBytes: dependencies.config.uploads.maxBytes,
        what: 'input_reference',
        tenantId: accessOf(request)?.tenantId ?? null,
      });
      reference = asset.id;
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
          ...createBodyDocs,
          response: {
            200: jsonResponse('The video job, queued', OpenAiVideoSchema),
            ...errorResponses(409, 413, 415, 422),
          },
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
      {
        schema: {
          tags: ['openai'],
          summary: 'OpenAI-compatible video status',
          params: IdParams,
          response: { 200: jsonResponse('The video', OpenAiVideoSchema), ...errorResponses(404) },
        },
      },
      async (request) => toOpenAiVideo(await jobs.get(request.params.id, accessOf(request))),
    );

    app.get(
      '/v1/videos',
      {
        schema: {
          tags: ['openai'],
          summary: 'List videos (cursor-paged by id, as `videos.list` pages)',
          querystring: z.object({
            /** The id of the last video of the previous page. */
            after: z
              .string()
              .regex(/^gen_[0-9a-z]{26}$/, 'must be a video id')
              .optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
            order: z.enum(['asc', 'desc']).default('desc'),
          }),
          response: { 200: jsonResponse('A page of videos', OpenAiVideoListSchema) },
        },
      },
      async (request) => {
        const { after, limit, order } = request.query;
        const page = await jobs.list(
          {
            kind: 'video',
            limit,
            order,
            cursor: after === undefined ? undefined : Buffer.from(after).toString('base64url'),
          },
          accessOf(request),
        );
        const data = page.jobs.map(toOpenAiVideo);
        return {
          object: 'list' as const,
          data,
          first_id: data[0]?.id ?? null,
          last_id: data[data.length - 1]?.id ?? null,
          has_more: page.nextCursor !== null,
        };
      },
    );

    app.delete(
      '/v1/videos/:id',
      {
        schema: {
          tags: ['openai'],
          summary: 'Delete an ended video and its file',
          params: IdParams,
          response: {
            200: jsonResponse('Deleted', OpenAiVideoDeletedSchema),
            ...errorResponses(404, 409),
          },
        },
      },
      async (request) => {
        const job = await jobs.delete(request.params.id, accessOf(request));
        await assets.delete(job.outputs.map((output) => output.assetId));
        return { id: job.id, object: 'video.deleted' as const, deleted: true as const };
      },
    );

    // No provider behind the gateway edits an existing video (every adapter generates from a
    // prompt and images), so these say so plainly instead of answering a 404 route error.
    for (const [url, what] of [
      ['/v1/videos/:id/remix', 'Remixing a video'],
      ['/v1/videos/edits', 'Editing a video'],
      ['/v1/videos/extensions', 'Extending a video'],
    ] as const) {
      app.post(
        url,
        {
          schema: {
            tags: ['openai'],
            summary: `${what} (no provider serves it: always 422 \`unsupported\`)`,
            response: {
              200: jsonResponse('Never answered: no provider serves this', OpenAiVideoSchema),
              ...errorResponses(404, 422),
            },
          },
        },
        async () => {
          throw new GatewayError({
            code: 'unsupported',
            message: `${what} is not supported: no provider configured on this gateway can serve it.`,
            httpStatus: 422,
            details: { operation: url },
          });
        },
      );
    }

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
          response: {
            200: binaryResponse('The MP4', ['video/mp4']),
            206: binaryResponse('The requested byte range', ['video/mp4']),
            ...errorResponses(404, 409, 416),
          },
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
