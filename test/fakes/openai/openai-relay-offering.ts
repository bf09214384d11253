import { ModelOfferingSchema } from '../../../src/core/model-capabilities.js';
import { soraSeconds, soraSizeByAspectRatio } from '../../../src/providers/openai/openai-models.js';

/**
 * `sora-2` as an operator configures it (`models: [...]`) on an OpenAI-compatible relay that
 * still serves the Videos API: OpenAI itself shut that API down on 2026-09-24, so the built-in
 * catalog has no video model and the fake serves videos only when started as such a relay.
 */
export const soraRelayOffering = ModelOfferingSchema.parse({
  modelKey: 'sora-2',
  providerModelId: 'sora-2',
  kind: 'video',
  displayName: 'Sora 2 (relay)',
  qualityScore: 75,
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
});
