import { readWindowTotals, type WindowTotals } from '../analytics/rollup-reader.js';
import { RolloutKind } from '../core/rollout-plan.js';
import type { Database } from '../store/database.js';
import type { Rollout } from './rollout-store.js';

/** Both arms of a rollout over one window; an arm without traffic is undefined. */
export interface ArmWindow {
  baseline: WindowTotals | undefined;
  canary: WindowTotals | undefined;
}

/**
 * Reads a rollout's two arms from the rollups since `since`: for a provider rollout the rows of
 * each provider in its scope, for a model rollout the rows of each model on any provider — the
 * rollups are keyed by (bucket, provider, model), so either is a read of rollups, never of raw
 * events. A model rollout's canary rows also hold requests that asked for the new model
 * directly: they were served the same way, so they judge it as fairly.
 */
export async function readArmTotals(
  database: Database,
  rollout: Pick<Rollout, 'kind' | 'baseline' | 'canary' | 'model'>,
  since: Date,
): Promise<ArmWindow> {
  const window =
    rollout.kind === RolloutKind.model
      ? await readWindowTotals(database, {
          since,
          models: [rollout.baseline, rollout.canary],
          by: 'model',
        })
      : await readWindowTotals(database, {
          since,
          providers: [rollout.baseline, rollout.canary],
          model: rollout.model ?? undefined,
        });
  return { baseline: window.get(rollout.baseline), canary: window.get(rollout.canary) };
}
