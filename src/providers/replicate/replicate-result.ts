import type { ProviderOutput, StatusResult } from '../../core/provider-adapter.js';
import type { ReplicatePrediction } from './replicate-api-schemas.js';
import { replicatePredictionFailure } from './replicate-errors.js';

const mimeByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

/**
 * Maps a Replicate prediction (from a poll or a webhook) to a status:
 * `starting` → pending/queued, `processing` → pending/running, `succeeded` → completed with the
 * output URLs, `failed` → failed, `canceled` → canceled, `aborted` (deadline passed before it
 * started) → a retryable timeout. Usage carries `metrics.predict_time` and, for video models, the
 * `duration` Replicate echoes in the prediction's `input`.
 */
export function mapReplicateResult(prediction: ReplicatePrediction): StatusResult {
  switch (prediction.status) {
    case 'starting':
      return { status: 'pending', phase: 'queued' };
    case 'processing':
      return { status: 'pending', phase: 'running' };
    case 'canceled':
      return { status: 'canceled' };
    case 'aborted':
      return {
        status: 'failed',
        code: 'provider_timeout',
        message: `Replicate aborted prediction ${prediction.id} before it started.`,
        isRetryable: true,
      };
    case 'failed':
      return replicatePredictionFailure(prediction.id, prediction.error);
    case 'succeeded':
      return succeeded(prediction);
  }
}

function succeeded(prediction: ReplicatePrediction): StatusResult {
  const outputs = outputUrls(prediction.output).map((url): ProviderOutput => {
    const mimeType = mimeByExtension[extensionOf(url)];
    return mimeType ? { type: 'url', url, mimeType } : { type: 'url', url };
  });
  if (outputs.length === 0) {
    return {
      status: 'failed',
      code: 'provider_bad_response',
      message: `Replicate prediction ${prediction.id} succeeded without an output URL.`,
      isRetryable: true,
    };
  }
  const predictTime = prediction.metrics?.predict_time ?? undefined;
  const duration = prediction.input?.duration;
  return {
    status: 'completed',
    outputs,
    usage: {
      ...(predictTime !== undefined ? { computeSeconds: predictTime } : {}),
      // Only video models take a `duration` input; it is what Replicate bills them by.
      ...(typeof duration === 'number' ? { videoSeconds: duration } : {}),
    },
  };
}

/** Output URLs of any model: one URL, a list of URLs, or an object of them (`{video: url}`). */
export function outputUrls(output: unknown): string[] {
  if (typeof output === 'string') return /^https?:\/\//i.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap((item) => outputUrls(item));
  if (output !== null && typeof output === 'object')
    return Object.values(output).flatMap((item) => outputUrls(item));
  return [];
}

function extensionOf(url: string): string {
  try {
    return new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  } catch {
    return '';
  }
}
