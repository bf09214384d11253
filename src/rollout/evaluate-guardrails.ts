import type { WindowTotals } from '../analytics/rollup-reader.js';
import { GuardrailName, type Guardrail, type RolloutPlan } from '../core/rollout-plan.js';

/** One guardrail's verdict for the canary arm. */
export interface GuardrailResult {
  name: GuardrailName;
  /** `pass`, `breach`, or `inconclusive` (too few samples — never counted as passing). */
  status: 'pass' | 'breach' | 'inconclusive' | 'disabled';
  /** The canary's value (ms, ratio, or USD per output). */
  value: number | null;
  /** The limit in the same unit (cost: baseline cost × limit). */
  limit: number | null;
  /** The baseline arm's value, for comparison. */
  baselineValue: number | null;
  samples: number;
  minSamples: number;
  windowSeconds: number;
}

/** Window totals per arm for each guardrail's own window. */
export type ArmTotals = Record<
  GuardrailName,
  { canary: WindowTotals | undefined; baseline: WindowTotals | undefined }
>;

function verdict(
  guardrail: Guardrail,
  samples: number,
  value: number | null,
  limit: number | null,
  strictlyBelow: boolean,
): GuardrailResult['status'] {
  if (!guardrail.enabled) return 'disabled';
  if (samples < guardrail.minSamples || value === null || limit === null) return 'inconclusive';
  const breached = strictlyBelow ? value >= limit : value > limit;
  return breached ? 'breach' : 'pass';
}

/**
 * Evaluates the four guardrails for the canary arm. Pure: the numbers come from rollups read
 * per guardrail window. `baselineCostReference` is the last known baseline cost per output,
 * used when the baseline has no traffic left (at 100 %).
 */
export function evaluateGuardrails(
  plan: RolloutPlan,
  totals: ArmTotals,
  baselineCostReference: number | null,
): GuardrailResult[] {
  const results: GuardrailResult[] = [];
  const { guardrails } = plan;

  const latency = totals.p95_latency;
  const latencySamples = latency.canary?.successes ?? 0;
  results.push({
    name: GuardrailName.p95Latency,
    status: verdict(
      guardrails.p95_latency,
      latencySamples,
      latency.canary?.p95LatencyMs ?? null,
      guardrails.p95_latency.limit,
      true,
    ),
    value: latency.canary?.p95LatencyMs ?? null,
    limit: guardrails.p95_latency.limit,
    baselineValue: latency.baseline?.p95LatencyMs ?? null,
    samples: latencySamples,
    minSamples: guardrails.p95_latency.minSamples,
    windowSeconds: guardrails.p95_latency.windowSeconds,
  });

  const failures = totals.failure_rate;
  const failureSamples = (failures.canary?.successes ?? 0) + (failures.canary?.failures ?? 0);
  results.push({
    name: GuardrailName.failureRate,
    status: verdict(
      guardrails.failure_rate,
      failureSamples,
      failures.canary?.failureRate ?? null,
      guardrails.failure_rate.limit,
      false,
    ),
    value: failures.canary?.failureRate ?? null,
    limit: guardrails.failure_rate.limit,
    baselineValue: failures.baseline?.failureRate ?? null,
    samples: failureSamples,
    minSamples: guardrails.failure_rate.minSamples,
    windowSeconds: guardrails.failure_rate.windowSeconds,
  });

  const cost = totals.cost_per_output;
  const baselineCost = cost.baseline?.costPerOutputUsd ?? baselineCostReference;
  const costLimit = baselineCost === null ? null : baselineCost * guardrails.cost_per_output.limit;
  const costSamples = cost.canary?.outputs ?? 0;
  results.push({
    name: GuardrailName.costPerOutput,
    status: verdict(
      guardrails.cost_per_output,
      costSamples,
      cost.canary?.costPerOutputUsd ?? null,
      costLimit,
      false,
    ),
    value: cost.canary?.costPerOutputUsd ?? null,
    limit: costLimit,
    baselineValue: baselineCost,
    samples: costSamples,
    minSamples: guardrails.cost_per_output.minSamples,
    windowSeconds: guardrails.cost_per_output.windowSeconds,
  });

  const regenerations = totals.regenerate_rate;
  const regenerateSamples = regenerations.canary?.successes ?? 0;
  results.push({
    name: GuardrailName.regenerateRate,
    status: verdict(
      guardrails.regenerate_rate,
      regenerateSamples,
      regenerations.canary?.regenerateRate ?? null,
      guardrails.regenerate_rate.limit,
      false,
    ),
    value: regenerations.canary?.regenerateRate ?? null,
    limit: guardrails.regenerate_rate.limit,
    baselineValue: regenerations.baseline?.regenerateRate ?? null,
    samples: regenerateSamples,
    minSamples: guardrails.regenerate_rate.minSamples,
    windowSeconds: guardrails.regenerate_rate.windowSeconds,
  });
  return results;
}

/** A human line for a breach: `p95_latency 12000 ms > 8000 ms over 300 s`. */
export function describeBreach(result: GuardrailResult): string {
  const comparison = result.name === GuardrailName.p95Latency ? '≥' : '>';
  return `${result.name} ${formatGuardrailValue(result.name, result.value)} ${comparison} limit ${formatGuardrailValue(result.name, result.limit)} over ${result.windowSeconds} s (${result.samples} samples)`;
}

/** A guardrail's value in its unit, the same in reasons, the API's tables and the CLI. */
export function formatGuardrailValue(name: string, value: number | null): string {
  if (value === null) return 'n/a';
  if (name === GuardrailName.p95Latency) return `${Math.round(value)} ms`;
  if (name === GuardrailName.costPerOutput) return `$${value.toFixed(4)}`;
  return `${(value * 100).toFixed(1)}%`;
}
