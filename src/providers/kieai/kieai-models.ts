import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';

/** Which Kie.ai API family serves a model id: each has its own endpoints and record shape. */
export type KieaiFamily = 'veo' | 'runway';

/** The family of a Kie.ai model id (`veo3_fast`, `veo3` → Veo; `runway-…` → Runway). */
export function kieaiFamilyOf(providerModelId: string): KieaiFamily | undefined {
  if (providerModelId.startsWith('veo3')) return 'veo';
  if (providerModelId.startsWith('runway')) return 'runway';
  return undefined;
}

/**
 * Kie.ai's built-in models. Prices in USD at $0.005 per credit (see README for sources):
 * Veo 3.1 Fast 60 credits per 8 s clip ($0.30); Runway 5 s clip 12 credits at 720p ($0.06),
 * 30 credits at 1080p ($0.15).
 */
export const kieaiModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'veo-3-fast',
    providerModelId: 'veo3_fast',
    kind: 'video',
    displayName: 'Veo 3.1 Fast (Kie.ai)',
    qualityScore: 85,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      // Kie returns 720p; 1080p and 4K are separate, extra-cost endpoints not offered here.
      resolutions: { '720p': { width: 1280, height: 720 } },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: [8],
      defaultDuration: 8,
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: true,
      supportsCancel: false,
    },
    price: { type: 'per_video', usd: 0.3 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'runway-gen3-alpha-turbo',
    providerModelId: 'runway-duration-5-generate',
    kind: 'video',
    displayName: 'Runway via Kie.ai (Gen-3 Alpha Turbo), 5 s',
    qualityScore: 60,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      resolutions: { '720p': { width: 1280, height: 720 }, '1080p': { width: 1920, height: 1080 } },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16', '1:1', '4:3', '3:4'],
      // Kie's pages disagree on the long option (8 s vs 10 s); only the 5 s clip is offered.
      durations: [5],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: false,
      supportsWebhook: true,
      supportsCancel: false,
    },
    price: { type: 'per_video', usd: 0.06, byResolution: { '720p': 0.06, '1080p': 0.15 } },
  }),
];
