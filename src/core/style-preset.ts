import { z } from 'zod';
import { QualityTier } from './generation-request.js';

/**
 * A gateway style preset: a named recipe the gateway applies to a request before routing
 * (`style: "party"`). Operators define their own in the config file (`stylePresets`); a preset
 * with the name of a built-in one replaces it.
 */
export const StylePresetSchema = z
  .object({
    /** Human description, shown by `GET /motif/services/providers` and the docs. */
    description: z.string().max(500).optional(),
    /**
     * The prompt sent, with `{prompt}` standing for the client's prompt
     * (`"{prompt}, festive party decoration, vibrant colors"`). Without `{prompt}` the client's
     * prompt is put in front of the template.
     */
    promptTemplate: z.string().min(1).max(2000),
    /** Negative prompt used when the request gives none and the model accepts one. */
    negativePrompt: z.string().max(2000).optional(),
    /** Aspect ratio used when the request gives no size (`1:1`), for models that take one. */
    aspectRatio: z
      .string()
      .regex(/^\d{1,2}:\d{1,2}$/, 'must look like 16:9')
      .optional(),
    /** Pixel size used when the request gives no size, for models that take pixel sizes. */
    size: z
      .object({
        /** Width in pixels. */
        width: z.number().int().min(64).max(8192),
        /** Height in pixels. */
        height: z.number().int().min(64).max(8192),
      })
      .strict()
      .optional(),
    /** Catalog key used when the request names no model. */
    model: z.string().min(1).optional(),
    /** Quality tier used when the request names none. */
    quality: z.enum(QualityTier).optional(),
  })
  .strict();
export type StylePreset = z.infer<typeof StylePresetSchema>;

/**
 * The presets every gateway has: the themes seed system S3's party-decoration app offered,
 * plus a few general ones. Square by default (S3's images were 1024×1024).
 */
export const defaultStylePresets: Readonly<Record<string, StylePreset>> = {
  party: {
    description: 'Festive party decoration: balloons, confetti, bright colours',
    promptTemplate:
      '{prompt}, festive party decoration, vibrant colors, balloons and confetti, joyful atmosphere, high detail',
    negativePrompt: 'blurry, low quality, dark, gloomy, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
  birthday: {
    description: 'Birthday celebration with cake, candles and banners',
    promptTemplate:
      '{prompt}, birthday celebration, cake with candles, colorful banners, cheerful, high detail',
    negativePrompt: 'blurry, low quality, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
  wedding: {
    description: 'Elegant wedding decoration, soft light and flowers',
    promptTemplate:
      '{prompt}, elegant wedding decoration, white flowers, soft warm light, romantic, refined',
    negativePrompt: 'blurry, low quality, garish colors, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
  minimalist: {
    description: 'Clean, minimal composition on a plain background',
    promptTemplate: '{prompt}, minimalist, clean composition, plain background, soft shadows',
    negativePrompt: 'clutter, busy background, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
  watercolor: {
    description: 'Hand-painted watercolour illustration',
    promptTemplate: '{prompt}, watercolor painting, soft washes, paper texture, hand painted',
    negativePrompt: 'photo, 3d render, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
  photorealistic: {
    description: 'Photograph-like rendering',
    promptTemplate: '{prompt}, photorealistic, natural lighting, sharp focus, 50mm photo',
    negativePrompt: 'cartoon, illustration, painting, blurry, text, watermark',
    aspectRatio: '1:1',
    size: { width: 1024, height: 1024 },
  },
};
