import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';

// Model ids, limits and prices are sourced in README.md. Google retired every model the catalog
// was first written for (Veo 3.0 on 2026-06-30, Imagen 4 on 2026-08-17, Gemini 2.5 Flash Image
// on 2026-10-02); see the README for what that means for each offering.

/**
 * Output size → `imageConfig.aspectRatio`: the fixed sizes of Gemini 2.5 Flash Image, kept for
 * an operator's own image offering that declares sizes (a width/height is sent as its ratio).
 */
export const gemini25ImageAspectRatioBySize: Record<string, string> = {
  '1024x1024': '1:1',
  '832x1248': '2:3',
  '1248x832': '3:2',
  '864x1184': '3:4',
  '1184x864': '4:3',
  '896x1152': '4:5',
  '1152x896': '5:4',
  '768x1344': '9:16',
  '1344x768': '16:9',
  '1536x672': '21:9',
};

/** Veo resolution presets (landscape; portrait swaps them). */
const veoResolutions = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
};

/** The models every `google` instance serves unless its config overrides them. */
export const googleModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'gemini-3.1-flash-image',
    providerModelId: 'gemini-3.1-flash-image',
    kind: 'image',
    displayName: 'Gemini 3.1 Flash Image (Nano Banana 2)',
    qualityScore: 80,
    capabilities: {
      tasks: ['text-to-image', 'image-to-image'],
      // Pixel sizes per ratio are not published in a form we could confirm: the model picks
      // them, so requests give an aspect ratio (width/height are rejected by capabilities).
      aspectRatios: ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'],
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: false,
      qualityTiers: ['standard'],
    },
    price: { type: 'per_image', usd: 0.067 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'veo-3-fast',
    // Veo 3 Fast (veo-3.0-fast-generate-001) was shut down on 2026-06-30; Google names Veo 3.1
    // Fast as its replacement, so the catalog's veo-3-fast is served by it here.
    providerModelId: 'veo-3.1-fast-generate-001',
    kind: 'video',
    displayName: 'Veo 3.1 Fast (replaces Veo 3 Fast)',
    qualityScore: 85,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      resolutions: veoResolutions,
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: [4, 6, 8],
      defaultDuration: 8,
      maxOutputs: 1,
      // The Gemini API rejects `seed` for Veo (Vertex only).
      supportsSeed: false,
      supportsNegativePrompt: true,
      qualityTiers: ['standard'],
    },
    // Audio is always generated on the Gemini API; the price includes it.
    price: { type: 'per_second', usd: 0.1, byResolution: { '720p': 0.1, '1080p': 0.12 } },
  }),
];
