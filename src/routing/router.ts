import type { GenerationRequest } from '../core/generation-request.js';
import { GatewayError, NoChannelError } from '../core/errors/index.js';
import { defaultGroup } from '../core/channel.js';
import { estimateAdapterCost } from '../catalog/estimate-cost.js';
import {
  resolveRequestForOffering,
  type ResolvedParameters,
} from '../catalog/resolve-request-for-offering.js';
import type { ModelOffering } from '../core/model-capabilities.js';
import type { ControlPlane } from './control-plane/control-plane.js';
import type { OfferingAvailability } from './control-plane/offering-availability.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { ProviderHealthService } from './provider-health.js';
import type { RejectedCandidate, RoutingCandidate, RoutingPlan } from './routing-candidate.js';
import { orderByChain } from './strategies/primary-first-strategy.js';
import { getStrategy } from './strategies/strategies.js';
import { rendezvousScore } from './strategies/weighted-strategy.js';
import { orderByPriorityTiers } from './strategies/priority-tiers.js';

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
  /** Offerings whose provider refused the model (retired): never planned until restored. */
  offerings?: OfferingAvailability;
  /** Called once per real decision (metrics). */
  onDecision?: (plan: RoutingPlan) => void;
  /** Draws for the weighted choice inside a channel priority tier (tests fix it). */
  random?: () => number;
}

/** A candidate's channel priority tier: highest first, weighted random inside channel tiers. */
interface Tier {
  priority: number;
  weight: number;
  weighted: boolean;
}

/** The catalog's typed rejection of `request` on `offering`, if it rejects it. */
function rejectionOf(
  request: GenerationRequest,
  offering: ModelOffering,
): GatewayError | undefined {
  try {
    resolveRequestForOffering(request, offering);
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
}

/**
 * Chooses which providers may serve a request and in which order. Candidates are the enabled
 * providers of the caller's group (env/config providers are in `default`, channels in their
 * own groups) whose model offering accepts the request; the strategy configured for the model
 * (control plane) orders them, then priority tiers go highest first with a weighted random
 * order inside tiers holding channels; providers held back by health (open circuit, no
 * credit) go last, as a last resort rather than never; the request's fallback models follow,
 * in chain order. A model served, but not in the caller's group, is refused as `no_channel`.
 */
export class Router {
  private sequence = 0;
  private readonly decisionListeners: ((plan: RoutingPlan) => void)[] = [];

  constructor(
    private readonly instances: ProviderInstances,
    private readonly dependencies: RouterDependencies = {},
  ) {
    if (dependencies.onDecision) this.decisionListeners.push(dependencies.onDecision);
  }

  /** Calls `listener` once per real decision from now on (metrics, wired after the router). */
  onDecision(listener: (plan: RoutingPlan) => void): void {
    this.decisionListeners.push(listener);
  }

  /**
   * The candidates of one model key: `available` in catalog order, `heldBack` by health, and
   * why the others were refused.
   */
  private collect(
    request: GenerationRequest,
    modelKey: string,
    options: PlanOptions,
    skip: ReadonlySet<string> = new Set(),
  ): {
    available: RoutingCandidate[];
    heldBack: RoutingCandidate[];
    rejected: RejectedCandidate[];
    capabilityError: GatewayError | undefined;
    tierOf: Map<string, Tier>;
  } {
    const available: RoutingCandidate[] = [];
    const heldBack: RoutingCandidate[] = [];
    const rejected: RejectedCandidate[] = [];
    let capabilityError: GatewayError | undefined;
    const { health } = this.dependencies;
    const group = request.group ?? defaultGroup;
    const offerings = this.instances.offeringsFor(modelKey);
    const inGroup = offerings.filter(({ instance }) => instance.groups.includes(group));
    // The S4 outage as a clear answer: the model exists, just not for this group (a disabled
    // channel serves nobody; a disabled config provider keeps its own `provider_disabled`).
    const serving = inGroup.filter(
      ({ instance }) => instance.enabled || instance.channelId === undefined,
    );
    if (offerings.length > 0 && serving.length === 0)
      capabilityError = new NoChannelError(group, modelKey);
    const tierOf = new Map<string, Tier>();
    for (const { instance, offering } of inGroup) {
      const providerId = instance.adapter.id;
      if (request.provider && request.provider !== providerId) continue;
      // A provider already planned for an earlier model is not planned twice.
      if (skip.has(providerId)) continue;
      tierOf.set(providerId, {
        priority: instance.priority,
        weight: instance.weight,
        weighted: instance.channelId !== undefined,
      });
      if (options.exclude?.has(providerId)) {
        rejected.push({
          providerId,
          reason: 'already_tried',
          message: 'Already tried for this job.',
        });
        continue;
      }
      const gone = this.dependencies.offerings?.unavailable(providerId, offering.modelKey);
      if (gone) {
        // The provider refused this model id: calling it again would fail the same way.
        rejected.push({
          providerId,
          reason: 'offering_unavailable',
          message: `Provider '${providerId}' no longer serves '${offering.providerModelId}' (since ${gone.since}); an operator can restore it.`,
        });
        continue;
      }
      if (!instance.enabled) {
        // A disabled provider's verdict on the request still explains a refusal best.
        capabilityError ??= rejectionOf(request, offering);
        rejected.push({
          providerId,
          reason: 'provider_disabled',
          message: `Provider '${providerId}' is disabled.`,
        });
        continue;
      }
      let parameters: ResolvedParameters | undefined;
      let candidate: RoutingCandidate;
      try {
        parameters = resolveRequestForOffering(request, offering);
        candidate = {
          providerId,
          adapter: instance.adapter,
          offering,
          parameters,
          // The adapter's own estimate when it has one, else the catalog's price rule.
          estimatedCostUsd: estimateAdapterCost(instance.adapter, {
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
        // The catalog's verdict on the request is the client's to hear; a pricing failure is not.
        if (!parameters) capabilityError ??= error;
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
    return { available, heldBack, rejected, capabilityError, tierOf };
  }

  /**
   * The model that serves a request, applied before provider routing: the model asked for,
   * unless a model redirect (a model rollout) sends this sticky key's share to another model —
   * and only when that model can serve this very request (same kind, and some provider of the
   * caller's group accepts its parameters now). A provider pin is never redirected.
   */
  chooseModel(request: GenerationRequest, stickyKey: string): string {
    const redirect = this.dependencies.controlPlane?.settings().redirects[request.model];
    if (!redirect || redirect.weight <= 0 || request.provider) return request.model;
    const key = request.user ?? stickyKey;
    // Weighted rendezvous as for providers: raising the weight only moves keys to `to`.
    if (
      redirect.weight < 1 &&
      rendezvousScore(key, redirect.to, redirect.weight) >=
        rendezvousScore(key, request.model, 1 - redirect.weight)
    )
      return request.model;
    const offering = this.instances.offeringsFor(redirect.to)[0]?.offering;
    if (offering?.kind !== request.kind) return request.model;
    const check = this.plan(
      { ...request, model: redirect.to, fallbackModels: undefined },
      { dryRun: true, stickyKey },
    );
    return check.candidates.length > 0 ? redirect.to : request.model;
  }

  plan(request: GenerationRequest, options: PlanOptions = {}): RoutingPlan {
    const { health } = this.dependencies;
    const { available, heldBack, rejected, capabilityError, tierOf } = this.collect(
      request,
      request.model,
      options,
    );
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
      : orderByPriorityTiers(
          getStrategy(settings.strategy).order(available, context),
          (candidate) => tierOf.get(candidate.providerId)!,
          this.dependencies.random,
        );
    const candidates = [...ordered, ...orderByChain(heldBack, settings.chain)];
    // Fallback models come after every provider of the model itself, in chain order.
    let fallbackError: GatewayError | undefined;
    for (const fallback of request.fallbackModels ?? []) {
      if (fallback === request.model) continue;
      const planned = new Set(candidates.map((candidate) => candidate.providerId));
      const more = this.collect(request, fallback, options, planned);
      candidates.push(
        ...orderByChain(more.available, settings.chain),
        ...orderByChain(more.heldBack, settings.chain),
      );
      rejected.push(...more.rejected.map((entry) => ({ ...entry, model: fallback })));
      fallbackError ??= more.capabilityError;
    }
    const plan: RoutingPlan = {
      candidates,
      rejected,
      strategy: strategyName,
      capabilityError: capabilityError ?? fallbackError,
    };
    if (!options.dryRun) for (const listener of this.decisionListeners) listener(plan);
    return plan;
  }
}
