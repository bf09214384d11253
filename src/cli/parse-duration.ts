/** Seconds from `90`, `45s`, `30m`, `3h` or `1d`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a duration (use 45s, 30m, 3h)`);
  const factor = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}

/** Stages from `10%:1h,50%:3h,100%` (a weight without a duration holds 0 s). */
export function parseStages(text: string): { weight: number; minDurationSeconds: number }[] {
  return text.split(',').map((part) => {
    const [weight, duration] = part.trim().split(':');
    const match = /^(\d+(?:\.\d+)?)%$/.exec(weight ?? '');
    if (!match) throw new Error(`'${part}' is not a stage (use 10%:1h)`);
    return {
      weight: Number(match[1]) / 100,
      minDurationSeconds: duration ? parseDuration(duration) : 0,
    };
  });
}
