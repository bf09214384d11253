import { describe, expect, it } from 'vitest';
import { KieaiAdapter } from '../../src/providers/kieai/kieai-adapter.js';
import { KieaiConfigSchema } from '../../src/providers/kieai/kieai-config.js';

const apiKey = process.env.KIEAI_API_KEY;

// One real generation: the cheapest offering, a 5 s 720p Runway clip (12 credits ≈ $0.06).
// Run with `npm run test:live`.
describe.skipIf(!apiKey)('Kie.ai (live)', () => {
  it('should report the balance and generate one short Runway clip', async () => {
    const adapter = new KieaiAdapter(
      KieaiConfigSchema.parse({ id: 'kieai', type: 'kieai', apiKey }),
    );
    const health = await adapter.healthCheck({ signal: AbortSignal.timeout(30_000) });
    expect(health.ok).toBe(true);
    const offering = adapter.models.find((model) => model.modelKey === 'runway-gen3-alpha-turbo')!;
    const request = {
      kind: 'video' as const,
      task: 'text-to-video' as const,
      offering,
      prompt: 'a red paper lantern floating at night',
      inputImages: [],
      resolution: '720p',
      aspectRatio: '16:9',
      duration: 5,
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
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    throw new Error('Kie.ai did not finish in 10 minutes');
  });
});
