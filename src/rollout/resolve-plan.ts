import {
  defaultGuardrails,
  GuardrailName,
  RolloutPlanSchema,
  type RolloutDefaults,
  rolloutArms,
  type RolloutPlan,
  type StartRollout,
} from '../core/rollout-plan.js';

/** Fills a request's plan from the operator defaults and the runbook defaults. */
export function resolvePlan(request: StartRollout, defaults: RolloutDefaults): RolloutPlan {
  const guardrails = {} as RolloutPlan['guardrails'];
  for (const name of Object.values(GuardrailName)) {
    guardrails[name] = {
      ...defaultGuardrails[name],
      ...defaults.guardrails[name],
      ...request.guardrails?.[name],
    };
  }
  return RolloutPlanSchema.parse({
    kind: rolloutArms(request).kind,
    stages: request.stages ?? defaults.stages,
    guardrails,
    intervalSeconds: request.intervalSeconds ?? defaults.intervalSeconds,
    breachConfirmations: request.breachConfirmations ?? defaults.breachConfirmations,
    shadow: request.shadow ?? null,
    statistics: {
      ...defaults.statistics,
      ...request.statistics,
      detectableEffects: {
        ...defaults.statistics.detectableEffects,
        ...request.statistics?.detectableEffects,
      },
    },
  });
}
