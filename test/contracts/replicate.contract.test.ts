import { ReplicateAdapter } from '../../src/providers/replicate/replicate-adapter.js';
import { ReplicateConfigSchema } from '../../src/providers/replicate/replicate-config.js';
import { ReplicateFake } from '../fakes/replicate/replicate-fake.js';
import { createTestClock } from '../helpers/test-clock.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('replicate', async () => {
  const fake = await ReplicateFake.start({ clock: createTestClock() });
  // No webhookSecret configured: the adapter fetches it from the fake, as it would from Replicate.
  const adapter = new ReplicateAdapter(
    ReplicateConfigSchema.parse({
      id: 'replicate',
      type: 'replicate',
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
    }),
  );
  return {
    adapter,
    requests: adapter.models.map((offering) => sampleRequest(offering)),
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions(),
    // Veo 2 on Replicate proxied Google's Veo 2 (shut down 2026-06-30); a removed model; a
    // deleted version of a community model.
    retiredModelIds: [
      'google/veo-2',
      'community/removed-model',
      'community/removed-model:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa',
    ],
    webhook: (providerJobId, options) => fake.buildWebhook(providerJobId, options),
    advance: (ms) => fake.advance(ms),
    close: () => fake.close(),
  };
});
