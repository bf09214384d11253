import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';

/**
 * The aspect ratios fal's FLUX endpoints take as `image_size` presets (used when a request
 * names an aspect ratio but no pixel size). Sizes from fal's FLUX input schema.
 */
export const falFluxImageSizePresets: Record<string, string> = {
  '1:1': 'square_hd',
  '4:3': 'landscape_4_3',
  '3:4': 'portrait_4_3',
  '16:9': 'landscape_16_9',
  '9:16': 'portrait_16_9',
};

const fluxCapabilities = {
  tasks: ['text-to-image'],
  // fal takes `image_size: {width, height}`; we accept multiples of 16 (FLUX's latent grid) so
  // fal never has to round a requested size.
  sizeRange: { min: 256, max: 2048, multipleOf: 16 },
  aspectRatios: Object.keys(falFluxImageSizePresets),
  maxOutputs: 4,
  supportsSeed: true,
  supportsNegativePrompt: false,
  supportsWebhook: true,
  supportsCancel: true,
} as const;

/**
 * fal's built-in models. Prices from each model's fal page (see README): FLUX [dev]
 * $0.025/MP, FLUX [schnell] $0.003/MP (billed per megapixel, rounded up), Kling 2.5 Turbo
 * Standard image-to-video $0.21 for 5 s + $0.042 per extra second (= $0.042/s).
 */
export const falModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'flux-dev',
    providerModelId: 'fal-ai/flux/dev',
    kind: 'image',
    displayName: 'FLUX.1 [dev] (fal)',
    qualityScore: 70,
    capabilities: fluxCapabilities,
    price: { type: 'per_megapixel', usd: 0.025 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'flux-schnell',
    providerModelId: 'fal-ai/flux/schnell',
    kind: 'image',
    displayName: 'FLUX.1 [schnell] (fal)',
    qualityScore: 55,
    capabilities: fluxCapabilities,
    price: { type: 'per_megapixel', usd: 0.003 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'kling-v2-5-standard',
    providerModelId: 'fal-ai/kling-video/v2.5-turbo/standard/image-to-video',
    kind: 'video',
    displayName: 'Kling 2.5 Turbo Standard, image-to-video (fal)',
    qualityScore: 70,
    capabilities: {
      tasks: ['image-to-video'],
      // The output follows the input image; fal's schema has no size or aspect-ratio field, so
      // both are rejected before routing instead of being dropped here.
      aspectRatios: [],
      durations: [5, 10],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: true,
      supportsWebhook: true,
      supportsCancel: true,
    },
    price: { type: 'per_second', usd: 0.042 },
  }),
];
