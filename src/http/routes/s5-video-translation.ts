import { ServiceUnavailableError, type GatewayError } from '../../core/errors/index.js';
import { JobStatus, type Job, type JobError } from '../../core/job.js';
import type { Warning } from '../../core/warning.js';
import { nearestAspectRatio } from '../../catalog/nearest-aspect-ratio.js';
import { nearestDuration } from '../../catalog/nearest-duration.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import {
  s5ProviderNames,
  S5Status,
  type S5StatusAnswer,
  type S5VideoJob,
} from '../schemas/s5-video-schemas.js';
import { jobErrorToGatewayError } from './job-error-status.js';

/** The seed's words for "the chain ran out". */
export const s5ChainExhaustedMessage = 'All providers failed or exhausted';

/** Our states in S5's words (it had no separate "accepted by the provider"). */
const statusMap: Record<JobStatus, S5Status> = {
  queued: S5Status.queued,
  submitted: S5Status.queued,
  running: S5Status.processing,
  succeeded: S5Status.completed,
  failed: S5Status.failed,
  canceled: S5Status.failed,
};

export function toS5Status(status: JobStatus): S5Status {
  return statusMap[status];
}

/** A provider instance's display name (`Replicate`); the instance id for unknown types. */
export function providerDisplayName(
  instances: ProviderInstances,
  providerId: string | null,
): string | null {
  if (providerId === null) return null;
  const type = instances.adapter(providerId)?.type;
  return (type && s5ProviderNames[type]) ?? providerId;
}

/** `free` for the simulator (S5's Mock), `paid` for every real provider. */
export function providerTier(
  instances: ProviderInstances,
  providerId: string | null,
): 'paid' | 'free' {
  return providerId !== null && instances.adapter(providerId)?.type === 'simulator'
    ? 'free'
    : 'paid';
}

/** Provider error codes in the words of S5's troubleshooting (authentication, credits, …). */
const reasonByCode: Record<string, string> = {
  provider_auth_failed: 'authentication',
  provider_insufficient_credits: 'credits',
  provider_rate_limited: 'rate_limit',
  provider_unavailable: 'unavailable',
  provider_timeout: 'timeout',
  provider_disabled: 'disabled',
  provider_bad_response: 'bad_response',
};

/** The per-provider failures an `all_providers_failed` error carries. */
function attemptReasons(details: JobError['details']) {
  const attempts = details?.attempts;
  return Array.isArray(attempts)
    ? attempts.filter(
        (entry): entry is { provider: string; code: string; message: string } =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as { provider?: unknown }).provider === 'string' &&
          typeof (entry as { code?: unknown }).code === 'string',
      )
    : [];
}

/**
 * A failed job's error as S5 reported it: a chain that ran out is "All providers failed or
 * exhausted", with each provider's reason; anything else keeps its own code and message.
 */
export function toS5Error(
  instances: ProviderInstances,
  error: JobError,
): { code: string; message: string; details?: Record<string, unknown> } {
  if (error.code !== 'all_providers_failed') return error;
  return {
    code: error.code,
    message: s5ChainExhaustedMessage,
    details: {
      providers: attemptReasons(error.details).map((attempt) => ({
        provider: providerDisplayName(instances, attempt.provider),
        providerId: attempt.provider,
        reason: reasonByCode[attempt.code] ?? attempt.code.replace(/^provider_/, ''),
        code: attempt.code,
        message: attempt.message,
      })),
    },
  };
}

/** The error `POST /api/videos/generate` throws for a job that failed while the client waited. */
export function s5FailureError(instances: ProviderInstances, job: Job): GatewayError {
  const error = job.error ?? { code: 'canceled', message: 'The generation was canceled.' };
  if (error.code === 'all_providers_failed') {
    const s5 = toS5Error(instances, error);
    return new ServiceUnavailableError(s5.code, s5.message, { ...s5.details, jobId: job.id });
  }
  return jobErrorToGatewayError(error, job.id);
}

/** The provider's id of the job's latest accepted attempt. */
export function providerJobIdOf(job: Job): string | null {
  return job.attempts.findLast((attempt) => attempt.providerJobId !== null)?.providerJobId ?? null;
}

/** A job as `GET /api/videos/status/{jobId}` shows it. */
export function toS5StatusAnswer(
  instances: ProviderInstances,
  job: Job,
  baseUrl: string,
): S5StatusAnswer {
  const video =
    job.status === JobStatus.succeeded
      ? (job.outputs.find((output) => output.mimeType.startsWith('video/')) ?? job.outputs[0])
      : undefined;
  return {
    jobId: job.id,
    status: toS5Status(job.status),
    videoUrl: video ? `${baseUrl}/v1/assets/${video.assetId}` : null,
    provider: providerDisplayName(instances, job.provider),
    costUsd: job.cost.actualUsd ?? job.cost.estimatedUsd,
    providerJobId: providerJobIdOf(job),
    duration: video?.durationSeconds ?? job.request.duration ?? null,
    warnings: job.warnings,
    error: job.error
      ? toS5Error(instances, job.error)
      : job.status === JobStatus.canceled
        ? { code: 'canceled', message: 'The generation was canceled.' }
        : null,
  };
}

/** A job as one row of `GET /api/videos/jobs` (S5's VideoJob fields). */
export function toS5VideoJob(instances: ProviderInstances, job: Job, baseUrl: string): S5VideoJob {
  return {
    id: job.id,
    ...toS5StatusAnswer(instances, job, baseUrl),
    prompt: job.request.prompt,
    model: job.request.model,
    aspectRatio: job.request.aspectRatio ?? null,
    thumbnailUrl: null,
    userId: job.request.user ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/** What the route sends for duration and aspect ratio, and what it changed to get there. */
export interface AdjustedVideoParameters {
  duration: number;
  aspectRatio: string | undefined;
  warnings: Warning[];
}

/**
 * Moves an S5 request's duration and aspect ratio to the nearest values `offering` renders,
 * with a `parameter_adjusted` warning for each change. S5 clients cannot change what they send,
 * so this route adjusts where the native API would answer 400 `unsupported_parameter`.
 */
export function adjustToOffering(
  offering: ModelOffering,
  requested: { duration: number; aspectRatio: string | undefined },
  defaultAspectRatio: string,
): AdjustedVideoParameters {
  const { capabilities, modelKey } = offering;
  const warnings: Warning[] = [];
  let duration = requested.duration;
  if (capabilities.durations) {
    duration = nearestDuration(capabilities.durations, requested.duration);
    if (duration !== requested.duration) {
      warnings.push({
        code: 'parameter_adjusted',
        parameter: 'duration',
        message: `Model '${modelKey}' does not render ${requested.duration} s; ${duration} s (the nearest it renders) is generated and charged.`,
      });
    }
  }
  const supported = capabilities.aspectRatios ?? [];
  let aspectRatio: string | undefined = requested.aspectRatio ?? defaultAspectRatio;
  if (supported.length === 0) {
    // The model takes no aspect ratio (its input image or fixed size decides).
    if (requested.aspectRatio) {
      warnings.push({
        code: 'parameter_adjusted',
        parameter: 'aspectRatio',
        message: `Model '${modelKey}' takes no aspect ratio; ${requested.aspectRatio} was not sent and the model's own shape is used.`,
      });
    }
    aspectRatio = undefined;
  } else if (!supported.includes(aspectRatio)) {
    if (requested.aspectRatio) {
      const nearest = nearestAspectRatio(supported, requested.aspectRatio);
      warnings.push({
        code: 'parameter_adjusted',
        parameter: 'aspectRatio',
        message: `Model '${modelKey}' does not render ${requested.aspectRatio}; ${nearest} (the nearest it renders) is used.`,
      });
      aspectRatio = nearest;
    } else {
      // Only the S5 default was not supported: the model's own default applies.
      aspectRatio = undefined;
    }
  }
  return { duration, aspectRatio, warnings };
}
