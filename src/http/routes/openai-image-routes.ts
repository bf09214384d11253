import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../core/errors/index.js';
import { JobStatus, type Job } from '../../core/job.js';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import { jobErrorToGatewayError } from './job-error-status.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import { OpenAiImagesResponseSchema } from '../schemas/openai-responses.js';

/** OpenAI `POST /v1/images/generations` body; unknown fields are ignored as OpenAI's SDKs may add some. */
const OpenAiImageBodySchema = z
  .object({
    prompt: z.string().min(1).max(32_000),
    model: z.string().min(1).max(200).optional(),
    n: z.number().int().min(1).max(10).optional(),
    size: z
      .string()
      .regex(/^(auto|\d{2,5}x\d{2,5})$/, 'must be "auto" or WIDTHxHEIGHT')
      .optional(),
    quality: z.enum(['auto', 'standard', 'hd', 'low', 'medium', 'high']).optional(),
    response_format: z.enum(['url', 'b64_json']).optional(),
    style: z.string().max(100).optional(),
    user: z.string().max(256).optional(),
    seed: z.number().int().min(0).optional(),
  })
  .loose();

const qualityTier = {
  low: 'fast',
  medium: 'standard',
  standard: 'standard',
  high: 'premium',
  hd: 'premium',
} as const;

/** Resolves an OpenAI model name to a catalog key through the configured aliases. */
export function resolveOpenAiModel(
  model: string | undefined,
  aliases: Record<string, string>,
  fallback: string,
): string {
  if (!model) return fallback;
  return aliases[model] ?? model;
}

/**
 * OpenAI-compatible image generation: synchronous, like OpenAI's, but every request is a durable
 * Switchyard job routed like any other.
 *
 * @example
 * const client = new OpenAI({ baseURL: 'http://localhost:8787/v1', apiKey: 'unused' });
 * await client.images.generate({ model: 'sim-image', prompt: 'a lighthouse', size: '512x512' });
 */
export function openAiImageRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'config' | 'assets'>,
): FastifyPluginAsyncZod {
  const { jobs, config, assets } = dependencies;
  return async (app) => {
    app.post(
      '/v1/images/generations',
      {
        schema: {
          tags: ['openai'],
          summary: 'OpenAI-compatible image generation (synchronous)',
          body: OpenAiImageBodySchema,
          response: {
            200: jsonResponse('The images', OpenAiImagesResponseSchema),
            ...errorResponses(422, 502, 504),
          },
        },
      },
      async (request) => {
        const body = request.body;
        const [width, height] =
          body.size && body.size !== 'auto'
            ? body.size.split('x').map(Number)
            : [undefined, undefined];
        const { job: created, created: isNew } = await jobs.create(
          {
            model: resolveOpenAiModel(
              body.model,
              config.openai.modelAliases,
              config.openai.defaultImageModel,
            ),
            prompt: body.prompt,
            n: body.n,
            width,
            height,
            quality:
              body.quality && body.quality !== 'auto' ? qualityTier[body.quality] : undefined,
            style: body.style,
            user: body.user,
            seed: body.seed,
            kind: 'image',
          },
          {
            idempotencyKey:
              typeof request.headers['idempotency-key'] === 'string'
                ? request.headers['idempotency-key']
                : undefined,
            // Synchronous by contract: submit inline (the queue keeps a backstop message).
            inline: true,
            access: accessOf(request),
          },
        );
        // The bytes of a new job's outputs are handed over in memory: no file read for b64_json.
        const wantsBytes = isNew && body.response_format === 'b64_json';
        if (wantsBytes) jobs.outputBytes.want(created.id);
        let job: Job;
        let held: ReadonlyMap<string, Buffer> = new Map();
        try {
          // A new job's state is known (just stored): the wait skips its first read.
          job = await jobs.wait(
            created.id,
            config.openai.imageWaitSeconds * 1000,
            undefined,
            undefined,
            isNew ? created : undefined,
          );
        } finally {
          if (wantsBytes) held = jobs.outputBytes.take(created.id);
        }
        if (job.status !== JobStatus.succeeded) throw unfinished(job);
        const baseUrl = baseUrlOf(request, config.publicUrl);
        const data = await Promise.all(
          job.outputs.map(async (output) =>
            body.response_format === 'b64_json'
              ? {
                  b64_json: (
                    held.get(output.assetId) ?? (await assets.read(output.assetId)).data
                  ).toString('base64'),
                  revised_prompt: null,
                }
              : { url: `${baseUrl}/v1/assets/${output.assetId}`, revised_prompt: null },
          ),
        );
        return {
          created: Math.floor((job.completedAt ?? job.createdAt).getTime() / 1000),
          data,
          size: job.outputs[0]?.width
            ? `${job.outputs[0].width}x${job.outputs[0].height}`
            : undefined,
          // Not in OpenAI's schema; SDKs ignore it, and it tells callers which job and provider served them.
          switchyard: {
            generation_id: job.id,
            provider: job.provider,
            cost_usd: job.cost.actualUsd,
          },
        };
      },
    );
  };
}

function unfinished(job: Job): GatewayError {
  if (job.error) return jobErrorToGatewayError(job.error, job.id);
  if (job.status === JobStatus.canceled)
    return new GatewayError({
      code: 'job_canceled',
      message: `Generation ${job.id} was canceled.`,
      httpStatus: 409,
    });
  return new GatewayError({
    code: 'generation_pending',
    message: `Generation ${job.id} is still ${job.status}; fetch it with GET /v1/generations/${job.id}.`,
    httpStatus: 504,
    isRetryable: true,
    details: { generation_id: job.id },
  });
}
