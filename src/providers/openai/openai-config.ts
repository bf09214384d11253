import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** OpenAI's public API root; overridden by `baseUrl` / `OPENAI_BASE_URL` (proxies, fakes). */
export const openaiDefaultBaseUrl = 'https://api.openai.com/v1';

/**
 * One `providers[]` entry of type `openai`. The base URL includes the version segment (`/v1`),
 * as the official SDK's `baseURL` does.
 */
export const OpenAIConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('openai'),
  /** Sent as `OpenAI-Organization` when the key belongs to several organisations. */
  organization: z.string().min(1).optional(),
  /** Sent as `OpenAI-Project` to bill a specific project. */
  project: z.string().min(1).optional(),
}).strict();
export type OpenAIConfig = z.infer<typeof OpenAIConfigSchema>;
