import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';

/**
 * Replicate model ids of the built-in offerings. The seed systems used `haiper/haiper-video-2`
 * and `kuaishou/kling-v1-6-pro`; Replicate publishes them as below. Their `google-deepmind/veo-2`
 * (`google/veo-2` on Replicate) proxied Google's Veo 2, which Google shut down on 2026-06-30,
 * so it left the catalog (see README.md for sources).
 */
export const replicateModelIds = {
  haiper: 'haiper-ai/haiper-video-2',
  kling: 'kwaivgi/kling-v1.6-pro',
  fluxSchnell: 'black-forest-labs/flux-schnell',
} as const;

/**
 * FLUX.1 [schnell] output sizes per `aspect_ratio` at `megapixels: "1"` (replicate/cog-flux
 * `ASPECT_RATIOS`); `megapixels: "0.25"` halves both sides.
 */
export const fluxAspectRatioSizes: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '3:2': [1216, 832],
  '2:3': [832, 1216],
  '4:5': [896, 1088],
  '5:4': [1088, 896],
  '3:4': [896, 1152],
  '4:3': [1152, 896],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
};

const fluxSizes = Object.values(fluxAspectRatioSizes).flatMap(([width, height]) => [
  { width, height },
  { width: width / 2, height: height / 2 },
]);

/** The offerings a Replicate instance serves unless its config overrides them. */
export const replicateModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'haiper-v2',
    providerModelId: replicateModelIds.haiper,
    kind: 'video',
    displayName: 'Haiper Video 2 (Replicate)',
    qualityScore: 45,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      aspectRatios: ['16:9', '9:16', '4:3', '3:4', '1:1'],
      durations: [4, 6],
      defaultDuration: 4,
      maxOutputs: 1,
      // No seed or negative prompt field could be confirmed on Replicate's schema for this model.
      supportsSeed: false,
      supportsNegativePrompt: false,
      supportsWebhook: true,
      supportsCancel: true,
    },
    price: { type: 'per_second', usd: 0.05 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'kling-v1.6-pro',
    providerModelId: replicateModelIds.kling,
    kind: 'video',
    displayName: 'Kling 1.6 Pro (Replicate)',
    qualityScore: 65,
    capabilities: {
      // Replicate's current schema: "A start or end image is required".
      tasks: ['image-to-video'],
      durations: [5, 10],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: true,
      supportsWebhook: true,
      supportsCancel: true,
    },
    price: { type: 'per_second', usd: 0.098 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'flux-schnell',
    providerModelId: replicateModelIds.fluxSchnell,
    kind: 'image',
    displayName: 'FLUX.1 [schnell] (Replicate)',
    qualityScore: 55,
    capabilities: {
      tasks: ['text-to-image'],
      sizes: fluxSizes,
      aspectRatios: Object.keys(fluxAspectRatioSizes),
      maxOutputs: 4,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: true,
      supportsCancel: true,
    },
    price: { type: 'per_image', usd: 0.003 },
  }),
];
