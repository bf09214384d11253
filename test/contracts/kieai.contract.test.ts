import { KieaiAdapter } from '../../src/providers/kieai/kieai-adapter.js';
import { KieaiConfigSchema } from '../../src/providers/kieai/kieai-config.js';
import { KieaiFake } from '../fakes/kieai/kieai-fake.js';
import { createTestClock } from '../helpers/test-clock.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('kieai', async () => {
  const webhookHmacKey = 'contract-hmac-key';
  const fake = await KieaiFake.start({ webhookHmacKey, clock: createTestClock() });
  const adapter = new KieaiAdapter(
    KieaiConfigSchema.parse({
      id: 'kieai',
      type: 'kieai',
      apiKey: 'test-key',
      baseUrl: fake.url,
      webhookHmacKey,
    }),
  );
  const imageUrl = `${fake.url}/files/input.png`;
  return {
    adapter,
    requests: adapter.models.flatMap((offering) =>
      offering.capabilities.tasks.map((task) => sampleRequest(offering, { task, imageUrl })),
    ),
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions,
    // Ids of the Veo family Kie.ai does not serve.
    retiredModelIds: ['veo3_legacy'],
    webhook: (providerJobId, options) => fake.webhook(providerJobId, options),
    advance: (ms) => fake.advance(ms),
    close: () => fake.close(),
  };
});
