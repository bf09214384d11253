import { actualCost } from '../catalog/estimate-cost.js';
import type { Job, JobOutput } from '../core/job.js';
import type { StatusResult } from '../core/provider-adapter.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { AttemptRecord } from '../store/repositories/attempt-rows.js';

/**
 * What a successful attempt cost: its offering's price rule applied to the request, the
 * provider's usage and the outputs; without the offering (removed since), what the provider
 * reported or the estimate.
 */
export function attemptCost(
  instances: ProviderInstances,
  job: Job,
  attempt: AttemptRecord,
  outputs: readonly JobOutput[],
  usage: Extract<StatusResult, { status: 'completed' }>['usage'],
): number {
  // The attempt may have run on a fallback model (`fallbackModels`), priced by its own rule.
  const modelKeys = [job.request.model, ...(job.request.fallbackModels ?? [])];
  const offering = instances
    .adapter(attempt.provider)
    ?.models.find(
      (model) =>
        model.providerModelId === attempt.providerModelId && modelKeys.includes(model.modelKey),
    );
  if (!offering) return usage?.costUsd ?? job.cost.estimatedUsd ?? 0;
  return actualCost(
    offering.price,
    { ...job.request, duration: job.request.duration ?? outputs[0]?.durationSeconds },
    usage,
    outputs.length,
  );
}
