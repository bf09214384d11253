import type { GenerationTask } from '../../core/generation-request.js';
import {
  ModelOfferingSchema,
  type ModelOffering,
  type ModelOfferingInput,
} from '../../core/model-capabilities.js';

// Capabilities come from the per-model OpenAPI schemas in aimlapi/api-docs (README.md). AIMLAPI
// reports what each call cost (`credits_used`), which the engine prefers over these prices.

const builtIn: ModelOfferingInput[] = [
  {
    modelKey: 'flux-schnell',
    providerModelId: 'flux/schnell',
    kind: 'image',
    displayName: 'FLUX.1 [schnell] (AIMLAPI)',
    qualityScore: 55,
    capabilities: {
      tasks: ['text-to-image'],
      // `image_size: {width, height}`: 64–1536, multiples of 32.
      sizeRange: { min: 64, max: 1536, multipleOf: 32 },
      // The `image_size` presets, used when a request names only an aspect ratio.
      aspectRatios: ['1:1', '4:3', '3:4', '16:9', '9:16'],
      maxOutputs: 4,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: false,
      supportsCancel: false,
    },
    price: { type: 'per_image', usd: 0.003 },
  },
  {
    // AIMLAPI has no Kling 2.5 Turbo *Standard*; Turbo Pro is the 2.5 model it serves.
    modelKey: 'kling-v2-5-turbo-pro',
    providerModelId: 'klingai/v2.5-turbo/pro',
    kind: 'video',
    displayName: 'Kling 2.5 Turbo Pro (AIMLAPI)',
    qualityScore: 75,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      aspectRatios: ['16:9', '9:16', '1:1'],
      durations: [5, 10],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: true,
      supportsWebhook: false,
      supportsCancel: false,
    },
    price: { type: 'per_second', usd: 0.07 },
  },
];

/** AIMLAPI's built-in offerings (config `models` entries override them by `modelKey`). */
export const aimlapiModels: readonly ModelOffering[] = builtIn.map((offering) =>
  ModelOfferingSchema.parse(offering),
);

/** AIMLAPI names text- and image-to-video variants of one model separately. */
const wireModels: Record<string, Partial<Record<GenerationTask, string>>> = {
  'klingai/v2.5-turbo/pro': {
    'text-to-video': 'klingai/v2.5-turbo/pro/text-to-video',
    'image-to-video': 'klingai/v2.5-turbo/pro/image-to-video',
  },
};

/** The `model` value to send for a task (operator-added ids go out unchanged). */
export function aimlapiWireModel(providerModelId: string, task: GenerationTask): string {
  return wireModels[providerModelId]?.[task] ?? providerModelId;
}

/** `image_size` presets by aspect ratio (AIMLAPI's enum for FLUX models). */
export const aimlapiImageSizePresets: Record<string, string> = {
  '1:1': 'square_hd',
  '4:3': 'landscape_4_3',
  '3:4': 'portrait_4_3',
  '16:9': 'landscape_16_9',
  '9:16': 'portrait_16_9',
};
