import { sniffMedia } from '../../assets/sniff-media.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ProviderOutput, ProviderUsage, StatusResult } from '../../core/provider-adapter.js';
import type {
  RunwareEnvelope,
  RunwareErrorItem,
  RunwareResultItem,
} from './runware-api-schemas.js';
import { runwareFailedStatus } from './runware-errors.js';
import type { RunwareOperation } from './runware-request.js';

/**
 * Reads a `getResponse` answer (or a webhook normalised to the same envelope) for one task.
 * Runware lists one item per generation with `status` `processing`, `success` or `error`;
 * failures also arrive in `errors`. The task is complete once `operation.results` items have
 * succeeded; any failure fails it (the same rule as Runware's own SDK).
 */
export function mapRunwareResult(
  providerId: string,
  envelope: RunwareEnvelope,
  operation: RunwareOperation,
): StatusResult {
  const ours = (entry: { taskUUID?: string | null }) =>
    !entry.taskUUID || entry.taskUUID === operation.taskUUID;
  const items = (envelope.data ?? []).filter(ours);
  const failures: RunwareErrorItem[] = [
    ...(envelope.errors ?? []).filter(ours),
    ...items.filter((item) => item.status === 'error' && !hasOutput(item)).map(errorOf),
  ];
  if (failures.length > 0) return runwareFailedStatus(failures[0]);

  const successes = items.filter(isSuccess).slice(0, operation.results);
  if (successes.length >= operation.results) {
    return {
      status: 'completed',
      outputs: successes.map((item) => outputOf(providerId, item, operation)),
      usage: usageOf(successes, operation),
    };
  }
  const started = items.some((item) => item.status === 'processing' || isSuccess(item));
  const progress = progressOf(items, operation.results);
  return {
    status: 'pending',
    phase: started ? 'running' : 'queued',
    ...(progress === undefined ? {} : { progress }),
  };
}

function hasOutput(item: RunwareResultItem): boolean {
  return Boolean(item.imageURL || item.videoURL || item.imageBase64Data || item.imageDataURI);
}

// Runware's documented finished examples for some models carry no `status` at all.
function isSuccess(item: RunwareResultItem): boolean {
  return item.status === 'success' || (!item.status && hasOutput(item));
}

function errorOf(item: RunwareResultItem): RunwareErrorItem {
  return {
    ...item.error,
    code: item.error?.code ?? item.code,
    message: item.error?.message ?? item.message,
    taskUUID: item.taskUUID,
  };
}

function progressOf(items: RunwareResultItem[], results: number): number | undefined {
  const reported = items.filter((item) => typeof item.progress === 'number' || isSuccess(item));
  if (reported.length === 0) return undefined;
  const total = reported.reduce((sum, item) => sum + (isSuccess(item) ? 100 : item.progress!), 0);
  return Math.round(Math.min(1, Math.max(0, total / (100 * results))) * 100) / 100;
}

function outputOf(
  providerId: string,
  item: RunwareResultItem,
  operation: RunwareOperation,
): ProviderOutput {
  const size = { width: operation.width, height: operation.height };
  if (item.videoURL) {
    return {
      type: 'url',
      url: item.videoURL,
      mimeType: 'video/mp4',
      ...size,
      durationSeconds: operation.durationSeconds,
    };
  }
  if (item.imageURL) return { type: 'url', url: item.imageURL, ...size };
  const inline = item.imageDataURI?.replace(/^data:[^,]*,/, '') ?? item.imageBase64Data;
  if (inline) {
    const data = Buffer.from(inline, 'base64');
    return { type: 'bytes', data, mimeType: sniffMedia(data)?.mimeType ?? 'image/png', ...size };
  }
  throw new ProviderError({
    providerId,
    code: 'provider_bad_response',
    message: `${providerId} reported a finished result without a file.`,
    responseBody: JSON.stringify(item).slice(0, 2000),
  });
}

function usageOf(successes: RunwareResultItem[], operation: RunwareOperation): ProviderUsage {
  const usage: ProviderUsage = {};
  const costs = successes.map((item) => item.cost);
  if (costs.every((cost): cost is number => typeof cost === 'number')) {
    usage.costUsd = Math.round(costs.reduce((sum, cost) => sum + cost, 0) * 1e6) / 1e6;
  }
  if (operation.taskType === 'videoInference' && operation.durationSeconds !== undefined) {
    usage.videoSeconds = operation.durationSeconds * successes.length;
  }
  return usage;
}
