import type { ModelOffering } from '../core/model-capabilities.js';

/** A model's supported video durations: discrete values or an inclusive range. */
export type SupportedDurations = NonNullable<ModelOffering['capabilities']['durations']>;

/**
 * The supported duration closest to `requested` (seconds). A tie goes to the longer value, so
 * a client never gets less video than it asked for; a range is clamped to its ends and snapped
 * to its step. Only compatibility routes use this: the native API rejects unsupported values.
 *
 * @example
 * nearestDuration([4, 6], 5); // 6
 * nearestDuration({ min: 1, max: 12 }, 20); // 12
 */
export function nearestDuration(durations: SupportedDurations, requested: number): number {
  if (Array.isArray(durations)) {
    let best = durations[0]!;
    for (const value of durations) {
      const distance = Math.abs(value - requested);
      const bestDistance = Math.abs(best - requested);
      if (distance < bestDistance || (distance === bestDistance && value > best)) best = value;
    }
    return best;
  }
  const clamped = Math.min(Math.max(requested, durations.min), durations.max);
  if (durations.step === undefined) return clamped;
  // Steps count from the range's start; round half up, then stay inside the range.
  const steps = Math.round((clamped - durations.min) / durations.step + 1e-9);
  const snapped = durations.min + steps * durations.step;
  const inside = snapped > durations.max + 1e-9 ? snapped - durations.step : snapped;
  return Math.round(inside * 1e6) / 1e6;
}
