import type { Job } from '../core/job.js';
import type { JobResource } from './job-resource-schema.js';

/** The public JSON representation of a job (native API, webhooks, CLI). */
export function toJobResource(job: Job, baseUrl: string): JobResource {
  const { request } = job;
  return {
    id: job.id,
    object: 'generation',
    status: job.status,
    kind: request.kind,
    task: request.task,
    model: request.model,
    provider: job.provider,
    prompt: request.prompt,
    original_prompt: request.originalPrompt ?? null,
    prompt_enhanced_by: request.promptEnhancedBy ?? null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
    request: {
      negative_prompt: request.negativePrompt,
      input_images: request.inputImages.length ? request.inputImages : undefined,
      mask: request.mask,
      width: request.width,
      height: request.height,
      resolution: request.resolution,
      aspect_ratio: request.aspectRatio,
      duration: request.duration,
      n: request.n,
      seed: request.seed,
      quality: request.quality,
      style: request.style,
      style_preset: request.stylePreset,
      strength: request.strength,
      enhance_prompt: request.enhancePrompt,
      fallback_models: request.fallbackModels,
      requested_model: request.requestedModel,
      provider: request.provider,
      timeout_seconds: request.timeoutSeconds,
      allow_resubmit: request.allowResubmit,
    },
    progress: job.progress,
    outputs: job.outputs.map((output) => ({
      url: `${baseUrl}/v1/assets/${output.assetId}`,
      asset_id: output.assetId,
      mime_type: output.mimeType,
      bytes: output.bytes,
      width: output.width ?? null,
      height: output.height ?? null,
      duration: output.durationSeconds ?? null,
    })),
    cost: { estimated_usd: job.cost.estimatedUsd, actual_usd: job.cost.actualUsd },
    error: job.error
      ? { code: job.error.code, message: job.error.message, details: job.error.details }
      : null,
    warnings: job.warnings,
    attempts: job.attempts.map((attempt) => ({
      id: attempt.id,
      provider: attempt.provider,
      provider_model_id: attempt.providerModelId,
      provider_job_id: attempt.providerJobId,
      status: attempt.status,
      started_at: attempt.startedAt.toISOString(),
      ended_at: attempt.endedAt?.toISOString() ?? null,
      error: attempt.errorCode
        ? { code: attempt.errorCode, message: attempt.errorMessage ?? '' }
        : null,
      cost_usd: attempt.costUsd,
    })),
    webhook: job.webhook
      ? {
          url: job.webhook.url,
          status: job.webhook.status,
          deliveries: job.webhook.deliveries.map((delivery) => ({
            attempt: delivery.attempt,
            at: delivery.at.toISOString(),
            status_code: delivery.statusCode,
            error: delivery.error,
            ok: delivery.ok,
            duration_ms: delivery.durationMs,
          })),
        }
      : null,
    regenerated_from: job.regeneratedFrom,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    submitted_at: job.submittedAt?.toISOString() ?? null,
    started_at: job.startedAt?.toISOString() ?? null,
    completed_at: job.completedAt?.toISOString() ?? null,
    deadline_at: job.deadlineAt.toISOString(),
  };
}
