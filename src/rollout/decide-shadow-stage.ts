import { GuardrailName, type RolloutPlan, type ShadowStage } from '../core/rollout-plan.js';
import type { GuardrailResult } from './evaluate-guardrails.js';
import type { ShadowSummary } from './read-shadow-summary.js';

/** Where the shadow stage stands at one evaluation, stored with it. */
export interface ShadowCheck {
  /** Copies reserved against the budget, and what they reserved (estimates, USD). */
  copies: number;
  reservedUsd: number;
  /** Actual provider cost of the finished copies. */
  spentUsd: number;
  budgetUsd: number;
  /** Whether a copy was refused for the budget: no further copies are made. */
  budgetSpent: boolean;
  /** Copies still at the provider (the stage waits for them before it ends on its budget). */
  unfinished: number;
  /** Time in the shadow stage (paused time excluded), seconds. */
  activeSeconds: number;
  durationSeconds: number | null;
}

/** What the shadow stage's own rules say, once no guardrail asked for a rollback. */
export type ShadowVerdict =
  | { decision: 'promote'; reason: string }
  | { decision: 'pause'; reason: string }
  | { decision: 'hold' };

/**
 * The end of a shadow stage (ADR 0017). The first live stage starts when every enabled
 * guardrail passes (enough samples, within limits) and either the stage has lasted its
 * `durationSeconds` or its budget is spent. A spent budget with any guardrail still short of
 * samples pauses the rollout with `shadow_budget_spent`: the operator decides (resume starts
 * the first live stage, rollback ends it). Without a duration the stage runs until the budget
 * is spent. Breaches and `worse` comparisons roll back before this is asked. Pure.
 */
export function decideShadowStage(
  plan: ShadowStage,
  check: ShadowCheck,
  guardrails: GuardrailResult[],
): ShadowVerdict {
  const allPassing = guardrails.every(
    (result) => result.status === 'pass' || result.status === 'disabled',
  );
  const durationDone =
    plan.durationSeconds !== undefined && check.activeSeconds >= plan.durationSeconds;
  // The last copies are still being judged: their results may yet breach a guardrail.
  const budgetDone = check.budgetSpent && check.unfinished === 0;
  const spend = `$${check.spentUsd.toFixed(4)} of the $${check.budgetUsd.toFixed(2)} shadow budget spent on ${check.copies} copies`;
  if (allPassing && (durationDone || budgetDone))
    return {
      decision: 'promote',
      reason: durationDone
        ? `shadow stage passed: every guardrail held over ${Math.round(check.activeSeconds)} s (${spend})`
        : `shadow stage passed: every guardrail held when the budget ran out (${spend})`,
    };
  if (budgetDone) {
    const short = guardrails
      .filter((result) => result.status === 'inconclusive')
      .map((result) => `${result.name} ${result.samples}/${result.minSamples} samples`);
    return {
      decision: 'pause',
      reason: `shadow_budget_spent: ${spend} before every guardrail had enough samples (${short.join(', ')}); resume starts the first live stage, rollback ends the rollout`,
    };
  }
  return { decision: 'hold' };
}

/** The summary and the rollout's counters as one check. */
export function shadowCheckOf(
  plan: ShadowStage,
  counters: { copies: number; reservedUsd: number; budgetSpent: boolean },
  summary: Pick<ShadowSummary, 'spentUsd' | 'unfinished'>,
  activeMs: number,
): ShadowCheck {
  return {
    copies: counters.copies,
    reservedUsd: counters.reservedUsd,
    spentUsd: summary.spentUsd,
    budgetUsd: plan.budgetUsd,
    budgetSpent: counters.budgetSpent,
    unfinished: summary.unfinished,
    activeSeconds: Math.max(0, activeMs) / 1000,
    durationSeconds: plan.durationSeconds ?? null,
  };
}

/**
 * The plan a shadow stage is judged by: each guardrail's window stretched to the whole stage so
 * far. Copies are few and paid for; the stage often ends when the budget runs out, and its
 * judgement must still see every copy rather than only those of the last window.
 */
export function shadowJudgedPlan(plan: RolloutPlan, stageAgeSeconds: number): RolloutPlan {
  const guardrails = { ...plan.guardrails };
  for (const name of Object.values(GuardrailName))
    guardrails[name] = {
      ...guardrails[name],
      windowSeconds: Math.max(guardrails[name].windowSeconds, Math.ceil(stageAgeSeconds)),
    };
  return { ...plan, guardrails };
}
