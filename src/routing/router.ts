import type { GenerationRequest } from '../core/generation-request.js';
import { GatewayError } from '../core/errors/index.js';
import { resolveRequestForOffering } from '../catalog/resolve-request-for-offering.js';
import type { ControlPlane } from './control-plane/control-plane.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { ProviderHealthService } from './provider-health.js';
import type { RejectedCandidate, RoutingCandidate, RoutingPlan } from './routing-candidate.js';
import { orderByChain } from './strategies/primary-first-strategy.js';
import { getStrategy } from './strategies/strategies.js';

export interface PlanOptions {
  /** Providers already tried for this job. */
  exclude?: ReadonlySet<string>;
  /** Stickiness key when the request has no user (the job id, so a job's retries agree). */
  stickyKey?: string;
  /** Planning for display (estimates): do not take a half-open probe slot. */
  dryRun?: boolean;
}

/** Optional live inputs; without them the router plans from capabilities and config order only. */
export interface RouterDependencies {
  controlPlane?: ControlPlane;
  health?: ProviderHealthService;
  /** Called once per real decision (metrics). */
  onDecision?: (plan: RoutingPlan) => void;
}

/**
 * Chooses which providers may serve a request and in which order. Candidates are the enabled
 * providers whose model offering accepts the request; the strategy configured for the model
 * (control plane) orders them; providers held back by health (open circuit, no credit) go last,
 * as a last resort rather than never.
 */
export class Router {
  private sequence = 0;

  constructor(
    private readonly instances: ProviderInstances,
    private readonly dependencies: RouterDependencies = {},
  ) {}

  plan(request: GenerationRequest, options: PlanOptions = {}): RoutingPlan {
    const available: RoutingCandidate[] = [];
    const heldBack: RoutingCandidate[] = [];
    const rejected: RejectedCandidate[] = [];
    const { health } = this.dependencies;
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
      let candidate: RoutingCandidate;
      try {
        const parameters = resolveRequestForOffering(request, offering);
        candidate = {
          providerId,
          adapter: instance.adapter,
          offering,
          parameters,
          // The adapter prices it: some know more than the rule (OpenAI's quality × size).
          estimatedCostUsd: instance.adapter.estimateCost({
            kind: request.kind,
            task: request.task,
            offering,
            prompt: request.prompt,
            inputImages: [],
            n: request.n,
            seed: request.seed,
            quality: request.quality,
            style: request.style,
            ...parameters,
          }),
          qualityScore: offering.qualityScore,
        };
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        rejected.push({ providerId, reason: error.code, message: error.message });
        continue;
      }
      // A deprecated offering still serves, but only when nothing current can (or when pinned).
      const hold =
        offering.deprecated && !request.provider
          ? 'deprecated'
          : options.dryRun
            ? undefined
            : health?.hold(providerId);
      if (hold) {
        const messages = {
          circuit_open: 'Circuit open after recent failures; tried last.',
          out_of_credit: 'Out of credit; tried last.',
          deprecated: 'Deprecated model offering; tried last.',
        };
        rejected.push({ providerId, reason: hold, message: messages[hold] });
        heldBack.push(candidate);
      } else {
        available.push(candidate);
      }
    }
    const settings = this.dependencies.controlPlane?.settingsFor(request.model) ?? {
      strategy: 'primary_first' as const,
      chain: this.instances.list().map((instance) => instance.adapter.id),
      weights: {},
    };
    const strategyName = request.provider ? 'pinned' : settings.strategy;
    const context = {
      stickyKey: request.user ?? options.stickyKey ?? request.prompt,
      weights: settings.weights,
      chain: settings.chain,
      stats: (providerId: string) =>
        health?.stats(providerId, request.model) ?? {
          inFlight: 0,
          successRate: null,
          p95LatencyMs: null,
          samples: 0,
        },
      sequence: options.dryRun ? this.sequence : this.sequence++,
    };
    const ordered = request.provider
      ? available
      : getStrategy(settings.strategy).order(available, context);
    const plan: RoutingPlan = {
      candidates: [...ordered, ...orderByChain(heldBack, settings.chain)],
      rejected,
      strategy: strategyName,
    };
    if (!options.dryRun) this.dependencies.onDecision?.(plan);
    return plan;
  }
}
