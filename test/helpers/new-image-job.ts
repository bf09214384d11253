import type { GenerationRequest } from '../../src/core/generation-request.js';
import type { NewGeneration } from '../../src/store/repositories/generation-rows.js';

/** A text-to-image job as `GenerationRepository.insertMany` takes it, for repository tests. */
export function newImageJob(
  id: string,
  extra: Partial<NewGeneration & { createdAt: Date }> & { model?: string } = {},
): NewGeneration & { createdAt: Date } {
  const { model = 'sim-image', ...rest } = extra;
  const request: GenerationRequest = {
    kind: 'image',
    task: 'text-to-image',
    model,
    prompt: 'p',
    inputImages: [],
    n: 1,
    allowResubmit: false,
  };
  return {
    id,
    request,
    estimatedCostUsd: null,
    idempotencyKey: null,
    requestHash: null,
    deadlineAt: new Date(Date.now() + 60_000),
    createdAt: new Date(),
    ...rest,
  };
}
