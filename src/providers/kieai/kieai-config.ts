import { z } from 'zod';
import { HttpProviderConfigSchema } from '../kernel/http-provider-config.js';

/** Kie.ai's API host. */
export const kieaiDefaultBaseUrl = 'https://api.kie.ai';

/** One `providers[]` entry of type `kieai`. */
export const KieaiConfigSchema = HttpProviderConfigSchema.extend({
  type: z.literal('kieai'),
  /**
   * The `webhookHmacKey` from Kie.ai's settings page (or `KIEAI_WEBHOOK_HMAC_KEY`). Kie signs
   * callbacks only when it is enabled there; without it this adapter registers no callbacks
   * and refuses inbound ones, because an unsigned callback cannot be told from a forgery.
   */
  webhookHmacKey: z.string().min(1).optional(),
  /** USD value of one Kie.ai credit, for the balance shown by health checks. */
  usdPerCredit: z.number().positive().default(0.005),
}).strict();

export type KieaiConfig = z.infer<typeof KieaiConfigSchema>;
