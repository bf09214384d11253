import type { ImageInput, ProviderRequest } from '../../src/core/provider-adapter.js';
import type { ModelOffering } from '../../src/core/model-capabilities.js';
import { fakePng } from '../fakes/fake-media.js';

/** An input image served by a fake (or anywhere): URL plus bytes on demand. */
export function sampleImageInput(url: string): ImageInput {
  return {
    url,
    mimeType: 'image/png',
    read: async () => ({ data: await fakePng(), mimeType: 'image/png' }),
  };
}

/**
 * A valid request for an offering: its first task, a size/resolution/duration it supports, one
 * output. Input images (for image-to-* tasks) point at `imageUrl`.
 */
export function sampleRequest(
  offering: ModelOffering,
  options: {
    task?: ProviderRequest['task'];
    imageUrl?: string;
    overrides?: Partial<ProviderRequest>;
  } = {},
): ProviderRequest {
  const capabilities = offering.capabilities;
  const task = options.task ?? capabilities.tasks[0]!;
  const request: ProviderRequest = {
    kind: offering.kind,
    task,
    offering,
    prompt: 'a lighthouse at dusk',
    inputImages:
      task === 'text-to-image' || task === 'text-to-video'
        ? []
        : [sampleImageInput(options.imageUrl ?? 'https://example.com/input.png')],
    n: 1,
  };
  if (task === 'inpaint')
    request.mask = sampleImageInput(options.imageUrl ?? 'https://example.com/mask.png');
  const preset = capabilities.defaultResolution ?? Object.keys(capabilities.resolutions ?? {})[0];
  if (preset && capabilities.resolutions?.[preset]) {
    request.resolution = preset;
    request.width = capabilities.resolutions[preset]!.width;
    request.height = capabilities.resolutions[preset]!.height;
  } else if (capabilities.sizes?.[0]) {
    request.width = capabilities.sizes[0].width;
    request.height = capabilities.sizes[0].height;
  } else if (capabilities.sizeRange) {
    const side = Math.max(capabilities.sizeRange.min, Math.min(1024, capabilities.sizeRange.max));
    request.width = side;
    request.height = side;
  }
  if (offering.kind === 'video') {
    const durations = capabilities.durations;
    request.duration =
      capabilities.defaultDuration ??
      (Array.isArray(durations) ? durations[0] : durations?.min) ??
      5;
  }
  return { ...request, ...options.overrides };
}
