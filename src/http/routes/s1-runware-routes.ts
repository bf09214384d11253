import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayError } from '../../core/errors/index.js';
import { GenerationTask } from '../../core/generation-request.js';
import { JobStatus } from '../../core/job.js';
import { SsrfGuard } from '../../security/ssrf-guard.js';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import { addImageBodyParser, saveImageBody } from './upload-body.js';
import {
  S1GenerateAnswerSchema,
  S1GenerateBodySchema,
  S1UploadAnswerSchema,
} from '../schemas/s1-runware-schemas.js';
import { checkS1ImageUrl, s1FailureError } from './s1-runware-translation.js';

/** An asset id when `imageUrl` is a link to this gateway's own asset, else undefined. */
export function ownAssetId(imageUrl: string, baseUrl: string): string | undefined {
  const prefix = `${baseUrl}/v1/assets/`;
  if (!imageUrl.startsWith(prefix)) return undefined;
  const id = imageUrl.slice(prefix.length);
  return /^asset_[A-Za-z0-9_-]+$/.test(id) ? id : undefined;
}

/** Anything but a 4xx from job creation is "Runware API error" to S1's clients. */
function asS1Error(error: unknown): unknown {
  // Its own code: the caller's key cannot be used here (an instance without workers).
  if (error instanceof GatewayError && error.code === 'request_key_unavailable') return error;
  if (error instanceof GatewayError && error.httpStatus >= 500)
    return new GatewayError({
      code: 'runware_error',
      message: `Runware API error: ${error.message}`,
      httpStatus: 500,
      details: { ...error.details, gateway_code: error.code },
    });
  return error;
}

/**
 * Seed system S1's Runware video proxy, translated onto native jobs pinned to the Runware
 * provider (see docs/migrating/s1-runware-video-proxy.md).
 *
 * @example
 * curl -X POST localhost:8787/api/v3/uploads -F file=@frame.png
 * curl -X POST localhost:8787/api/v3/runware/videos/generations -H 'content-type: application/json' \
 *   -d '{"image_url":"https://i.imgur.com/abc.png","prompt":"Cinematic motion","duration":5,"resolution":"720p"}'
 */
export function s1RunwareRoutes(
  dependencies: Pick<AppDependencies, 'jobs' | 'config' | 'instances' | 'assets'>,
): FastifyPluginAsyncZod {
  const { jobs, config, instances, assets } = dependencies;
  const settings = config.compat.s1;
  const guard = new SsrfGuard({ allowedPrivateHosts: config.downloads.allowedPrivateHosts });
  const maxBytes = config.uploads.maxBytes;
  return async (app) => {
    addImageBodyParser(app);

    app.post(
      '/api/v3/uploads',
      {
        bodyLimit: maxBytes,
        schema: {
          tags: ['s1'],
          summary: 'Upload a first-frame image (S1)',
          description: `multipart/form-data with a \`file\` field, or a raw image body (PNG, JPEG, WebP or GIF up to ${maxBytes} bytes). Answers the asset's URL on this gateway, which the generate route and the native API take as \`image_url\` / \`input_images\` without fetching it.`,
          response: { 200: S1UploadAnswerSchema },
        },
      },
      async (request) => {
        const asset = await saveImageBody(request, assets, maxBytes);
        return { url: `${baseUrlOf(request, config.publicUrl)}/v1/assets/${asset.id}` };
      },
    );

    app.post(
      '/api/v3/runware/videos/generations',
      {
        schema: {
          tags: ['s1'],
          summary: 'Generate a video from an image on Runware and wait for it (S1)',
          description: `Creates a native image-to-video job pinned to the Runware provider and holds the request until the video is done. 403 when Runware is switched off, 402 when its credit ran out (with the top-up advice), 400 for bad parameters (a data: or private image_url included), 500 for any other Runware error. ${settings.allowRequestApiKey ? "`api_key`, when given, is this request's Runware key (the caller's account), for this job only and never stored." : '`api_key` is ignored: the gateway uses its configured Runware key.'}`,
          body: S1GenerateBodySchema,
          response: { 200: S1GenerateAnswerSchema },
        },
      },
      async (request) => {
        const body = request.body;
        const baseUrl = baseUrlOf(request, config.publicUrl);
        const assetId = ownAssetId(body.image_url, baseUrl);
        if (!assetId) checkS1ImageUrl(guard, body.image_url);
        const runware = instances.list().find((instance) => instance.adapter.type === 'runware');
        if (!runware)
          throw new GatewayError({
            code: 'provider_disabled',
            message: 'Runware is not configured on this gateway.',
            httpStatus: 403,
          });
        // The caller's own Runware key, when the operator allows it; else ignored.
        const providerKey = settings.allowRequestApiKey && body.api_key ? body.api_key : undefined;
        let job;
        try {
          const { job: created } = await jobs.create(
            {
              kind: 'video',
              task: GenerationTask.imageToVideo,
              model: settings.model,
              prompt: body.prompt,
              inputImages: [assetId ?? body.image_url],
              duration: body.duration,
              resolution: body.resolution,
              provider: runware.adapter.id,
              // The key is held only while this request waits: the job cannot outlive it.
              ...(providerKey ? { timeoutSeconds: settings.waitSeconds } : {}),
            },
            {
              inline: true,
              access: accessOf(request),
              ...(providerKey ? { providerKey } : {}),
            },
          );
          job = await jobs.wait(created.id, settings.waitSeconds * 1000, accessOf(request));
        } catch (error) {
          throw asS1Error(error);
        }
        if (job.status !== JobStatus.succeeded) {
          if (job.status === JobStatus.failed || job.status === JobStatus.canceled)
            throw s1FailureError(job);
          throw new GatewayError({
            code: 'runware_error',
            message: `Runware API error: the video was not done after ${settings.waitSeconds} s.`,
            httpStatus: 500,
            details: { generation_id: job.id, status: job.status },
          });
        }
        const video =
          job.outputs.find((output) => output.mimeType.startsWith('video/')) ?? job.outputs[0];
        if (!video) throw s1FailureError(job);
        return {
          id: job.id,
          status: 'completed' as const,
          result: { video_url: `${baseUrl}/v1/assets/${video.assetId}` },
        };
      },
    );
  };
}
