import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** The Gemini API root, version included; overridden by `baseUrl` / `GEMINI_BASE_URL`. */
export const googleDefaultBaseUrl = 'https://generativelanguage.googleapis.com/v1beta';

/**
 * One `providers[]` entry of type `google`: the Gemini Developer API with an API key (AI
 * Studio). Vertex AI (OAuth, per-region hosts) is a different API and not covered.
 */
export const GoogleConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('google'),
}).strict();
export type GoogleConfig = z.infer<typeof GoogleConfigSchema>;
