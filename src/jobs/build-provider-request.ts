import type { GenerationRequest } from '../core/generation-request.js';
import type { ProviderRequest } from '../core/provider-adapter.js';
import type { RoutingCandidate } from '../routing/routing-candidate.js';
import type { JobInputImages } from './job-input-images.js';

/** The adapter-facing request for one candidate. */
export function buildProviderRequest(
  request: GenerationRequest,
  candidate: RoutingCandidate,
  images: JobInputImages,
): ProviderRequest {
  const { parameters } = candidate;
  const qualitySettings = request.quality
    ? candidate.offering.qualitySettings?.[request.quality]
    : undefined;
  // A tier may be served by another variant of the model; the catalog declares which.
  const offering = qualitySettings?.providerModelId
    ? { ...candidate.offering, providerModelId: qualitySettings.providerModelId }
    : candidate.offering;
  return {
    kind: request.kind,
    task: request.task,
    offering,
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    inputImages: request.inputImages.map((reference) => images.resolve(reference)),
    mask: request.mask ? images.resolve(request.mask) : undefined,
    width: parameters.width,
    height: parameters.height,
    resolution: parameters.resolution,
    aspectRatio: parameters.aspectRatio,
    duration: parameters.duration,
    n: request.n,
    seed: request.seed,
    quality: request.quality,
    ...(qualitySettings ? { qualitySettings } : {}),
    style: request.style,
    ...(request.strength !== undefined ? { strength: request.strength } : {}),
    user: request.user,
  };
}
