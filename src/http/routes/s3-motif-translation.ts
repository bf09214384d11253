import type { Config } from '../../config/config-schema.js';
import { GatewayError, ValidationError } from '../../core/errors/index.js';
import { JobStatus, type Job } from '../../core/job.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import type { StyledDraft } from '../../jobs/apply-style-preset.js';
import type { S3BatchItem, S3GenerationAnswer } from '../schemas/s3-motif-schemas.js';
import { jobErrorToGatewayError } from './job-error-status.js';

/** Image models `/motif` prefers when `compat.s3.model` is unset, best first. */
const preferredModels = ['flux-dev', 'sim-image'];

/** S3's fallback provider: Gemini's current image model. */
const geminiImageModel = 'gemini-3.1-flash-image';

/** The catalog key `/motif` generations use when neither the body nor the preset names one. */
export function s3DefaultModel(instances: ProviderInstances, config: Config): string | undefined {
  if (config.compat.s3.model) return config.compat.s3.model;
  const loaded = instances
    .list()
    .filter((instance) => instance.enabled)
    .flatMap((instance) => instance.adapter.models)
    .filter((offering) => offering.kind === 'image');
  return (
    preferredModels.find((key) => loaded.some((offering) => offering.modelKey === key)) ??
    loaded.find((offering) => !offering.deprecated)?.modelKey ??
    loaded[0]?.modelKey
  );
}

/**
 * S3's chain after its primary: `compat.s3.fallbackModels`, else Gemini when a `google`
 * provider is loaded (`GEMINI_API_KEY`), as S3 fell back from Runware to Gemini.
 */
export function s3FallbackModels(
  instances: ProviderInstances,
  config: Config,
  model: string | undefined,
): string[] {
  const configured = config.compat.s3.fallbackModels;
  const fallbacks =
    configured ??
    (instances.list().some((instance) => instance.adapter.type === 'google')
      ? [geminiImageModel]
      : []);
  return fallbacks.filter((key) => key !== model);
}

/**
 * A provider instance id for a name S3 used: the id itself, or a provider type (`gemini` is
 * the `google` type, as S3 called it). 400 naming the loaded ids otherwise.
 */
export function s3ProviderId(instances: ProviderInstances, name: string): string {
  if (instances.get(name)) return name;
  const type = name === 'gemini' ? 'google' : name;
  const byType = instances.list().find((instance) => instance.adapter.type === type);
  if (byType) return byType.adapter.id;
  const ids = instances.list().map((instance) => instance.adapter.id);
  throw new ValidationError(
    `Unknown provider '${name}'. Providers here: ${ids.join(', ')}.`,
    { parameter: 'provider', available: ids },
    'unknown_provider',
  );
}

/** What every `/motif/generation/…` body may carry, as a native draft. */
export function s3Draft(
  instances: ProviderInstances,
  config: Config,
  body: {
    prompt: string;
    style?: string;
    user_id?: string;
    quality?: StyledDraft['quality'];
    model?: string;
    enhance_prompt?: boolean;
    negative_prompt?: string;
    width?: number;
    height?: number;
    num_images?: number;
  },
  stylePresetModel: string | undefined,
): StyledDraft {
  const model = body.model ?? stylePresetModel ?? s3DefaultModel(instances, config);
  return {
    kind: 'image',
    model,
    prompt: body.prompt,
    style: body.style,
    user: body.user_id,
    quality: body.quality,
    negativePrompt: body.negative_prompt,
    width: body.width,
    height: body.height,
    n: body.num_images,
    enhancePrompt: body.enhance_prompt ?? config.compat.s3.enhancePrompt,
    fallbackModels: s3FallbackModels(instances, config, model),
    metadata: { compat: 's3' },
  };
}

/** The model key that served a finished job (a fallback model when the chain moved on). */
function servedModel(instances: ProviderInstances, job: Job): string {
  const attempt = job.attempts.findLast((entry) => entry.status === 'succeeded');
  const keys = [job.request.model, ...(job.request.fallbackModels ?? [])];
  const offering = attempt
    ? instances
        .adapter(attempt.provider)
        ?.models.find(
          (entry) =>
            entry.providerModelId === attempt.providerModelId && keys.includes(entry.modelKey),
        )
    : undefined;
  return offering?.modelKey ?? job.request.model;
}

function images(job: Job, baseUrl: string) {
  return job.outputs.map((output) => ({
    url: `${baseUrl}/v1/assets/${output.assetId}`,
    provider: job.provider,
    width: output.width ?? null,
    height: output.height ?? null,
  }));
}

/** A finished job as S3's generation answer. */
export function toS3Answer(
  instances: ProviderInstances,
  job: Job,
  baseUrl: string,
): S3GenerationAnswer {
  const { request } = job;
  const list = images(job, baseUrl);
  return {
    success: true,
    status: 'completed',
    generation_id: job.id,
    image_url: list[0]?.url ?? '',
    images: list,
    provider: job.provider,
    model: servedModel(instances, job),
    cost: job.cost.actualUsd ?? job.cost.estimatedUsd,
    prompt: request.originalPrompt ?? request.prompt,
    prompt_used: request.prompt,
    prompt_enhanced_by: request.promptEnhancedBy ?? null,
    style: request.stylePreset ?? request.style ?? null,
    quality: request.quality ?? null,
    user_id: request.user ?? null,
    warnings: job.warnings,
    created_at: job.createdAt.toISOString(),
  };
}

/** The error a generation route throws for a job that ended without images. */
export function s3FailureError(job: Job): GatewayError {
  if (job.status === JobStatus.succeeded && job.outputs.length === 0)
    return new GatewayError({
      code: 'provider_bad_response',
      message: 'The provider reported success without any image.',
      httpStatus: 502,
      details: { generation_id: job.id },
    });
  return jobErrorToGatewayError(
    job.error ?? { code: 'canceled', message: 'The generation was canceled.' },
    job.id,
  );
}

/** One batch item from a job (finished, failed or still running) or from a refusal. */
export function toS3BatchItem(
  instances: ProviderInstances,
  index: number,
  prompt: string,
  outcome: { job: Job; baseUrl: string } | { error: unknown },
): S3BatchItem {
  const empty = { images: [], image_url: null, provider: null, cost: null };
  if ('error' in outcome) {
    const error =
      outcome.error instanceof GatewayError
        ? { code: outcome.error.code, message: outcome.error.message }
        : { code: 'internal_error', message: 'The generation could not be created.' };
    return {
      index,
      prompt,
      success: false,
      status: 'failed',
      generation_id: null,
      error,
      ...empty,
    };
  }
  const { job, baseUrl } = outcome;
  if (job.status === JobStatus.succeeded && job.outputs.length > 0) {
    const answer = toS3Answer(instances, job, baseUrl);
    return {
      index,
      prompt,
      success: true,
      status: 'completed',
      generation_id: job.id,
      image_url: answer.image_url,
      images: answer.images,
      provider: answer.provider,
      cost: answer.cost,
      error: null,
    };
  }
  const running = job.status !== JobStatus.failed && job.status !== JobStatus.canceled;
  const failure = running ? undefined : s3FailureError(job);
  return {
    index,
    prompt,
    success: false,
    status: running ? 'processing' : 'failed',
    generation_id: job.id,
    ...empty,
    provider: job.provider,
    error: failure
      ? { code: failure.code, message: failure.message }
      : { code: 'still_processing', message: 'Not finished yet; poll the generation id.' },
  };
}
