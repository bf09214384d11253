import { describe, expect, it } from 'vitest';
import { RunwareAdapter } from '../../src/providers/runware/runware-adapter.js';
import { RunwareConfigSchema } from '../../src/providers/runware/runware-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

// One tiny real FLUX schnell image (about $0.001). Run with `npm run test:live`.
describe.skipIf(!process.env.RUNWARE_API_KEY)('Runware live', () => {
  it('should generate a 256x256 image and report its cost', async () => {
    const adapter = new RunwareAdapter(
      RunwareConfigSchema.parse({
        id: 'runware',
        type: 'runware',
        apiKey: process.env.RUNWARE_API_KEY,
        ...(process.env.RUNWARE_BASE_URL ? { baseUrl: process.env.RUNWARE_BASE_URL } : {}),
      }),
    );
    const health = await adapter.healthCheck({ signal: AbortSignal.timeout(30_000) });
    expect(health.ok).toBe(true);
    const offering = adapter.models.find((model) => model.modelKey === 'flux-schnell')!;
    const request = sampleRequest(offering, { overrides: { width: 256, height: 256 } });
    const attemptId = `att_live${Date.now()}`;
    const submitted = await adapter.submit(request, {
      jobId: `gen_${attemptId}`,
      attemptId,
      signal: AbortSignal.timeout(60_000),
    });
    let result = await adapter.status(submitted.operation, { signal: AbortSignal.timeout(30_000) });
    for (let poll = 0; poll < 60 && result.status === 'pending'; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      result = await adapter.status(submitted.operation, { signal: AbortSignal.timeout(30_000) });
    }
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.usage?.costUsd).toBeGreaterThan(0);
    const output = result.outputs[0]!;
    expect(output.type).toBe('url');
    if (output.type === 'url') expect((await fetch(output.url)).ok).toBe(true);
  });
});
