import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';

/**
 * `ratio` values per model, keyed by the aspect ratio a client may name. Runway's ratios are
 * output sizes in pixels (`1280:720`), so requests pick one either by width/height or by aspect.
 */
export const runwayRatios = {
  /** gen4_turbo (`POST /v1/image_to_video`), all 720p-class. */
  gen4_turbo: {
    '16:9': '1280:720',
    '9:16': '720:1280',
    '4:3': '1104:832',
    '3:4': '832:1104',
    '1:1': '960:960',
    '21:9': '1584:672',
  },
  /** gen4_image (`POST /v1/text_to_image`) by aspect ratio, at 1080p (the 720p sizes are asked for by size). */
  gen4_image: {
    '16:9': '1920:1080',
    '9:16': '1080:1920',
    '4:3': '1440:1080',
    '3:4': '1080:1440',
    '1:1': '1080:1080',
    '21:9': '2112:912',
  },
} as const;

/** Every `ratio` gen4_image accepts (`@runwayml/sdk` `TextToImageCreateParams.Gen4Image`). */
const gen4ImageAllRatios = [
  '1024:1024',
  '1080:1080',
  '1168:880',
  '1360:768',
  '1440:1080',
  '1080:1440',
  '1808:768',
  '1920:1080',
  '1080:1920',
  '2112:912',
  '1280:720',
  '720:1280',
  '720:720',
  '960:720',
  '720:960',
  '1680:720',
] as const;

const sizeOf = (ratio: string) => {
  const [width, height] = ratio.split(':').map(Number) as [number, number];
  return { width, height };
};

// gen4_image bills 5 credits at 720p and 8 at 1080p; the 720p ratios are those with a 720 px side.
const gen4Image720p = gen4ImageAllRatios.filter(
  (ratio) => Math.min(sizeOf(ratio).width, sizeOf(ratio).height) <= 720,
);

/** The offerings a Runway instance serves unless its config overrides them. */
export const runwayModels: readonly ModelOffering[] = [
  ModelOfferingSchema.parse({
    modelKey: 'gen4_turbo',
    providerModelId: 'gen4_turbo',
    kind: 'video',
    displayName: 'Runway Gen-4 Turbo',
    qualityScore: 70,
    capabilities: {
      // gen4_turbo needs a first-frame image: no text-to-video.
      tasks: ['image-to-video'],
      sizes: Object.values(runwayRatios.gen4_turbo).map(sizeOf),
      aspectRatios: Object.keys(runwayRatios.gen4_turbo),
      durations: { min: 2, max: 10, step: 1 },
      defaultDuration: 5,
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: false,
      supportsCancel: true,
    },
    // 5 credits per second at $0.01 per credit.
    price: { type: 'per_second', usd: 0.05 },
  }),
  ModelOfferingSchema.parse({
    modelKey: 'gen4_image',
    providerModelId: 'gen4_image',
    kind: 'image',
    displayName: 'Runway Gen-4 Image',
    qualityScore: 70,
    capabilities: {
      // image-to-image uses the inputs as `referenceImages` (at most three).
      tasks: ['text-to-image', 'image-to-image'],
      sizes: gen4ImageAllRatios.map(sizeOf),
      aspectRatios: Object.keys(runwayRatios.gen4_image),
      maxOutputs: 1,
      supportsSeed: true,
      supportsNegativePrompt: false,
      supportsWebhook: false,
      supportsCancel: true,
    },
    // 8 credits per 1080p image, 5 per 720p image, at $0.01 per credit.
    price: {
      type: 'per_image',
      usd: 0.08,
      bySize: Object.fromEntries(gen4Image720p.map((ratio) => [ratio.replace(':', 'x'), 0.05])),
    },
  }),
];
