import type { ModelOffering } from '../core/model-capabilities.js';

/**
 * A provider's built-in models with the operator's config entries applied: an entry with the
 * same `modelKey` replaces the built-in one, other entries are added.
 */
export function mergeOfferings(
  builtIn: readonly ModelOffering[],
  overrides: readonly ModelOffering[] | undefined,
): ModelOffering[] {
  if (!overrides?.length) return [...builtIn];
  const byKey = new Map(builtIn.map((offering) => [offering.modelKey, offering]));
  for (const override of overrides) byKey.set(override.modelKey, override);
  return [...byKey.values()];
}
