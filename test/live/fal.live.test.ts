import { describe, expect, it } from 'vitest';
import { FalAdapter } from '../../src/providers/fal/fal-adapter.js';
import { FalConfigSchema } from '../../src/providers/fal/fal-config.js';

const apiKey = process.env.FAL_KEY || process.env.FALAI_API_KEY;

// One tiny real generation (FLUX [schnell], 256×256 ≈ $0.003). Run with `npm run test:live`.
describe.skipIf(!apiKey)('fal (live)', () => {
  it('should generate one small flux-schnell image', async () => {
    const adapter = new FalAdapter(FalConfigSchema.parse({ id: 'fal', type: 'fal', apiKey }));
    const offering = adapter.models.find((model) => model.modelKey === 'flux-schnell')!;
    const request = {
      kind: 'image' as const,
      task: 'text-to-image' as const,
      offering,
      prompt: 'a red paper lantern, studio photo',
      inputImages: [],
      width: 256,
      height: 256,
      n: 1,
    };
    const submitted = await adapter.submit(request, {
      jobId: 'gen_live',
      attemptId: 'att_live',
      signal: AbortSignal.timeout(30_000),
    });
    for (let poll = 0; poll < 120; poll++) {
      const result = await adapter.status(submitted.operation, {
        signal: AbortSignal.timeout(30_000),
      });
      if (result.status !== 'pending') {
        expect(result.status).toBe('completed');
        if (result.status === 'completed') expect(result.outputs[0]).toMatchObject({ type: 'url' });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error('fal did not finish in 2 minutes');
  });
});
