import { z } from 'zod';
import { ProviderIdSchema } from '../../config/config-schema.js';
import { ModelOfferingSchema } from '../../core/model-capabilities.js';

/**
 * Fields every HTTP provider entry has. Provider types extend it with their own
 * (`webhookSecret`, `jwksUrl`, …) and fix `type` with a literal.
 */
export const HttpProviderConfigSchema = z.object({
  /** Instance id (defaults to the type when built from the environment). */
  id: ProviderIdSchema,
  /** Starts enabled unless false (`<NAME>_ENABLED=false`). */
  enabled: z.boolean().default(true),
  /** API key/token; from config or `<NAME>_API_KEY`. Never logged or returned. */
  apiKey: z
    .string({ error: "an API key is required (apiKey, or the provider's <NAME>_API_KEY variable)" })
    .min(1, 'an API key is required'),
  /** API base URL override (fakes, proxies); `<NAME>_BASE_URL`. */
  baseUrl: z.url().optional(),
  /** Extra models, or overrides of built-in ones by `modelKey` (prices, capabilities). */
  models: z.array(ModelOfferingSchema).optional(),
  /** Per-request timeout for this provider's API calls. */
  timeoutMs: z.number().int().min(100).optional(),
});
export type HttpProviderConfig = z.infer<typeof HttpProviderConfigSchema>;
