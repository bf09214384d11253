import type { ProviderFactory } from '../kernel/provider-factory.js';
import { SimulatorAdapter } from './simulator-adapter.js';
import { SimulatorConfigSchema, type SimulatorConfig } from './simulator-profile.js';

/** The built-in simulator provider type. */
export const simulatorFactory: ProviderFactory<SimulatorConfig> = {
  type: 'simulator',
  configSchema: SimulatorConfigSchema,
  create: (config, runtime) => new SimulatorAdapter(config, runtime.database, runtime.now),
};
