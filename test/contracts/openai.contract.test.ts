import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';
import { OpenAIFake } from '../fakes/openai/openai-fake.js';
import { soraRelayOffering } from '../fakes/openai/openai-relay-offering.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { OpenAIConfigSchema } from '../../src/providers/openai/openai-config.js';

runProviderContract('openai', async () => {
  // A relay that still serves the Videos API OpenAI shut down, so the Sora mapping (an
  // operator's `models` entry) stays under the contract.
  const fake = await OpenAIFake.start({ apiKey: 'test-key', relay: true });
  const adapter = new OpenAIAdapter(
    OpenAIConfigSchema.parse({
      id: 'openai',
      type: 'openai',
      apiKey: 'test-key',
      baseUrl: fake.baseUrl,
      models: [soraRelayOffering],
    }),
  );
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  return {
    adapter,
    requests: [
      sampleRequest(model('gpt-image-2')),
      sampleRequest(model('sora-2')),
      sampleRequest(model('gpt-image-2'), { task: 'image-to-image' }),
      sampleRequest(model('gpt-image-2'), { task: 'inpaint' }),
    ],
    setScenario: (scenario) => {
      fake.scenario = scenario;
    },
    submissions: () => fake.submissions(),
    // Removed from OpenAI's API on 2026-05-12 and 2026-10-23 (src/providers/openai/README.md).
    retiredModelIds: ['dall-e-3', 'dall-e-2', 'gpt-image-1'],
    close: () => fake.close(),
  };
});
