import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';
import { OpenAIFake } from '../fakes/openai/openai-fake.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { OpenAIConfigSchema } from '../../src/providers/openai/openai-config.js';

runProviderContract('openai', async () => {
  const fake = await OpenAIFake.start({ apiKey: 'test-key' });
  const adapter = new OpenAIAdapter(
    OpenAIConfigSchema.parse({
      id: 'openai',
      type: 'openai',
      apiKey: 'test-key',
      baseUrl: fake.baseUrl,
    }),
  );
  const model = (key: string) => adapter.models.find((offering) => offering.modelKey === key)!;
  return {
    adapter,
    requests: [
      sampleRequest(model('gpt-image-1')),
      sampleRequest(model('sora-2')),
      sampleRequest(model('gpt-image-1'), { task: 'image-to-image' }),
      sampleRequest(model('gpt-image-1'), { task: 'inpaint' }),
    ],
    setScenario: (scenario) => {
      fake.scenario = scenario;
    },
    submissions: () => fake.submissions(),
    // Removed from OpenAI's API on 2026-05-12 (src/providers/openai/README.md).
    retiredModelIds: ['dall-e-3', 'dall-e-2'],
    close: () => fake.close(),
  };
});
