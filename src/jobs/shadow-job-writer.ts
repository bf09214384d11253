import { createId } from '../core/create-id.js';
import type { Config } from '../config/config-schema.js';
import type { GenerationRequest } from '../core/generation-request.js';
import type { Job } from '../core/job.js';
import type { Router } from '../routing/router.js';
import type { NewGeneration } from '../store/repositories/generation-rows.js';
import type { BatchedJobWriter } from './batched-job-writer.js';

/** Where a shadow copy goes: a provider (a provider rollout) or a model (a model rollout). */
export interface ShadowTarget {
  rolloutId: string;
  kind: 'provider' | 'model';
  /** Provider id, or model key for a model rollout. */
  canary: string;
}

/** A copy ready to store, with the estimate a budget reserves for it. */
export interface PreparedShadowJob {
  generation: NewGeneration & { createdAt: Date };
  estimatedCostUsd: number;
}

/**
 * Makes the shadow copy of a client job (ADR 0017): an ordinary durable job, queued like any
 * other (so a restart resumes it), whose request is the client's with everything that ties it
 * to a client removed — no tenant, key, user, idempotency key, webhook or caller key, so no
 * ledger entry, quota, concurrency slot, client listing or callback ever sees it — pinned to the
 * canary with no fallback, and marked `request.shadow` with the client job and the rollout.
 */
export class ShadowJobWriter {
  constructor(
    private readonly writer: BatchedJobWriter,
    private readonly router: Router,
    private readonly limits: Pick<Config['jobs'], 'defaultTimeoutSeconds'>,
    private readonly now: () => number,
  ) {}

  /** The copy of `client` for `target`, or undefined when the canary cannot serve it. */
  prepare(client: Job, target: ShadowTarget): PreparedShadowJob | undefined {
    const request = shadowRequest(client.request, target, client.id);
    const plan = this.router.plan(request, { dryRun: true });
    const first = plan.candidates[0];
    if (!first) return undefined;
    const now = this.now();
    return {
      estimatedCostUsd: first.estimatedCostUsd,
      generation: {
        id: createId('gen'),
        request,
        estimatedCostUsd: first.estimatedCostUsd,
        idempotencyKey: null,
        requestHash: null,
        deadlineAt: new Date(
          now + (request.timeoutSeconds ?? this.limits.defaultTimeoutSeconds) * 1000,
        ),
        regeneratedFrom: null,
        tenantId: null,
        apiKeyId: null,
        warnings: [],
        createdAt: new Date(now),
      },
    };
  }

  /** Stores the copy with its submit message; the workers take it from the queue. */
  async insert(prepared: PreparedShadowJob): Promise<string> {
    await this.writer.insert(prepared.generation);
    return prepared.generation.id;
  }
}

/** The client's request, detached from the client and pinned to the canary. */
function shadowRequest(
  client: GenerationRequest,
  target: ShadowTarget,
  clientJobId: string,
): GenerationRequest {
  const {
    user: _user,
    webhookUrl: _webhookUrl,
    fallbackModels: _fallbackModels,
    callerKey: _callerKey,
    provider: _provider,
    requestedModel: _requestedModel,
    ...rest
  } = client;
  const request: GenerationRequest = {
    ...rest,
    // One attempt at the canary: a failure there is the canary's, never hidden by another one.
    allowResubmit: false,
    shadow: { of: clientJobId, rolloutId: target.rolloutId },
  };
  if (target.kind === 'model') {
    request.requestedModel = client.model;
    request.model = target.canary;
  } else request.provider = target.canary;
  return request;
}
