import { describe, expect, it } from 'vitest';
import type { JsonValue, StatusResult } from '../../src/core/provider-adapter.js';
import { ReplicateAdapter } from '../../src/providers/replicate/replicate-adapter.js';
import { ReplicateConfigSchema } from '../../src/providers/replicate/replicate-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

const token = process.env.REPLICATE_API_TOKEN;

describe.skipIf(!token)('replicate (live)', () => {
  const adapter = new ReplicateAdapter(
    ReplicateConfigSchema.parse({
      id: 'replicate',
      type: 'replicate',
      apiKey: token ?? 'unset',
      baseUrl: process.env.REPLICATE_BASE_URL || undefined,
    }),
  );

  it('should answer the health check', async () => {
    expect(await adapter.healthCheck({ signal: AbortSignal.timeout(30_000) })).toMatchObject({
      ok: true,
    });
  });

  it('should generate one small flux-schnell image (about $0.003)', async () => {
    const flux = adapter.models.find((model) => model.modelKey === 'flux-schnell')!;
    const request = sampleRequest(flux, {
      overrides: { width: 512, height: 512, prompt: 'a red paper lantern, studio photo' },
    });
    const submitted = await adapter.submit(request, {
      jobId: 'gen_live',
      attemptId: `att_live_${Date.now()}`,
      signal: AbortSignal.timeout(60_000),
    });
    let result: StatusResult = { status: 'pending', phase: 'queued' };
    for (let poll = 0; poll < 120 && result.status === 'pending'; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      result = await adapter.status(submitted.operation as JsonValue, {
        signal: AbortSignal.timeout(30_000),
      });
    }
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    const output = result.outputs[0]!;
    expect(output.type).toBe('url');
    if (output.type !== 'url') return;
    const response = await fetch(output.url);
    expect(response.headers.get('content-type')).toMatch(/^image\//);
  });
});
