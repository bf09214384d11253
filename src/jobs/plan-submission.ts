import { createId } from '../core/create-id.js';
import type { GenerationRequest } from '../core/generation-request.js';
import type { Router } from '../routing/router.js';
import type { FirstAttempt } from '../store/repositories/insert-first-attempts.js';
import type { PlannedSubmission } from './inline-submitter.js';

/**
 * Routes a job about to be stored and submitted inline, as the submit worker would (same
 * sticky key, nothing excluded yet), and names its first attempt; undefined when nothing can
 * serve it now (the worker then decides, as for any job).
 */
export function planSubmission(
  router: Router,
  request: GenerationRequest,
  jobId: string,
): PlannedSubmission | undefined {
  const plan = router.plan(request, { stickyKey: jobId });
  return plan.candidates.length ? { plan, attemptId: createId('att') } : undefined;
}

/** The attempt row a planned submission starts with (stored in the job's transaction). */
export function firstAttemptOf(
  planned: PlannedSubmission | undefined,
): Omit<FirstAttempt, 'generationId'> | undefined {
  const first = planned?.plan.candidates[0];
  if (!planned || !first) return undefined;
  return {
    id: planned.attemptId,
    provider: first.providerId,
    providerModelId: first.offering.providerModelId,
  };
}
