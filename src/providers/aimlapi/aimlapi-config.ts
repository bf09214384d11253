import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** AIMLAPI's API host; paths carry their own version (`/v1/images/…`, `/v2/video/…`). */
const aimlapiDefaultBaseUrl = 'https://api.aimlapi.com';

/** An `aimlapi` provider entry. */
export const AimlapiConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('aimlapi'),
  /**
   * Credits per US dollar, to turn `meta.usage.credits_used` into a cost (AIMLAPI FAQ:
   * "$1 USD = 2,000,000 credits").
   */
  creditsPerUsd: z.number().positive().default(2_000_000),
}).strict();

export type AimlapiConfig = z.infer<typeof AimlapiConfigSchema>;

/** The host part of a configured base URL (a trailing `/v1` or `/v2` is tolerated). */
export function aimlapiHost(baseUrl: string | undefined): string {
  return (baseUrl ?? aimlapiDefaultBaseUrl).replace(/\/+$/, '').replace(/\/v[12]$/, '');
}
