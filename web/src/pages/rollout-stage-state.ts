import type { Rollout } from '../api/api-types.js';

/** A live stage's place in the timeline: done, current, rolled back or pending. */
export function stageState(rollout: Rollout, index: number): string {
  if (rollout.status === 'completed') return 'done';
  // Still in (or ended in) the shadow stage: no live stage was reached.
  const outcome = rollout.shadow?.outcome;
  if (rollout.stage.phase === 'shadow' || outcome === 'rolled_back' || outcome === 'paused')
    return 'pending';
  if (index < rollout.stage.index) return 'done';
  if (index === rollout.stage.index)
    return rollout.status === 'rolled_back' ? 'rolled back' : 'current';
  return 'pending';
}

/** The shadow stage's line in the timeline: current while copying, else how it ended. */
export function shadowState(shadow: NonNullable<Rollout['shadow']>): string {
  if (shadow.status === 'running' || shadow.outcome === 'paused') return 'current';
  return shadow.outcome === 'rolled_back' ? 'rolled back' : 'done';
}
