import { describe, expect, it } from 'vitest';
import { AimlapiAdapter } from '../../src/providers/aimlapi/aimlapi-adapter.js';
import { AimlapiConfigSchema } from '../../src/providers/aimlapi/aimlapi-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

// One tiny real FLUX schnell image (well under a cent). Run with `npm run test:live`.
describe.skipIf(!process.env.AIMLAPI_API_KEY)('AIMLAPI live', () => {
  it('should generate a 256x256 image and report its cost', async () => {
    const adapter = new AimlapiAdapter(
      AimlapiConfigSchema.parse({
        id: 'aimlapi',
        type: 'aimlapi',
        apiKey: process.env.AIMLAPI_API_KEY,
        ...(process.env.AIMLAPI_BASE_URL ? { baseUrl: process.env.AIMLAPI_BASE_URL } : {}),
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
      signal: AbortSignal.timeout(120_000),
    });
    expect(submitted.immediate?.status).toBe('completed');
    if (submitted.immediate?.status !== 'completed') return;
    const output = submitted.immediate.outputs[0]!;
    if (output.type === 'url') expect((await fetch(output.url)).ok).toBe(true);
    else expect(output.data.length).toBeGreaterThan(0);
  });
});
