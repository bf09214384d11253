import { sniffMedia } from '../../assets/sniff-media.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ProviderOutput, ProviderUsage, StatusResult } from '../../core/provider-adapter.js';
import type { AimlapiImageResponse, AimlapiVideo } from './aimlapi-api-schemas.js';
import { aimlapiFailedStatus } from './aimlapi-errors.js';

/** Cost in USD from AIMLAPI's `meta.usage.credits_used`, when it reported one. */
export function aimlapiCostUsd(
  meta: AimlapiImageResponse['meta'],
  creditsPerUsd: number,
): number | undefined {
  const credits = meta?.usage?.credits_used;
  return typeof credits === 'number'
    ? Math.round((credits / creditsPerUsd) * 1e6) / 1e6
    : undefined;
}

/** The files of an image answer, whichever of the two documented shapes it has. */
export function aimlapiImageOutputs(
  providerId: string,
  response: AimlapiImageResponse,
  size: { width?: number; height?: number },
): ProviderOutput[] {
  const outputs: ProviderOutput[] = [];
  for (const item of response.data ?? []) {
    if (item.url) outputs.push({ type: 'url', url: item.url, ...size });
    else if (item.b64_json) {
      const data = Buffer.from(item.b64_json, 'base64');
      outputs.push({
        type: 'bytes',
        data,
        mimeType: sniffMedia(data)?.mimeType ?? 'image/png',
        ...size,
      });
    }
  }
  for (const item of response.images ?? []) {
    if (!item.url) continue;
    outputs.push({
      type: 'url',
      url: item.url,
      ...(item.content_type ? { mimeType: item.content_type } : {}),
      width: item.width ?? size.width,
      height: item.height ?? size.height,
    });
  }
  if (outputs.length === 0) {
    throw new ProviderError({
      providerId,
      code: 'provider_bad_response',
      message: `${providerId} answered without any image.`,
      responseBody: JSON.stringify(response).slice(0, 2000),
    });
  }
  return outputs;
}

/**
 * A video generation's state. Documented statuses are `queued`, `generating`, `completed` and
 * `error`; `waiting`/`active`/`processing`/`dreaming`/`failed` appear in older flows and
 * third-party clients and are read the same way. Anything else is an unreadable answer.
 */
export function mapAimlapiVideoResult(
  providerId: string,
  video: AimlapiVideo,
  creditsPerUsd: number,
  durationSeconds: number | undefined,
): StatusResult {
  switch (video.status) {
    case 'queued':
    case 'waiting':
    case 'pending':
      return { status: 'pending', phase: 'queued' };
    case 'generating':
    case 'active':
    case 'processing':
    case 'dreaming':
      return { status: 'pending', phase: 'running' };
    case 'error':
    case 'failed':
      return aimlapiFailedStatus(video);
    case 'completed':
    case 'success': {
      const url = video.video?.url;
      if (!url) break;
      const seconds = video.video?.duration ?? durationSeconds;
      const usage: ProviderUsage = {};
      const costUsd = aimlapiCostUsd(video.meta, creditsPerUsd);
      if (costUsd !== undefined) usage.costUsd = costUsd;
      if (seconds !== undefined) usage.videoSeconds = seconds;
      return {
        status: 'completed',
        outputs: [
          {
            type: 'url',
            url,
            mimeType: 'video/mp4',
            ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
          },
        ],
        usage,
      };
    }
  }
  throw new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `${providerId} reported an unknown generation state '${String(video.status)}'.`,
    responseBody: JSON.stringify(video).slice(0, 2000),
  });
}
