import { RolloutKind } from '../core/rollout-plan.js';
import { FlagKey, flagKeyFor, parseFlagKey } from '../routing/control-plane/flag-keys.js';
import type { RoutingSettings } from '../routing/control-plane/routing-settings.js';

/**
 * A routing setting that would change a rollout's split: per-model weights under an
 * all-models rollout, or a strategy that ignores weights.
 */
export interface SplitOverride {
  /** The feature-flag key that holds it (`GEN_PROVIDER_WEIGHTS:sim-image`). */
  key: string;
  /** The model it applies to. */
  model: string;
  setting: 'weights' | 'strategy';
  /** What it says now, in words (`fal 20%, runware 80%`, or the strategy name). */
  value: string;
}

/** `{"fal":0.2,"runware":0.8}` → `fal 20%, runware 80%`. */
export function describeWeights(weights: Record<string, number>): string {
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0) || 1;
  return Object.entries(weights)
    .map(([provider, weight]) => `${provider} ${formatPercent(weight / total)}`)
    .join(', ');
}

/** 0.1 → `10%`, 0.8333 → `83.3%`. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  return `${Number.isInteger(Math.round(percent * 10) / 10) ? Math.round(percent) : percent.toFixed(1)}%`;
}

/**
 * The settings below a rollout's scope that would keep some of its traffic away from the
 * stage's weights. A rollout on one model writes that model's own weights and strategy, so
 * nothing beneath it can interfere; a rollout on all models writes the global ones, and every
 * model with weights or a non-weighted strategy of its own (from a flag or the config file)
 * would escape it: the trap of a `weights set --model` left from an earlier change.
 */
export function findSplitOverrides(
  settings: RoutingSettings,
  model: string | null,
): SplitOverride[] {
  if (model !== null) return [];
  const overrides: SplitOverride[] = [];
  for (const [name, scope] of Object.entries(settings.models).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (scope.weights)
      overrides.push({
        key: flagKeyFor(FlagKey.weights, name),
        model: name,
        setting: 'weights',
        value: describeWeights(scope.weights),
      });
    if (scope.strategy && scope.strategy !== 'weighted')
      overrides.push({
        key: flagKeyFor(FlagKey.strategy, name),
        model: name,
        setting: 'strategy',
        value: scope.strategy,
      });
  }
  return overrides;
}

/**
 * Whether writing `key` would change the split of a rollout on `model` (null: all models):
 * weights and strategy of its scope, and under an all-models rollout those of any model. The
 * chain and the primary only order fallbacks; provider switches stay free as the emergency lever.
 * A model rollout (`kind: 'model'`) owns only the redirect of its model.
 */
export function keyAffectsSplit(
  key: string,
  model: string | null,
  kind: RolloutKind = RolloutKind.provider,
): boolean {
  const parsed = parseFlagKey(key);
  // A model rollout's split is its model's redirect; provider weights inside a model stay free.
  if (kind === RolloutKind.model)
    return parsed.base === FlagKey.modelRedirect && parsed.model === model;
  if (parsed.base !== FlagKey.weights && parsed.base !== FlagKey.strategy) return false;
  return model === null || parsed.model === model;
}
