import { FalAdapter } from '../../src/providers/fal/fal-adapter.js';
import { FalConfigSchema } from '../../src/providers/fal/fal-config.js';
import { FalFake } from '../fakes/fal/fal-fake.js';
import { createTestClock } from '../helpers/test-clock.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('fal', async () => {
  const fake = await FalFake.start({ clock: createTestClock() });
  const adapter = new FalAdapter(
    FalConfigSchema.parse({
      id: 'fal',
      type: 'fal',
      apiKey: 'test-key',
      baseUrl: fake.url,
      jwksUrl: fake.jwksUrl,
    }),
  );
  return {
    adapter,
    requests: adapter.models.map((offering) =>
      sampleRequest(offering, { imageUrl: `${fake.url}/files/input.png` }),
    ),
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions,
    // An endpoint id the queue has no application for (removed or renamed on fal).
    retiredModelIds: ['fal-ai/retired-model/v1'],
    webhook: (providerJobId, options) => fake.webhook(providerJobId, options),
    advance: (ms) => fake.advance(ms),
    close: () => fake.close(),
  };
});
