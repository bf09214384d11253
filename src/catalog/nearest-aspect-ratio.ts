/** Width over height of `16:9`-style text; NaN when it is not one. */
function ratioOf(aspectRatio: string): number {
  const [width, height] = aspectRatio.split(':').map(Number);
  return width && height ? width / height : Number.NaN;
}

/**
 * The supported aspect ratio closest in shape to `requested` (compared on a log scale, so
 * 2:1 and 1:2 are equally far from 1:1). Only compatibility routes use this: the native API
 * rejects unsupported values.
 *
 * @example
 * nearestAspectRatio(['16:9', '9:16'], '21:9'); // '16:9'
 */
export function nearestAspectRatio(supported: readonly string[], requested: string): string {
  const target = Math.log(ratioOf(requested));
  let best = supported[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of supported) {
    const distance = Math.abs(Math.log(ratioOf(candidate)) - target);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
