import { ValidationError } from '../core/errors/index.js';
import type { ModelCapabilitiesInput } from '../core/model-capabilities.js';
import type { StylePreset } from '../core/style-preset.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { GenerationRequestDraft } from './normalize-request.js';

/** A draft as clients send it: with a style preset the model may come from the preset. */
export type StyledDraft = Omit<GenerationRequestDraft, 'model'> & { model?: string };

type Capabilities = Pick<ModelCapabilitiesInput, 'aspectRatios' | 'sizes' | 'sizeRange'>;

function takesAspectRatio(capabilities: Capabilities, ratio: string): boolean {
  return capabilities.aspectRatios?.includes(ratio) ?? false;
}

function takesSize(capabilities: Capabilities, size: { width: number; height: number }): boolean {
  if (capabilities.sizes)
    return capabilities.sizes.some(
      (entry) => entry.width === size.width && entry.height === size.height,
    );
  const range = capabilities.sizeRange;
  if (!range) return false;
  return [size.width, size.height].every(
    (value) =>
      value >= range.min &&
      value <= range.max &&
      (range.multipleOf === undefined || value % range.multipleOf === 0),
  );
}

/** The client's prompt put into a preset's template. */
export function fillTemplate(template: string, prompt: string): string {
  return template.includes('{prompt}')
    ? template.replaceAll('{prompt}', prompt)
    : `${prompt}, ${template}`;
}

/**
 * Applies a gateway style preset named by `style` before the request is normalised: the prompt
 * goes through the preset's template (the client's prompt is kept as `originalPrompt`), and the
 * preset's negative prompt, size, quality and model fill what the request left open. A `style`
 * that is no gateway preset stays a provider style (OpenAI `vivid`) when the model has it; any
 * other name is a 400 listing the valid ones.
 */
export function applyStylePreset(
  instances: ProviderInstances,
  presets: Readonly<Record<string, StylePreset>>,
  draft: StyledDraft,
): GenerationRequestDraft {
  const style = draft.style;
  const preset = style === undefined ? undefined : presets[style];
  const model = draft.model ?? preset?.model;
  if (!model) {
    throw new ValidationError(
      style === undefined
        ? 'model is required (see GET /v1/models), or a style preset that names one.'
        : `model is required: style preset '${style}' names no model.`,
      { parameter: 'model' },
    );
  }
  const key = instances.resolveModelKey(model) ?? model;
  const offerings = instances.offeringsFor(key).map((entry) => entry.offering);
  if (style === undefined) return { ...draft, model };
  if (!preset) {
    const providerStyles = [
      ...new Set(offerings.flatMap((offering) => offering.capabilities.stylePresets ?? [])),
    ];
    // An unknown model is normalisation's to report.
    if (offerings.length === 0 || providerStyles.includes(style)) return { ...draft, model };
    const names = Object.keys(presets).sort();
    throw new ValidationError(
      `Unknown style '${style}'. Style presets: ${names.join(', ')}` +
        (providerStyles.length ? `; model '${key}' also takes ${providerStyles.join(', ')}.` : '.'),
      { parameter: 'style', available: [...names, ...providerStyles] },
      'unknown_style',
    );
  }
  const primary = offerings[0]?.capabilities;
  // Every model the request may end on (fallbacks included) must take what the preset adds.
  const reachable = [key, ...(draft.fallbackModels ?? [])].flatMap((name) =>
    instances.offeringsFor(instances.resolveModelKey(name) ?? name),
  );
  const sized =
    draft.width !== undefined ||
    draft.height !== undefined ||
    draft.aspectRatio !== undefined ||
    draft.resolution !== undefined;
  let size: Pick<GenerationRequestDraft, 'width' | 'height' | 'aspectRatio'> = {};
  if (!sized && primary) {
    const ratio = preset.aspectRatio;
    if (ratio && reachable.every((entry) => takesAspectRatio(entry.offering.capabilities, ratio))) {
      size = { aspectRatio: ratio };
    } else if (preset.size && takesSize(primary, preset.size)) {
      size = { width: preset.size.width, height: preset.size.height };
    } else if (ratio && takesAspectRatio(primary, ratio)) {
      size = { aspectRatio: ratio };
    }
  }
  // A negative prompt is the preset's own hint, added only where every provider honours it.
  const negativePrompt =
    draft.negativePrompt ??
    (preset.negativePrompt &&
    offerings.length > 0 &&
    offerings.every((offering) => offering.capabilities.supportsNegativePrompt)
      ? preset.negativePrompt
      : undefined);
  return {
    ...draft,
    ...size,
    model,
    prompt: fillTemplate(preset.promptTemplate, draft.prompt),
    originalPrompt: draft.originalPrompt ?? draft.prompt,
    negativePrompt,
    quality: draft.quality ?? preset.quality,
    style: undefined,
    stylePreset: style,
  };
}
