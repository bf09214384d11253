import type { GatewayError } from '../core/errors/index.js';
import type { ModelOffering } from '../core/model-capabilities.js';
import type { ProviderAdapter } from '../core/provider-adapter.js';
import type { ResolvedParameters } from '../catalog/resolve-request-for-offering.js';

/** One (provider, model) pair able to serve a request, with the request resolved for it. */
export interface RoutingCandidate {
  /** Provider instance id. */
  providerId: string;
  /** The adapter. */
  adapter: ProviderAdapter;
  /** The model as this provider serves it. */
  offering: ModelOffering;
  /** Request parameters checked against this offering. */
  parameters: ResolvedParameters;
  /** Estimated USD on this provider. */
  estimatedCostUsd: number;
  /** The offering's quality score (for `quality_focused`). */
  qualityScore: number;
}

/** A provider that was considered and left out, and why (shown in `all_providers_failed`). */
export interface RejectedCandidate {
  providerId: string;
  /** Stable reason code (`provider_disabled`, `unsupported_parameter`, `circuit_open`, …). */
  reason: string;
  /** Human explanation. */
  message: string;
  /** The fallback model this refusal is about (absent: the request's own model). */
  model?: string;
}

/** The router's answer: candidates in the order to try them. */
export interface RoutingPlan {
  candidates: RoutingCandidate[];
  rejected: RejectedCandidate[];
  /** Strategy that ordered them. */
  strategy: string;
  /**
   * The first typed rejection of the request by the catalog (an unsupported parameter, say), in
   * provider order: what to tell a client when no candidate is left.
   */
  capabilityError?: GatewayError;
}
