import { runCli } from '../helpers/run-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../helpers/http-client.js';
import type { TrafficResult } from '../helpers/traffic.js';
import {
  adminKey,
  admin,
  patchProvider,
  rolloutBody,
  startRolloutScenario,
  type RolloutScenario,
} from '../helpers/rollout-scenario.js';

describe('statistical judgement through the API and the CLI', { timeout: 120_000 }, () => {
  let scenario: RolloutScenario;
  beforeAll(async () => {
    scenario = await startRolloutScenario();
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it('should size the stages on a dry run without starting anything', async () => {
    const body = rolloutBody([
      { weight: 0.1, minDurationSeconds: 3600 },
      { weight: 1, minDurationSeconds: 0 },
    ]);
    const response = await postJson(
      `${scenario.test.url}/admin/rollouts?dry_run=true`,
      body,
      admin,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      object: 'rollout_dry_run',
      plan: { statistics: { alpha: 0.05 } },
      stages: [
        {
          stage: 0,
          weight: 0.1,
          guardrails: expect.arrayContaining([expect.objectContaining({ name: 'p95_latency' })]),
        },
        { stage: 1, weight: 1 },
      ],
    });
    const list = await getJson(`${scenario.test.url}/admin/rollouts`, admin);
    expect((list.body as { data: unknown[] }).data).toEqual([]);
    const printed = await runCli(
      scenario.test.url,
      [
        'rollout',
        'start',
        '--baseline',
        'fal',
        '--canary',
        'runware',
        '--model',
        'sim-image',
        '--dry-run',
      ],
      adminKey,
    );
    expect(printed).toContain('traffic over the last hour');
    expect(printed).toContain('p95_latency');
  });

  it('should roll back a canary 10 % dearer (under the 1.2× line) on the rank test, and show why', async () => {
    await patchProvider(scenario.test.url, 'runware', { costPerImage: 0.0022 });
    const started = await scenario.rollouts.start({
      ...rolloutBody([
        { weight: 0.5, minDurationSeconds: 60 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
      statistics: { detectableEffects: { cost_per_output: 0.5 } },
    });
    const results: TrafficResult[] = [];
    const done = await scenario.stepUntil(
      started.id,
      results,
      (rollout) => rollout.status !== 'active',
      40_000,
    );
    expect(done.status).toBe('rolled_back');
    expect(done.reason).toContain('cost_per_output canary worse than baseline (Mann-Whitney U');
    const view = (await getJson(`${scenario.test.url}/admin/rollouts/${started.id}`, admin))
      .body as {
      comparisons: {
        name: string;
        status: string;
        effect: number;
        lowerBound: number;
        pValue: number;
        alpha: number;
      }[];
      guardrails: { name: string; status: string }[];
    };
    const cost = view.comparisons.find((entry) => entry.name === 'cost_per_output')!;
    expect(cost).toMatchObject({ status: 'worse', effect: 1 });
    expect(cost.pValue).toBeLessThanOrEqual(cost.alpha);
    expect(cost.lowerBound).toBeGreaterThan(0.5);
    // The absolute line did not trip: 1.1× is inside 1.2×.
    expect(view.guardrails.find((entry) => entry.name === 'cost_per_output')?.status).toBe('pass');
    const printed = await runCli(scenario.test.url, ['rollout', 'status', started.id], adminKey);
    expect(printed).toContain('canary vs baseline since the stage started');
    expect(printed).toMatch(/cost_per_output\s+worse/);
  });
});
