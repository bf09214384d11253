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
