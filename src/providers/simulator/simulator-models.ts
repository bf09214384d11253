import type { ModelOffering } from '../../core/model-capabilities.js';
import { ModelOfferingSchema } from '../../core/model-capabilities.js';
import type { SimulatorProfile } from './simulator-profile.js';

/** Video presets, the same as Runware's SeeDance ones so drills exercise real sizes. */
const simulatorVideoResolutions = {
  '480p': { width: 864, height: 480 },
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1088 },
};

const simulatorStylePresets = ['photographic', 'illustration', 'watercolor', 'anime', 'party'];

/** The model offerings of one simulator instance, priced from its profile. */
export function simulatorModels(profile: SimulatorProfile): ModelOffering[] {
  return profile.models.map((model) => {
    const key = typeof model === 'string' ? model : model.key;
    const kind =
      typeof model === 'string' ? (/video/i.test(model) ? 'video' : 'image') : model.kind;
    const qualityScore =
      (typeof model === 'object' ? model.qualityScore : undefined) ?? profile.qualityScore;
    if (kind === 'image') {
      return ModelOfferingSchema.parse({
        modelKey: key,
        providerModelId: `simulator/${key}`,
        kind,
        displayName: `Simulated image (${key})`,
        qualityScore,
        capabilities: {
          tasks: ['text-to-image', 'image-to-image', 'inpaint'],
          sizeRange: { min: 64, max: 2048, multipleOf: 8 },
          maxOutputs: 4,
          supportsSeed: true,
          supportsNegativePrompt: true,
          supportsCancel: true,
          supportsStrength: true,
          stylePresets: simulatorStylePresets,
        },
        price: { type: 'per_image', usd: profile.costPerImage },
      });
    }
    return ModelOfferingSchema.parse({
      modelKey: key,
      providerModelId: `simulator/${key}`,
      kind,
      displayName: `Simulated video (${key})`,
      qualityScore,
      capabilities: {
        tasks: ['text-to-video', 'image-to-video'],
        resolutions: simulatorVideoResolutions,
        defaultResolution: '480p',
        aspectRatios: ['16:9', '9:16'],
        durations: { min: 1, max: 12 },
        defaultDuration: 4,
        maxOutputs: 1,
        supportsSeed: true,
        supportsNegativePrompt: true,
        supportsCancel: true,
      },
      price: { type: 'per_second', usd: profile.costPerSecond },
    });
  });
}
