import { RunwayAdapter } from '../../src/providers/runway/runway-adapter.js';
import { RunwayConfigSchema } from '../../src/providers/runway/runway-config.js';
import { RunwayFake } from '../fakes/runway/runway-fake.js';
import { createTestClock } from '../helpers/test-clock.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('runway', async () => {
  const fake = await RunwayFake.start({ clock: createTestClock() });
  const adapter = new RunwayAdapter(
    RunwayConfigSchema.parse({
      id: 'runway',
      type: 'runway',
      apiKey: fake.apiKey,
      baseUrl: fake.url,
    }),
  );
  const gen4Image = adapter.models.find((model) => model.modelKey === 'gen4_image')!;
  return {
    adapter,
    requests: [
      ...adapter.models.map((offering) => sampleRequest(offering)),
      sampleRequest(gen4Image, { task: 'image-to-image' }),
    ],
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions(),
    // A model id Runway's `model` enum does not list.
    retiredModelIds: ['gen3a_turbo'],
    advance: (ms) => fake.advance(ms),
    close: () => fake.close(),
  };
});
