import { RunwareAdapter } from '../../src/providers/runware/runware-adapter.js';
import { RunwareConfigSchema } from '../../src/providers/runware/runware-config.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { runProviderContract } from './provider-adapter-contract.js';
import { sampleRequest } from './sample-request.js';

runProviderContract('runware', async () => {
  const fake = await RunwareFake.start();
  const adapter = new RunwareAdapter(
    RunwareConfigSchema.parse({
      id: 'runware',
      type: 'runware',
      apiKey: 'test-key',
      baseUrl: fake.endpoint,
      webhookSecret: 'contract-webhook-secret-0123',
    }),
  );
  const offering = (key: string) => adapter.models.find((model) => model.modelKey === key)!;
  const imageUrl = `${fake.url}/files/input.png`;
  return {
    adapter,
    requests: [
      sampleRequest(offering('flux-schnell')),
      sampleRequest(offering('flux-dev'), { task: 'image-to-image', imageUrl }),
      sampleRequest(offering('seedance-1-pro-fast')),
      sampleRequest(offering('seedance-1-pro-fast'), { task: 'image-to-video', imageUrl }),
      sampleRequest(offering('kling-v2-5-standard'), { imageUrl }),
      sampleRequest(offering('wan-2.6-flash'), { imageUrl }),
      sampleRequest(offering('veo-3-fast')),
    ],
    setScenario: (scenario) => fake.setScenario(scenario),
    submissions: () => fake.submissions(),
    // Veo 3 Fast and Veo 3 (retired with Google's shutdown of Veo 3.0 on 2026-06-30).
    retiredModelIds: ['google:3@1', 'google:3@0'],
    // Runware calls back the URL it was given; the adapter's own URL builder makes that URL
    // (no callbackUrl reaches submit in the contract suite), and the fake posts to it.
    async webhook(providerJobId, options = {}) {
      const url = adapter.webhookUrl(
        'https://gateway.example/v1/providers/runware/webhook',
        providerJobId,
        1,
      );
      return fake.webhook(
        providerJobId,
        options.forge ? url.replace(/token=[^&]+/, 'token=x') : url,
      );
    },
    webhookReplayDetectable: false,
    close: () => fake.close(),
  };
});
