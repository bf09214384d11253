import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';
import type { QualityTier } from '../../core/generation-request.js';

// Prices and limits are sourced in README.md (OpenAI pricing as mirrored by several pages, the
// `openai` SDK's types, and OpenAI's video guide). OpenAI retired every model this catalog was
// first written for (DALL·E 3, gpt-image-1, sora-2); README.md, "Catalog status".

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

/**
 * Sora sizes per aspect ratio (sora-2 renders 720p only; the 1024×1792 sizes are sora-2-pro).
 * OpenAI shut the Videos API down on 2026-09-24, so no video model is built in; the mapping
 * serves an operator's `models` entry on an OpenAI-compatible relay that still speaks it.
 */
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
    // gpt-image-1 was shut down on 2026-10-23 and gpt-image-1.5 / -1-mini on 2026-12-01;
    // gpt-image-2 is the successor OpenAI's notices name (README.md, "Catalog status").
    modelKey: 'gpt-image-2',
    providerModelId: 'gpt-image-2',
    // Clients written for the OpenAI Images API send the retired names; they get the successor.
    replaces: ['gpt-image-1', 'gpt-image-1.5', 'gpt-image-1-mini', 'dall-e-3', 'dall-e-2'],
    kind: 'image',
    displayName: 'GPT Image 2',
    qualityScore: 85,
    capabilities: {
      tasks: ['text-to-image', 'image-to-image', 'inpaint'],
      // gpt-image-2 takes more sizes (multiples of 16 up to 3840 px); the catalog offers the
      // three its predecessors share, whose prices are the ones published.
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
    // Per image at 1024×1024 by quality (estimates from token prices); the 1536 sizes are
    // assumed to cost 1.5× as they did for gpt-image-1. Actual cost comes from the token usage
    // OpenAI reports.
    price: {
      type: 'per_image',
      usd: 0.07,
      byQuality: { fast: 0.02, standard: 0.07, premium: 0.19 },
      byQualityAndSize: {
        'fast:1536x1024': 0.03,
        'fast:1024x1536': 0.03,
        'standard:1536x1024': 0.105,
        'standard:1024x1536': 0.105,
        'premium:1536x1024': 0.285,
        'premium:1024x1536': 0.285,
      },
    },
  }),
];
