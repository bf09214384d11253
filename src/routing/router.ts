import type { GenerationRequest } from '../core/generation-request.js';
import { GatewayError } from '../core/errors/index.js';
import { estimateCost } from '../catalog/estimate-cost.js';
import { resolveRequestForOffering } from '../catalog/resolve-request-for-offering.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { RejectedCandidate, RoutingCandidate, RoutingPlan } from './routing-candidate.js';

export interface PlanOptions {
  /** Providers already tried for this job. */
  exclude?: ReadonlySet<string>;
}

/**
 * Chooses which providers may serve a request and in which order: capable, enabled and not
 * excluded providers, in configuration order (a pin narrows it to one).
 */
export class Router {
  constructor(private readonly instances: ProviderInstances) {}

  plan(request: GenerationRequest, options: PlanOptions = {}): RoutingPlan {
    const candidates: RoutingCandidate[] = [];
    const rejected: RejectedCandidate[] = [];
    for (const { instance, offering } of this.instances.offeringsFor(request.model)) {
      const providerId = instance.adapter.id;
      if (request.provider && request.provider !== providerId) continue;
      if (options.exclude?.has(providerId)) {
        rejected.push({
          providerId,
          reason: 'already_tried',
          message: 'Already tried for this job.',
        });
        continue;
      }
      if (!instance.enabled) {
        rejected.push({
          providerId,
          reason: 'provider_disabled',
          message: `Provider '${providerId}' is disabled.`,
        });
        continue;
      }
      try {
        const parameters = resolveRequestForOffering(request, offering);
        candidates.push({
          providerId,
          adapter: instance.adapter,
          offering,
          parameters,
          estimatedCostUsd: estimateCost(offering.price, { ...request, ...parameters }),
        });
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        rejected.push({ providerId, reason: error.code, message: error.message });
      }
    }
    return { candidates, rejected, strategy: request.provider ? 'pinned' : 'primary_first' };
  }
}
