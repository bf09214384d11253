import type { GenerationRequest } from '../core/generation-request.js';
import type { ModelOffering } from '../core/model-capabilities.js';
import { UnsupportedParameterError } from '../core/errors/index.js';

/** Request parameters after checking them against one model offering. */
export interface ResolvedParameters {
  width?: number;
  height?: number;
  resolution?: string;
  aspectRatio?: string;
  duration?: number;
}

function isPortrait(aspectRatio: string | undefined): boolean {
  if (!aspectRatio) return false;
  const [width, height] = aspectRatio.split(':').map(Number) as [number, number];
  return height > width;
}

function describeDurations(
  durations: NonNullable<ModelOffering['capabilities']['durations']>,
): string {
  return Array.isArray(durations)
    ? durations.join(', ') + ' s'
    : `${durations.min}–${durations.max} s${durations.step ? ` in steps of ${durations.step}` : ''}`;
}

/**
 * Checks a request against what one model offering can do and fills in its defaults. Throws
 * {@link UnsupportedParameterError} naming the parameter and what the model supports: the
 * gateway never silently drops or clamps a parameter.
 */
export function resolveRequestForOffering(
  request: GenerationRequest,
  offering: ModelOffering,
): ResolvedParameters {
  const capabilities = offering.capabilities;
  const model = offering.modelKey;
  if (!capabilities.tasks.includes(request.task)) {
    throw new UnsupportedParameterError(
      'task',
      `Model '${model}' does not support ${request.task}.`,
      capabilities.tasks,
    );
  }
  if (request.n > capabilities.maxOutputs) {
    throw new UnsupportedParameterError(
      'n',
      `Model '${model}' returns at most ${capabilities.maxOutputs} output(s) per request.`,
      { max: capabilities.maxOutputs },
    );
  }
  if (request.seed !== undefined && !capabilities.supportsSeed) {
    throw new UnsupportedParameterError('seed', `Model '${model}' does not accept a seed.`, false);
  }
  if (request.negativePrompt !== undefined && !capabilities.supportsNegativePrompt) {
    throw new UnsupportedParameterError(
      'negative_prompt',
      `Model '${model}' does not accept a negative prompt.`,
      false,
    );
  }
  // The tiers an offering declares settings for are the ones it offers, unless listed explicitly.
  const tiers =
    capabilities.qualityTiers ??
    (offering.qualitySettings ? Object.keys(offering.qualitySettings) : undefined);
  if (request.quality && tiers && !tiers.includes(request.quality)) {
    throw new UnsupportedParameterError(
      'quality',
      `Model '${model}' does not offer quality '${request.quality}' (it offers ${tiers.join(', ')}).`,
      tiers,
    );
  }
  if (request.strength !== undefined && !capabilities.supportsStrength) {
    throw new UnsupportedParameterError(
      'strength',
      `Model '${model}' does not take an image-to-image strength.`,
      false,
    );
  }
  if (request.style !== undefined && !capabilities.stylePresets?.includes(request.style)) {
    throw new UnsupportedParameterError(
      'style',
      `Model '${model}' has no style preset '${request.style}'.`,
      capabilities.stylePresets ?? [],
    );
  }
  if (request.aspectRatio && !capabilities.aspectRatios?.length) {
    throw new UnsupportedParameterError(
      'aspect_ratio',
      `Model '${model}' takes no aspect ratio; give width and height instead.`,
      [],
    );
  }
  if (request.aspectRatio && !capabilities.aspectRatios!.includes(request.aspectRatio)) {
    throw new UnsupportedParameterError(
      'aspect_ratio',
      `Model '${model}' does not support aspect ratio ${request.aspectRatio}.`,
      capabilities.aspectRatios,
    );
  }
  const resolved: ResolvedParameters = { aspectRatio: request.aspectRatio };

  // Size: either a named resolution, or explicit width/height, or the model's default.
  if (request.resolution !== undefined) {
    const preset = capabilities.resolutions?.[request.resolution];
    if (!preset) {
      throw new UnsupportedParameterError(
        'resolution',
        `Model '${model}' does not support resolution ${request.resolution}.`,
        Object.keys(capabilities.resolutions ?? {}),
      );
    }
    const portrait = isPortrait(request.aspectRatio);
    resolved.resolution = request.resolution;
    resolved.width = portrait
      ? Math.min(preset.width, preset.height)
      : Math.max(preset.width, preset.height);
    resolved.height = portrait
      ? Math.max(preset.width, preset.height)
      : Math.min(preset.width, preset.height);
    if (
      request.width !== undefined &&
      (request.width !== resolved.width || request.height !== resolved.height)
    ) {
      throw new UnsupportedParameterError(
        'width',
        `width/height ${request.width}x${request.height} contradict resolution ${request.resolution} (${resolved.width}x${resolved.height}).`,
        preset,
      );
    }
  } else if (request.width !== undefined || request.height !== undefined) {
    if (request.width === undefined || request.height === undefined) {
      throw new UnsupportedParameterError(
        request.width === undefined ? 'width' : 'height',
        'width and height must be given together.',
        null,
      );
    }
    const { width, height } = request;
    const presetEntry = Object.entries(capabilities.resolutions ?? {}).find(
      ([, size]) =>
        (size.width === width && size.height === height) ||
        (size.width === height && size.height === width),
    );
    if (capabilities.sizes) {
      if (!capabilities.sizes.some((size) => size.width === width && size.height === height)) {
        throw new UnsupportedParameterError(
          'width',
          `Model '${model}' does not support size ${width}x${height}.`,
          capabilities.sizes.map((size) => `${size.width}x${size.height}`),
        );
      }
    } else if (capabilities.sizeRange) {
      const { min, max, multipleOf } = capabilities.sizeRange;
      for (const [name, value] of [
        ['width', width],
        ['height', height],
      ] as const) {
        if (value < min || value > max || (multipleOf !== undefined && value % multipleOf !== 0)) {
          throw new UnsupportedParameterError(
            name,
            `Model '${model}' needs ${name} between ${min} and ${max}${multipleOf ? `, a multiple of ${multipleOf}` : ''}; got ${value}.`,
            capabilities.sizeRange,
          );
        }
      }
    } else if (!presetEntry) {
      const supported = capabilities.resolutions
        ? Object.values(capabilities.resolutions).map((size) => `${size.width}x${size.height}`)
        : 'model-defined size only';
      throw new UnsupportedParameterError(
        'width',
        `Model '${model}' does not support size ${width}x${height}.`,
        supported,
      );
    }
    resolved.width = width;
    resolved.height = height;
    if (presetEntry) resolved.resolution = presetEntry[0];
  } else if (
    capabilities.defaultResolution &&
    capabilities.resolutions?.[capabilities.defaultResolution]
  ) {
    const preset = capabilities.resolutions[capabilities.defaultResolution]!;
    const portrait = isPortrait(request.aspectRatio);
    resolved.resolution = capabilities.defaultResolution;
    resolved.width = portrait
      ? Math.min(preset.width, preset.height)
      : Math.max(preset.width, preset.height);
    resolved.height = portrait
      ? Math.max(preset.width, preset.height)
      : Math.min(preset.width, preset.height);
  }

  if (request.kind === 'video') {
    const durations = capabilities.durations;
    const duration = request.duration ?? capabilities.defaultDuration;
    if (duration !== undefined && durations) {
      const allowed = Array.isArray(durations)
        ? durations.includes(duration)
        : duration >= durations.min &&
          duration <= durations.max &&
          (durations.step === undefined ||
            Math.abs(duration / durations.step - Math.round(duration / durations.step)) < 1e-9);
      if (!allowed) {
        throw new UnsupportedParameterError(
          'duration',
          `Model '${model}' supports durations of ${describeDurations(durations)}; got ${duration} s.`,
          durations,
        );
      }
    }
    resolved.duration = duration;
  } else if (request.duration !== undefined) {
    throw new UnsupportedParameterError('duration', 'duration only applies to video models.', null);
  }
  return resolved;
}
