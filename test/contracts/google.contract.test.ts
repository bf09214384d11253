import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';
import { GoogleFake } from '../fakes/google/google-fake.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { GoogleConfigSchema } from '../../src/providers/google/google-config.js';

runProviderContract('google', async () => {
  const fake = await GoogleFake.start({ apiKey: 'test-key' });
  const adapter = new GoogleAdapter(
    GoogleConfigSchema.parse({
      id: 'google',
      type: 'google',
      apiKey: 'test-key',
      baseUrl: fake.baseUrl,
    }),
  );
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  return {
    adapter,
    requests: [
      sampleRequest(model('gemini-3.1-flash-image')),
      sampleRequest(model('veo-3-fast')),
      sampleRequest(model('gemini-3.1-flash-image'), { task: 'image-to-image' }),
      sampleRequest(model('veo-3-fast'), { task: 'image-to-video' }),
    ],
    setScenario: (scenario) => {
      fake.scenario = scenario;
    },
    submissions: () => fake.submissions(),
    // Shut down by Google on 2026-06-30 and 2026-10-02 (src/providers/google/README.md).
    retiredModelIds: [
      'veo-3.0-fast-generate-001',
      'veo-2.0-generate-001',
      'gemini-2.5-flash-image',
    ],
    close: () => fake.close(),
  };
});
