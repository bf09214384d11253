import { imageSize } from 'image-size';
import { ProviderError } from '../../core/errors/index.js';
import type { ProviderRequest, StatusResult } from '../../core/provider-adapter.js';
import type { OpenAIOperation, OpenAIVideo } from './openai-api-schemas.js';
import { soraSeconds, soraSizeByAspectRatio } from './openai-models.js';

/** Image types Sora takes as `input_reference`. */
const referenceMimeTypes = new Set(['image/jpeg', 'image/png', 'image/webp']);
/** Failure codes of prompts or frames refused by moderation. */
const moderationCodes = new Set([
  'moderation_blocked',
  'input_moderation',
  'output_moderation',
  'content_policy_violation',
]);

function invalid(providerId: string, message: string): ProviderError {
  // Another provider may take the same request (different size rules, several images), so the
  // router may fall back.
  return new ProviderError({
    providerId,
    code: 'provider_invalid_request',
    message,
    isRetryable: true,
  });
}

/** The `POST /videos` multipart form and what the operation needs to remember. */
export interface SoraCreate {
  form: FormData;
  operation: Omit<Extract<OpenAIOperation, { kind: 'video' }>, 'videoId'>;
}

/**
 * Maps a video request to Sora's multipart create call: `prompt`, `model`, `seconds` (a string),
 * `size`, and for image-to-video the first input image as the `input_reference` file. Sora
 * rejects a reference whose pixel size differs from `size`, so that is checked here first.
 */
export async function buildOpenAIVideoRequest(
  request: ProviderRequest,
  providerId: string,
): Promise<SoraCreate> {
  const width = request.width ?? 1280;
  const height = request.height ?? 720;
  const size = `${width}x${height}`;
  if (!Object.values(soraSizeByAspectRatio).includes(size)) {
    throw invalid(
      providerId,
      `${request.offering.providerModelId} renders ${Object.values(soraSizeByAspectRatio).join(' or ')}, not ${size}.`,
    );
  }
  const seconds = request.duration ?? 4;
  if (!(soraSeconds as readonly number[]).includes(seconds)) {
    throw invalid(
      providerId,
      `${request.offering.providerModelId} renders ${soraSeconds.join(', ')} s clips, not ${seconds} s.`,
    );
  }
  const form = new FormData();
  form.append('prompt', request.prompt);
  form.append('model', request.offering.providerModelId);
  form.append('seconds', String(seconds));
  form.append('size', size);
  if (request.task === 'image-to-video') {
    const [image, ...others] = request.inputImages;
    if (!image) throw invalid(providerId, 'image-to-video needs an input image.');
    if (others.length > 0)
      throw invalid(
        providerId,
        `${request.offering.providerModelId} takes one input image, not ${request.inputImages.length}.`,
      );
    const { data, mimeType } = await image.read();
    if (!referenceMimeTypes.has(mimeType))
      throw invalid(providerId, `Sora takes JPEG, PNG or WebP input images, not ${mimeType}.`);
    let measured: { width?: number; height?: number };
    try {
      measured = imageSize(new Uint8Array(data));
    } catch {
      throw invalid(providerId, 'The input image could not be read.');
    }
    if (measured.width !== width || measured.height !== height) {
      throw invalid(
        providerId,
        `Sora needs the input image to be exactly ${size}; it is ${measured.width}x${measured.height}.`,
      );
    }
    form.append(
      'input_reference',
      new Blob([new Uint8Array(data)], { type: mimeType }),
      `reference.${mimeType.split('/')[1]}`,
    );
  }
  return { form, operation: { kind: 'video', seconds, width, height } };
}

function parseSize(size: string | null | undefined): { width: number; height: number } | undefined {
  const match = /^(\d+)x(\d+)$/.exec(size ?? '');
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

/**
 * Maps a Sora video object to a status. A finished video has no URL: its bytes are served by
 * `GET {baseUrl}/videos/{id}/content` with the API key, which the engine downloads (that URL is
 * built from the configured base URL, never taken from a response, so the key cannot leak).
 */
export function mapOpenAIVideoResult(
  providerId: string,
  video: OpenAIVideo,
  operation: Extract<OpenAIOperation, { kind: 'video' }>,
  download: { baseUrl: string; apiKey: string },
): StatusResult {
  const progress =
    video.progress == null ? undefined : Math.min(1, Math.max(0, video.progress / 100));
  switch (video.status) {
    case 'queued':
      return {
        status: 'pending',
        phase: 'queued',
        ...(progress !== undefined ? { progress } : {}),
      };
    case 'in_progress':
      return {
        status: 'pending',
        phase: 'running',
        ...(progress !== undefined ? { progress } : {}),
      };
    case 'completed': {
      const seconds = Number(video.seconds ?? operation.seconds) || operation.seconds;
      const size = parseSize(video.size) ?? { width: operation.width, height: operation.height };
      return {
        status: 'completed',
        outputs: [
          {
            type: 'url',
            url: `${download.baseUrl}/videos/${encodeURIComponent(operation.videoId)}/content`,
            headers: { authorization: `Bearer ${download.apiKey}`, accept: 'application/binary' },
            mimeType: 'video/mp4',
            width: size.width,
            height: size.height,
            durationSeconds: seconds,
          },
        ],
        usage: { videoSeconds: seconds },
      };
    }
    case 'failed': {
      const code = video.error?.code ?? undefined;
      const message = video.error?.message ?? 'The video generation failed.';
      if (code && moderationCodes.has(code)) {
        return { status: 'failed', code: 'provider_content_rejected', message, isRetryable: false };
      }
      return {
        status: 'failed',
        code: 'provider_generation_failed',
        message: code ? `${code}: ${message}` : message,
        isRetryable: true,
      };
    }
    default:
      throw new ProviderError({
        providerId,
        code: 'provider_bad_response',
        message: `${providerId} reported an unknown video status '${video.status}'.`,
      });
  }
}
