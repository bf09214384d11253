import { describe, expect, it } from 'vitest';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { GoogleConfigSchema } from '../../src/providers/google/google-config.js';
import { sampleRequest } from '../contracts/sample-request.js';

// One tiny real generation: a Gemini Flash Image picture (≈ $0.04–0.07). Veo is not run here
// (≥ $0.40 a clip); set GEMINI_IMAGE_MODEL to try another image model id.
describe.skipIf(!process.env.GEMINI_API_KEY)('google live', () => {
  it('should generate one image with a Gemini image model', async () => {
    const adapter = new GoogleAdapter(
      GoogleConfigSchema.parse({
        id: 'google',
        type: 'google',
        apiKey: process.env.GEMINI_API_KEY,
        ...(process.env.GEMINI_BASE_URL ? { baseUrl: process.env.GEMINI_BASE_URL } : {}),
      }),
    );
    const offering = adapter.models.find((model) => model.modelKey === 'gemini-3.1-flash-image')!;
    const request = sampleRequest(
      { ...offering, providerModelId: process.env.GEMINI_IMAGE_MODEL ?? offering.providerModelId },
      { overrides: { prompt: 'a small red circle on white', aspectRatio: '1:1' } },
    );
    const submitted = await adapter.submit(request, {
      jobId: 'gen_live',
      attemptId: 'att_live',
      signal: AbortSignal.timeout(180_000),
    });
    expect(submitted.immediate?.status).toBe('completed');
    if (submitted.immediate?.status !== 'completed') return;
    expect(submitted.immediate.outputs[0]?.type).toBe('bytes');
  });
});
