import { AimlapiAdapter } from '../../src/providers/aimlapi/aimlapi-adapter.js';
import { AimlapiConfigSchema } from '../../src/providers/aimlapi/aimlapi-config.js';
import { AimlapiFake } from '../fakes/aimlapi/aimlapi-fake.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('aimlapi', async () => {
  const fake = await AimlapiFake.start();
  const adapter = new AimlapiAdapter(
    AimlapiConfigSchema.parse({
      id: 'aimlapi',
      type: 'aimlapi',
      apiKey: 'test-key',
      baseUrl: fake.url,
    }),
  );
  const offering = (key: string) => adapter.models.find((model) => model.modelKey === key)!;
  return {
    adapter,
    requests: [
      sampleRequest(offering('kling-v2-5-turbo-pro')),
      sampleRequest(offering('kling-v2-5-turbo-pro'), {
        task: 'image-to-video',
        imageUrl: `${fake.url}/files/frame.png`,
      }),
      sampleRequest(offering('flux-schnell')),
    ],
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions(),
    // Ids AIMLAPI's model enum does not list (it validates `model` per endpoint).
    retiredModelIds: ['flux/dev-retired', 'klingai/v1-standard/text-to-video'],
    // AIMLAPI documents no webhooks and no cancel, so those contract cases do not apply.
    close: () => fake.close(),
  };
});
