import { z } from 'zod';

const UsdThresholds = z.record(z.string().min(1), z.number().positive());

/**
 * Cost alerts (S5's checklist): thresholds on spend per UTC day and on a provider's remaining
 * credit. Each alert fires once per crossing and resolves when the value goes back under (the
 * next UTC day for daily spend, a top-up for credit). Provider and model names are checked
 * against the configured providers at start-up; tenant names are data and only warned about.
 */
export const CostAlertsConfigSchema = z
  .object({
    /** Run the evaluator in this instance (instances agree through `cost_alert_states`). */
    enabled: z.boolean().default(true),
    /** How often spend and credit are compared with the thresholds. */
    intervalSeconds: z.number().min(0.05).default(60),
    /** USD per UTC day, read from the analytics rollups (providers, models) and the ledger. */
    dailySpendUsd: z
      .object({
        /** Provider instance id → USD spent on it today. */
        providers: UsdThresholds.default({}),
        /** Catalog model key → USD spent on it today, over every provider. */
        models: UsdThresholds.default({}),
        /** Tenant name (or id) → USD its settled jobs cost today. */
        tenants: UsdThresholds.default({}),
      })
      .strict()
      .default({ providers: {}, models: {}, tenants: {} }),
    /** Provider instance id → alert while its health check reports less credit than this USD. */
    creditBelowUsd: UsdThresholds.default({}),
  })
  .strict();
export type CostAlertsConfig = z.infer<typeof CostAlertsConfigSchema>;
