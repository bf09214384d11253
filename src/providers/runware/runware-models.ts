import {
  ModelOfferingSchema,
  type ModelCapabilitiesInput,
  type ModelOffering,
  type ModelOfferingInput,
} from '../../core/model-capabilities.js';

// Sources for every figure below are listed in this folder's README.md. Prices are USD; the
// adapter asks Runware for its own figure (`includeCost`) and the engine prefers that.

const fluxImageCapabilities: ModelCapabilitiesInput = {
  tasks: ['text-to-image', 'image-to-image', 'inpaint'],
  // Runware's classic imageInference limits (128–2048, multiples of 64); unconfirmed per model.
  sizeRange: { min: 128, max: 2048, multipleOf: 64 },
  maxOutputs: 4,
  supportsSeed: true,
  // FLUX runs without classifier-free guidance by default, so Runware ignores negative prompts.
  supportsNegativePrompt: false,
  // imageInference takes `strength` with a seed image (Runware SDK's IRequestImage).
  supportsStrength: true,
  // Runware needs pixels; the adapter derives them from a ratio (and says so in a warning).
  aspectRatios: ['1:1', '4:3', '3:4', '3:2', '2:3', '16:9', '9:16'],
  supportsWebhook: true,
  supportsCancel: false,
};

const builtIn: ModelOfferingInput[] = [
  {
    modelKey: 'flux-schnell',
    providerModelId: 'runware:100@1',
    kind: 'image',
    displayName: 'FLUX.1 [schnell] (Runware)',
    qualityScore: 55,
    capabilities: fluxImageCapabilities,
    // schnell is distilled for 1–4 steps; premium is served by FLUX.1 [dev] (priced as dev).
    qualitySettings: {
      fast: { steps: 2 },
      standard: { steps: 4 },
      premium: { providerModelId: 'runware:101@1', steps: 28 },
    },
    price: { type: 'per_image', usd: 0.0006, byQuality: { premium: 0.0038 } },
  },
  {
    modelKey: 'flux-dev',
    providerModelId: 'runware:101@1',
    kind: 'image',
    displayName: 'FLUX.1 [dev] (Runware)',
    qualityScore: 70,
    capabilities: fluxImageCapabilities,
    qualitySettings: { fast: { steps: 12 }, standard: { steps: 28 }, premium: { steps: 40 } },
    price: { type: 'per_image', usd: 0.0038 },
  },
  {
    modelKey: 'seedance-1-pro-fast',
    providerModelId: 'bytedance:2@2',
    kind: 'video',
    displayName: 'Seedance 1.0 Pro Fast (Runware)',
    qualityScore: 65,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      // The presets seed system S1 exposes; 720p goes out as Runware's 1248×704 (with a warning).
      resolutions: {
        '480p': { width: 864, height: 480 },
        '720p': { width: 1280, height: 720 },
        '1080p': { width: 1920, height: 1088 },
      },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: { min: 1.2, max: 12 },
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: true,
      supportsCancel: false,
    },
    price: {
      type: 'per_second',
      usd: 0.014,
      byResolution: { '480p': 0.0062, '720p': 0.014, '1080p': 0.0314 },
    },
  },
  {
    modelKey: 'wan-2.6-flash',
    providerModelId: 'alibaba:wan@2.6-flash',
    kind: 'video',
    displayName: 'Wan2.6 Flash (Runware)',
    qualityScore: 60,
    capabilities: {
      tasks: ['image-to-video'],
      resolutions: {
        '720p': { width: 1280, height: 720 },
        '1080p': { width: 1920, height: 1080 },
      },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: [5, 10, 15],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: true,
      supportsWebhook: true,
      supportsCancel: false,
    },
    // Silent clips (the adapter sends `providerSettings.alibaba.audio: false`).
    price: { type: 'per_second', usd: 0.025, byResolution: { '720p': 0.025, '1080p': 0.0375 } },
  },
  {
    modelKey: 'kling-v2-5-standard',
    providerModelId: 'klingai:6@0',
    kind: 'video',
    displayName: 'KlingAI 2.5 Turbo Standard (Runware)',
    qualityScore: 70,
    capabilities: {
      tasks: ['image-to-video'],
      resolutions: { '720p': { width: 1280, height: 720 } },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: [5, 10],
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: true,
      supportsWebhook: true,
      supportsCancel: false,
    },
    price: { type: 'per_second', usd: 0.042 },
  },
  {
    modelKey: 'veo-3-fast',
    // Veo 3 Fast (`google:3@1`) is retired: Google shut `veo-3.0-fast-generate-001` down on
    // 2026-06-30 and Runware's SDK registry dropped it. Veo 3.1 Fast is the named replacement,
    // as on the Google provider (README.md, "Retired models").
    providerModelId: 'google:3@3',
    kind: 'video',
    displayName: 'Veo 3.1 Fast (Runware; replaces Veo 3 Fast)',
    qualityScore: 85,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      resolutions: {
        '720p': { width: 1280, height: 720 },
        '1080p': { width: 1920, height: 1080 },
      },
      defaultResolution: '720p',
      aspectRatios: ['16:9', '9:16'],
      durations: [8],
      defaultDuration: 8,
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: true,
      supportsWebhook: true,
      supportsCancel: false,
    },
    // Without audio (the adapter sends `providerSettings.google.generateAudio: false`).
    price: { type: 'per_second', usd: 0.1 },
  },
];

/** Runware's built-in offerings (config `models` entries override them by `modelKey`). */
export const runwareModels: readonly ModelOffering[] = builtIn.map((offering) =>
  ModelOfferingSchema.parse(offering),
);

/**
 * Sizes Runware renders differently from the preset the gateway advertises. Seedance 1.0 Pro
 * Fast's 720p is ByteDance's native 1248×704; S1 clients ask for 1280×720, so the adapter sends
 * the native size and reports the change as a warning instead of failing the job.
 */
const nativeSizes: Record<string, Record<string, { width: number; height: number }>> = {
  'bytedance:2@2': {
    '1280x720': { width: 1248, height: 704 },
    '720x1280': { width: 704, height: 1248 },
  },
};

/** The size to put on the wire for a model, or the requested one when Runware takes it as is. */
export function runwareWireSize(
  providerModelId: string,
  width: number,
  height: number,
): { width: number; height: number } {
  return nativeSizes[providerModelId]?.[`${width}x${height}`] ?? { width, height };
}

/**
 * Provider settings the adapter always sends, so the price in the catalog is the price billed
 * (audio roughly doubles these models' rates).
 */
export const runwareProviderSettings: Record<string, Record<string, Record<string, boolean>>> = {
  'alibaba:wan@2.6-flash': { alibaba: { audio: false } },
  'google:3@3': { google: { generateAudio: false } },
};
