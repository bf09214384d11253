import type { ProviderFactory } from './kernel/provider-factory.js';
import { aimlapiFactory } from './aimlapi/aimlapi-factory.js';
import { falFactory } from './fal/fal-factory.js';
import { kieaiFactory } from './kieai/kieai-factory.js';
import { googleFactory } from './google/google-factory.js';
import { openaiFactory } from './openai/openai-factory.js';
import { runwareFactory } from './runware/runware-factory.js';
import { replicateFactory } from './replicate/replicate-factory.js';
import { runwayFactory } from './runway/runway-factory.js';
import { simulatorFactory } from './simulator/simulator-factory.js';

/**
 * Every provider type the gateway knows. Adding a provider is one line here (see
 * docs/adding-a-provider.md).
 */
export const providerFactories: readonly ProviderFactory[] = [
  simulatorFactory,
  openaiFactory,
  googleFactory,
  falFactory,
  kieaiFactory,
  runwareFactory,
  replicateFactory,
  runwayFactory,
  aimlapiFactory,
];
