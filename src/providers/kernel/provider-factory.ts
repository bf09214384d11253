import type { z } from 'zod';
import type { Database } from '../../store/database.js';
import type { ProviderAdapter } from '../../core/provider-adapter.js';
import type { SafeFetchContext } from './safe-fetch-context.js';

/** What adapters may use from the gateway at construction time. */
export interface ProviderRuntime {
  /** The gateway database (the simulator keeps its ledger there). */
  database: Database;
  /** SSRF-checked HTTP access for downloads the adapter itself must make. */
  fetchContext: SafeFetchContext;
  /** Environment variables (API keys are read here, never logged). */
  env: NodeJS.ProcessEnv;
  /** Clock; tests may replace it. */
  now: () => number;
}

/**
 * One provider type: how to validate its config entry, how to build it from environment
 * variables alone, and how to construct the adapter. `src/providers/registry.ts` lists them.
 */
export interface ProviderFactory<
  Config extends { id: string; type: string } = { id: string; type: string },
> {
  /** The `type` value in config (`simulator`, `runware`, …). */
  readonly type: string;
  /** Validates one `providers[]` entry of this type. */
  readonly configSchema: z.ZodType<Config>;
  /**
   * Environment variables of this type. A set API key loads the provider without any config
   * entry; `enabled` (`<NAME>_ENABLED=false`) switches it off; `baseUrl` overrides the API base.
   */
  readonly environment?: {
    /** Key variables, first set one wins (`FAL_KEY`, `FALAI_API_KEY`). */
    apiKey: readonly string[];
    baseUrl: string;
    enabled: string;
  };
  /** Constructs the adapter. */
  create(config: Config, runtime: ProviderRuntime): ProviderAdapter;
}
