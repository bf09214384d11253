import { describe, expect, it } from 'vitest';
import type { StatusResult } from '../../src/core/provider-adapter.js';
import { RunwayAdapter } from '../../src/providers/runway/runway-adapter.js';
import { RunwayConfigSchema } from '../../src/providers/runway/runway-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

const secret = process.env.RUNWAYML_API_SECRET;

describe.skipIf(!secret)('runway (live)', () => {
  const adapter = new RunwayAdapter(
    RunwayConfigSchema.parse({
      id: 'runway',
      type: 'runway',
      apiKey: secret ?? 'unset',
      baseUrl: process.env.RUNWAYML_BASE_URL || undefined,
    }),
  );

  it('should report the organization credit balance', async () => {
    const health = await adapter.healthCheck({ signal: AbortSignal.timeout(30_000) });
    expect(health.credits?.remainingUsd).toBeGreaterThanOrEqual(0);
  });

  it('should generate one 720p gen4_image picture (5 credits, $0.05)', async () => {
    const image = adapter.models.find((model) => model.modelKey === 'gen4_image')!;
    const request = sampleRequest(image, {
      overrides: { width: 720, height: 720, prompt: 'a red paper lantern, studio photo' },
    });
    const submitted = await adapter.submit(request, {
      jobId: 'gen_live',
      attemptId: `att_live_${Date.now()}`,
      signal: AbortSignal.timeout(60_000),
    });
    let result: StatusResult = { status: 'pending', phase: 'queued' };
    // Runway asks for at least 5 s between polls of a task.
    for (let poll = 0; poll < 60 && result.status === 'pending'; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      result = await adapter.status(submitted.operation, { signal: AbortSignal.timeout(30_000) });
    }
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.outputs[0]?.type).toBe('url');
    if (result.usage?.costUsd !== undefined) expect(result.usage.costUsd).toBeCloseTo(0.05);
  });
});
