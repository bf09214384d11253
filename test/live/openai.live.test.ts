import { describe, expect, it } from 'vitest';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { OpenAIConfigSchema } from '../../src/providers/openai/openai-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

// One tiny real generation (gpt-image-2, low quality ≈ $0.02, an estimate). Sora is not exercised: OpenAI
// shut the Videos API down on 2026-09-24.
describe.skipIf(!process.env.OPENAI_API_KEY)('openai live', () => {
  it('should generate one low-quality gpt-image-2 image', async () => {
    const adapter = new OpenAIAdapter(
      OpenAIConfigSchema.parse({
        id: 'openai',
        type: 'openai',
        apiKey: process.env.OPENAI_API_KEY,
        ...(process.env.OPENAI_BASE_URL ? { baseUrl: process.env.OPENAI_BASE_URL } : {}),
      }),
    );
    const offering = adapter.models.find((model) => model.modelKey === 'gpt-image-2')!;
    const submitted = await adapter.submit(
      sampleRequest(offering, {
        overrides: { prompt: 'a small red circle on white', quality: 'fast' },
      }),
      { jobId: 'gen_live', attemptId: 'att_live', signal: AbortSignal.timeout(180_000) },
    );
    expect(submitted.immediate?.status).toBe('completed');
    if (submitted.immediate?.status !== 'completed') return;
    const output = submitted.immediate.outputs[0]!;
    expect(output.type).toBe('bytes');
    if (output.type === 'bytes') expect(output.data.subarray(1, 4).toString()).toBe('PNG');
    expect(submitted.immediate.usage?.costUsd).toBeGreaterThan(0);
  });
});
