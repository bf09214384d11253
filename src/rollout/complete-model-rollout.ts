import { z } from 'zod';
import type { AlertSink } from '../observability/alert-sink.js';
import type { ControlPlane } from '../routing/control-plane/control-plane.js';
import type { ChangeAuthor } from '../routing/control-plane/control-plane-store.js';
import { FlagKey, flagKeyFor } from '../routing/control-plane/flag-keys.js';
import { ModelRedirectSchema } from '../routing/control-plane/routing-settings.js';
import type { RolloutSplit } from './rollout-split.js';
import type { Rollout, RolloutStore } from './rollout-store.js';

/** What a model rollout recorded of the routing it found at start. */
const PreviousRedirectSchema = z.object({ redirect: ModelRedirectSchema.nullable() });

/**
 * A model rollout's completion (already marked completed): the redirect stays at 100 % — the
 * old model's requests are the new model's from now on, and clearing `GEN_MODEL_REDIRECT:<model>`
 * undoes it — while each model's providers keep their own routing.
 */
export async function completeModelRollout(
  dependencies: { split: RolloutSplit; store: RolloutStore; alerts: AlertSink },
  rollout: Rollout,
  actor: string,
  weights: Record<string, number>,
  details: Record<string, unknown>,
): Promise<void> {
  await dependencies.split.apply(rollout, weights, {
    actor: `rollout:${rollout.id}`,
    reason: `rollout completed (${actor})`,
  });
  await dependencies.store.addDecision({
    rolloutId: rollout.id,
    decision: 'completed',
    stage: rollout.currentStage,
    weights,
    details,
    actor,
  });
  await dependencies.alerts.raise({
    type: 'rollout_completed',
    severity: 'info',
    message: `Rollout ${rollout.id} completed: requests for ${rollout.baseline} are now served by ${rollout.canary}.`,
    details: { rollout_id: rollout.id },
  });
}

/** A model rollout's rollback: puts back the redirect it found (usually none: the row goes). */
export async function restoreModelRedirect(
  controlPlane: ControlPlane,
  rollout: Rollout,
  author: ChangeAuthor,
): Promise<void> {
  const previous = PreviousRedirectSchema.safeParse(rollout.previousRouting);
  const redirect = previous.success ? previous.data.redirect : null;
  const model = rollout.model ?? rollout.baseline;
  if (redirect) await controlPlane.setModelRedirect(model, redirect, author);
  else await controlPlane.clear(flagKeyFor(FlagKey.modelRedirect, model), author);
}
