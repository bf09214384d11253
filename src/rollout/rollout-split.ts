import { ConflictError } from '../core/errors/index.js';
import { RolloutKind } from '../core/rollout-plan.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import {
  describeWeights,
  findSplitOverrides,
  formatPercent,
  keyAffectsSplit,
  type SplitOverride,
} from './split-overrides.js';

/** A setting a rollout set aside for its life, with what to put back afterwards. */
export interface SupersededSetting extends SplitOverride {
  /** The flag row's text before the rollout; null when no row existed (config file or nothing). */
  previousText: string | null;
  /** The flag row's boolean before the rollout (kept as the S2 runbook's rows carry one). */
  previousFlag: boolean | null;
}

/** What a rollout of `model` (null: all models) needs from the rollout being asked about. */
interface RolloutScope {
  id: string;
  /** Provider weights, or (a model rollout) the redirect of `model` to `canary`. */
  kind: RolloutKind;
  model: string | null;
  baseline: string;
  canary: string;
  state: { superseded: SupersededSetting[] };
}

/** How `rollout start` treats settings that would change the rollout's split. */
export type OverridePolicy = 'refuse' | 'supersede';

/**
 * A rollout owns the split of its scope: at start, settings that would escape it are refused or
 * set aside (and put back at the end); each stage's weights are written to its scope and to the
 * set-aside models alike; and the control plane refuses other writes to that split while the
 * rollout lives.
 */
export class RolloutSplit {
  constructor(private readonly controlPlane: ControlPlane) {}

  /** Refuses, or lists what to set aside, for a rollout about to start. */
  async prepare(model: string | null, policy: OverridePolicy): Promise<SupersededSetting[]> {
    const overrides = findSplitOverrides(this.controlPlane.settings(), model);
    if (overrides.length === 0) return [];
    if (policy === 'refuse') {
      const listed = overrides.map((override) => `${override.key} (${override.value})`).join('; ');
      throw new ConflictError(
        'routing_override',
        `These settings would keep traffic away from an all-models rollout: ${listed}. Clear them (switchyard weights clear --model <model>), or start with "overrides": "supersede" to set them aside until the rollout ends.`,
        { overrides },
      );
    }
    const rows = new Map(
      (await this.controlPlane.store.readAll()).map((row) => [row.flag_key, row]),
    );
    return overrides.map((override) => {
      const row = rows.get(override.key);
      return {
        ...override,
        previousText: row?.flag_value_text ?? null,
        previousFlag: row?.flag_value ?? null,
      };
    });
  }

  /** Writes a stage's weights to the rollout's scope and to every model it set aside. */
  async apply(
    rollout: RolloutScope,
    weights: Record<string, number>,
    author: ChangeAuthor,
  ): Promise<void> {
    if (rollout.kind === RolloutKind.model) {
      const to = rollout.canary;
      await this.controlPlane.setModelRedirect(
        rollout.model!,
        { to, weight: weights[to] ?? 0 },
        author,
      );
      return;
    }
    await this.controlPlane.setWeights(weights, { model: rollout.model ?? undefined }, author);
    for (const setting of rollout.state.superseded) {
      if (setting.setting === 'weights')
        await this.controlPlane.setWeights(weights, { model: setting.model }, author);
      else await this.controlPlane.setStrategy('weighted', { model: setting.model }, author);
    }
  }

  /** Puts back what the rollout set aside, exactly as it was (a missing row stays missing). */
  async restore(rollout: RolloutScope, author: ChangeAuthor): Promise<void> {
    for (const setting of rollout.state.superseded) {
      if (setting.previousText === null) await this.controlPlane.clear(setting.key, author);
      else {
        await this.controlPlane.store.set(
          setting.key,
          { flagValue: setting.previousFlag ?? true, text: setting.previousText },
          author,
        );
        await this.controlPlane.reload();
      }
    }
  }

  /**
   * What differs between the routing in force and the stage's weights (a hand edit in SQL, which
   * no API guard can stop), in words; undefined when the rollout's split is intact.
   */
  drift(rollout: RolloutScope, expected: Record<string, number>): string | undefined {
    const { controlPlane } = this;
    if (rollout.kind === RolloutKind.model) {
      const redirect = controlPlane.settings().redirects[rollout.model!];
      const share = expected[rollout.canary] ?? 0;
      if (redirect?.to === rollout.canary && Math.abs(redirect.weight - share) < 1e-6)
        return undefined;
      return `the redirect of model ${rollout.model} is ${redirect ? `${formatPercent(redirect.weight)} to ${redirect.to}` : 'gone'}, not ${formatPercent(share)} to ${rollout.canary}`;
    }
    const scopes: { label: string; model: string | null }[] = [
      { label: rollout.model ? `model ${rollout.model}` : 'all models', model: rollout.model },
      ...rollout.state.superseded
        .filter((setting) => setting.setting === 'weights')
        .map((setting) => ({ label: `model ${setting.model}`, model: setting.model })),
    ];
    for (const scope of scopes) {
      const current = scope.model ? controlPlane.settingsFor(scope.model) : controlPlane.settings();
      if (current.strategy !== 'weighted')
        return `the strategy for ${scope.label} is ${current.strategy}, not weighted`;
      if (!sameWeights(current.weights, expected))
        return `the weights for ${scope.label} are ${describeWeights(current.weights)}, not ${describeWeights(expected)}`;
    }
    const setAside = new Set(rollout.state.superseded.map((setting) => setting.key));
    const escaped = findSplitOverrides(controlPlane.settings(), rollout.model).filter(
      (override) => !setAside.has(override.key),
    );
    if (escaped.length)
      return `${escaped.map((override) => `${override.key} (${override.value})`).join('; ')} now overrides the rollout`;
    return undefined;
  }

  /** The control plane's write guard: refuses changes to a live rollout's split by anyone else. */
  guard(live: () => Promise<(RolloutScope & { status: string })[]>) {
    return async (key: string, author: ChangeAuthor): Promise<void> => {
      if (author.actor.startsWith('rollout:')) return;
      for (const rollout of await live()) {
        if (!keyAffectsSplit(key, rollout.model, rollout.kind)) continue;
        throw new ConflictError(
          'rollout_owns_split',
          `Rollout ${rollout.id} (${rollout.baseline} → ${rollout.canary}, ${rollout.model ? `model ${rollout.model}` : 'all models'}) owns this split while it is ${rollout.status}: ${key} cannot change. Roll it back or let it finish first.`,
          { rollout_id: rollout.id, key },
        );
      }
    };
  }
}

function sameWeights(a: Record<string, number>, b: Record<string, number>): boolean {
  const providers = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...providers].every(
    (provider) => Math.abs((a[provider] ?? 0) - (b[provider] ?? 0)) < 1e-6,
  );
}
