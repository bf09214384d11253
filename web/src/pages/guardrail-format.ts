import type { ArmComparison } from '../api/api-types.js';
import { milliseconds, number, percent, usd } from '../format.js';

/** How each guardrail's value and limit read (docs/operations.md, Evaluation). */
export function formatGuardrail(name: string, value: number | null): string {
  switch (name) {
    case 'p95_latency':
      return milliseconds(value);
    case 'failure_rate':
    case 'regenerate_rate':
      return percent(value, 1);
    case 'cost_per_output':
      return usd(value);
    default:
      return number(value, 3);
  }
}

export const guardrailTitles: Record<string, string> = {
  p95_latency: 'p95 latency',
  failure_rate: 'Failure rate',
  cost_per_output: 'Cost per output',
  regenerate_rate: 'Regenerate rate',
};

/** A comparison's effect: "P 62.0 %" that a canary value is higher (ranks), or "+1.20 pt" (rates). */
export function formatEffect(comparison: ArmComparison, value: number | null): string {
  if (value === null) return '–';
  if (comparison.test === 'mann_whitney_u') return `P ${percent(value, 1)}`;
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} pt`;
}

/**
 * A comparison's lower bound. With few samples the confidence sequence reaches past what the
 * effect can be (a probability below 0, a rate difference below −100 points): that bound says
 * nothing yet, and "P −41.1 %" would only puzzle, so it reads "not yet".
 */
export function formatLowerBound(comparison: ArmComparison, value: number | null): string {
  if (value === null) return '–';
  const floor = comparison.test === 'mann_whitney_u' ? 0 : -1;
  if (value <= floor) return 'not yet';
  if (comparison.test === 'mann_whitney_u') return `P ${percent(value, 1)}`;
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} pt`;
}

/** p-values with two significant digits, never a bare 0. */
export function formatPValue(value: number | null): string {
  if (value === null) return '–';
  if (value < 1e-6) return '< 0.000001';
  return value.toPrecision(2);
}
