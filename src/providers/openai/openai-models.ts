import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';
import type { QualityTier } from '../../core/generation-request.js';

// Prices and limits are sourced in README.md (OpenAI pricing as mirrored by several pages, the
// `openai` SDK's types, and OpenAI's video guide).

/** `quality` sent to GPT image models for each gateway tier. */
export const gptImageQualityByTier: Record<QualityTier, 'low' | 'medium' | 'high'> = {
  fast: 'low',
  standard: 'medium',
  premium: 'high',
};

/** `quality` sent to DALL·E 3 for each tier it offers (`fast` is rejected by capabilities). */
export const dallE3QualityByTier: Partial<Record<QualityTier, 'standard' | 'hd'>> = {
  standard: 'standard',
  premium: 'hd',
};

/** Aspect ratio → size for GPT image models (used when a request names a ratio but no size). */
export const gptImageSizeByAspectRatio: Record<string, string> = {
  '1:1': '1024x1024',
  '3:2': '1536x1024',
  '2:3': '1024x1536',
};

/** Aspect ratio → size for DALL·E 3 (1792/1024 = 7:4). */
export const dallE3SizeByAspectRatio: Record<string, string> = {
  '1:1': '1024x1024',
  '7:4': '1792x1024',
  '4:7': '1024x1792',
};

/** Sora sizes per aspect ratio (sora-2 renders 720p only; the 1024×1792 sizes are sora-2-pro). */
export const soraSizeByAspectRatio: Record<string, string> = {
  '16:9': '1280x720',
  '9:16': '720x1280',
};

/** A tier → `quality` table as catalog data (`qualitySettings`). */
function tierSettings(
  table: Partial<Record<QualityTier, string>>,
): Partial<Record<QualityTier, { quality: string }>> {
  return Object.fromEntries(
    Object.entries(table).map(([tier, quality]) => [tier, { quality }]),
  ) as Partial<Record<QualityTier, { quality: string }>>;
}

/** Seconds of video Sora accepts (sent as strings). */
export const soraSeconds = [4, 8, 12] as const;

/** The models every `openai` instance serves unless its config overrides them. */
export const openaiModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'gpt-image-1',
    providerModelId: 'gpt-image-1',
    kind: 'image',
    displayName: 'GPT Image 1',
    qualityScore: 80,
    capabilities: {
      tasks: ['text-to-image', 'image-to-image', 'inpaint'],
      sizes: [
        { width: 1024, height: 1024 },
        { width: 1536, height: 1024 },
        { width: 1024, height: 1536 },
      ],
      aspectRatios: Object.keys(gptImageSizeByAspectRatio),
      maxOutputs: 10,
      supportsSeed: false,
      supportsNegativePrompt: false,
      qualityTiers: ['fast', 'standard', 'premium'],
    },
    qualitySettings: tierSettings(gptImageQualityByTier),
    // Per image at 1024×1024 by quality; the 1536 sizes cost 1.5×. Actual cost comes from the
    // token usage OpenAI reports.
    price: {
      type: 'per_image',
      usd: 0.042,
      byQuality: { fast: 0.011, standard: 0.042, premium: 0.167 },
      byQualityAndSize: {
        'fast:1536x1024': 0.016,
        'fast:1024x1536': 0.016,
        'standard:1536x1024': 0.063,
        'standard:1024x1536': 0.063,
        'premium:1536x1024': 0.25,
        'premium:1024x1536': 0.25,
      },
    },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'sora-2',
    providerModelId: 'sora-2',
    kind: 'video',
    displayName: 'Sora 2 (Videos API shut down by OpenAI on 2026-09-24)',
    qualityScore: 75,
    // OpenAI deprecated the Videos API and sora-2 with a shutdown on 2026-09-24.
    deprecated: true,
    capabilities: {
      tasks: ['text-to-video', 'image-to-video'],
      resolutions: { '720p': { width: 1280, height: 720 } },
      defaultResolution: '720p',
      aspectRatios: Object.keys(soraSizeByAspectRatio),
      durations: [...soraSeconds],
      defaultDuration: 4,
      maxOutputs: 1,
      supportsSeed: false,
      supportsNegativePrompt: false,
    },
    price: { type: 'per_second', usd: 0.1 },
  }),
];
