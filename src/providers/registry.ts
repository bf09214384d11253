import type { ProviderFactory } from './provider-factory.js';
import { simulatorFactory } from './simulator/simulator-factory.js';

/**
 * Every provider type the gateway knows. Adding a provider is one line here (see
 * docs/adding-a-provider.md).
 */
export const providerFactories: readonly ProviderFactory[] = [simulatorFactory];
