import { describe, expect, it } from 'vitest';
import { rolloutArms, StartRolloutSchema } from './rollout-plan.js';

describe('rolloutArms', () => {
  it('should read a model rollout as arms of models scoped to the model moved from', () => {
    const request = StartRolloutSchema.parse({ fromModel: 'flux-dev', toModel: 'flux-2' });
    expect(rolloutArms(request)).toEqual({
      kind: 'model',
      baseline: 'flux-dev',
      canary: 'flux-2',
      model: 'flux-dev',
    });
    expect(rolloutArms(StartRolloutSchema.parse({ baseline: 'fal', canary: 'runware' }))).toEqual({
      kind: 'provider',
      baseline: 'fal',
      canary: 'runware',
      model: null,
    });
  });

  it.each([
    [{ fromModel: 'flux-dev' }, 'toModel'],
    [{ fromModel: 'flux-dev', toModel: 'flux-dev' }, 'toModel'],
    [{ fromModel: 'flux-dev', toModel: 'flux-2', baseline: 'fal' }, 'fromModel'],
    [{ fromModel: 'flux-dev', toModel: 'flux-2', model: 'flux-dev' }, 'model'],
    [{ baseline: 'fal' }, 'canary'],
    [{}, 'baseline'],
  ])('should refuse %j, naming %s', (body, path) => {
    const result = StartRolloutSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
