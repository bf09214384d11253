import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** fal's queue API host; status, result and cancel live under the same origin. */
export const falDefaultBaseUrl = 'https://queue.fal.run';

/**
 * Where fal publishes the ED25519 keys that sign its webhooks. fal's webhook docs name the
 * `rest.alpha.fal.ai` host; `https://rest.fal.ai/.well-known/jwks.json` serves the same set.
 */
const falDefaultJwksUrl = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

/** One `providers[]` entry of type `fal`. */
export const FalConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('fal'),
  /** JWKS used to verify inbound webhooks (fakes and proxies point it elsewhere). */
  jwksUrl: z.url().default(falDefaultJwksUrl),
}).strict();

export type FalConfig = z.infer<typeof FalConfigSchema>;
