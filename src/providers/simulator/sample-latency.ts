/** Draws from a log-normal distribution with the given median and 95th percentile. */
export function sampleLatency(
  p50: number,
  p95: number,
  random: () => number = Math.random,
): number {
  if (p50 <= 0) return 0;
  const sigma = p95 > p50 ? Math.log(p95 / p50) / 1.6449 : 0;
  // Box–Muller; 1 - random() keeps the log argument away from zero.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(p50 * Math.exp(sigma * normal));
}
