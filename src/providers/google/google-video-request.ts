import { ProviderError } from '../../core/errors/index.js';
import type { ProviderOutput, ProviderRequest, StatusResult } from '../../core/provider-adapter.js';
import type { GoogleOperation, VeoOperation } from './google-api-schemas.js';

/** Image types Veo takes as its first frame. */
const frameMimeTypes = new Set(['image/jpeg', 'image/png', 'image/webp']);
/** The file id in a Veo video URI (`…/v1beta/files/{id}:download?alt=media`), as the SDK reads it. */
const fileIdPattern = /\/files\/([a-z0-9]+)(?=$|[:/?])/;

function invalid(providerId: string, message: string): ProviderError {
  // Another provider may accept the same request, so the router may fall back.
  return new ProviderError({
    providerId,
    code: 'provider_invalid_request',
    message,
    isRetryable: true,
  });
}

/** A `predictLongRunning` body and what the operation needs to remember. */
export interface VeoCall {
  body: Record<string, unknown>;
  operation: Omit<Extract<GoogleOperation, { kind: 'video' }>, 'name'>;
}

/**
 * Maps a video request to Veo's `predictLongRunning`: `instances[0]` carries the prompt and, for
 * image-to-video, the first frame inline (base64); `parameters` carry aspect ratio, resolution,
 * duration and negative prompt. Veo renders 1080p only as 8 s clips, which capabilities cannot
 * express, so that combination is refused here.
 */
export async function buildGoogleVideoRequest(
  request: ProviderRequest,
  providerId: string,
): Promise<VeoCall> {
  const width = request.width ?? 1280;
  const height = request.height ?? 720;
  const portrait = height > width;
  const resolution = request.resolution ?? (Math.min(width, height) >= 1080 ? '1080p' : '720p');
  const durationSeconds = request.duration ?? 8;
  if (resolution === '1080p' && durationSeconds !== 8) {
    throw invalid(
      providerId,
      `${request.offering.providerModelId} renders 1080p only as 8 s clips, not ${durationSeconds} s.`,
    );
  }
  const instance: Record<string, unknown> = { prompt: request.prompt };
  if (request.task === 'image-to-video') {
    const [image, ...others] = request.inputImages;
    if (!image) throw invalid(providerId, 'image-to-video needs an input image.');
    if (others.length > 0)
      throw invalid(
        providerId,
        `${request.offering.providerModelId} takes one input image, not ${request.inputImages.length}.`,
      );
    const { data, mimeType } = await image.read();
    if (!frameMimeTypes.has(mimeType))
      throw invalid(providerId, `Veo takes JPEG, PNG or WebP frames, not ${mimeType}.`);
    instance.image = { bytesBase64Encoded: data.toString('base64'), mimeType };
  }
  const parameters: Record<string, unknown> = {
    aspectRatio: request.aspectRatio ?? (portrait ? '9:16' : '16:9'),
    resolution,
    durationSeconds,
  };
  if (request.n > 1) parameters.sampleCount = request.n;
  if (request.negativePrompt !== undefined) parameters.negativePrompt = request.negativePrompt;
  return {
    body: { instances: [instance], parameters },
    operation: { kind: 'video', durationSeconds, width, height },
  };
}

/** gRPC codes (operation `error.code`) of a request the model will never accept. */
const clientErrorCodes = new Set([3 /* INVALID_ARGUMENT */, 9 /* FAILED_PRECONDITION */]);

/**
 * Maps a Veo operation to a status. A finished video is a file URI; like the SDK, the adapter
 * takes the file id from it and downloads `{baseUrl}/files/{id}:download?alt=media` with the API
 * key, so the key only ever goes to the configured base URL. A URI without a file id is passed
 * on as is, without the key.
 */
export function mapGoogleVideoResult(
  operation: VeoOperation,
  stored: Extract<GoogleOperation, { kind: 'video' }>,
  download: { baseUrl: string; apiKey: string },
): StatusResult {
  if (!operation.done) return { status: 'pending', phase: 'running' };
  if (operation.error) {
    const code = operation.error.code ?? undefined;
    const message = operation.error.message ?? 'The video generation failed.';
    if (code !== undefined && clientErrorCodes.has(code)) {
      return { status: 'failed', code: 'provider_invalid_request', message, isRetryable: false };
    }
    return { status: 'failed', code: 'provider_generation_failed', message, isRetryable: true };
  }
  const generated = operation.response?.generateVideoResponse;
  const outputs: ProviderOutput[] = [];
  for (const sample of generated?.generatedSamples ?? []) {
    const video = sample.video;
    const common = {
      mimeType: video?.encoding ?? 'video/mp4',
      width: stored.width,
      height: stored.height,
      durationSeconds: stored.durationSeconds,
    };
    if (video?.uri) {
      const fileId = fileIdPattern.exec(video.uri)?.[1];
      outputs.push(
        fileId
          ? {
              type: 'url',
              url: `${download.baseUrl}/files/${fileId}:download?alt=media`,
              headers: { 'x-goog-api-key': download.apiKey },
              ...common,
            }
          : { type: 'url', url: video.uri, ...common },
      );
    } else if (video?.encodedVideo) {
      outputs.push({ type: 'bytes', data: Buffer.from(video.encodedVideo, 'base64'), ...common });
    }
  }
  if (outputs.length > 0)
    return {
      status: 'completed',
      outputs,
      usage: { videoSeconds: stored.durationSeconds * outputs.length },
    };
  if ((generated?.raiMediaFilteredCount ?? 0) > 0) {
    const reasons =
      generated?.raiMediaFilteredReasons?.join(' ') || 'filtered by Google’s safety filters';
    return {
      status: 'failed',
      code: 'provider_content_rejected',
      message: `The video was filtered: ${reasons}`,
      isRetryable: false,
    };
  }
  return {
    status: 'failed',
    code: 'provider_generation_failed',
    message: 'The operation finished without a video.',
    isRetryable: true,
  };
}
