import { z } from 'zod';

/** Response schemas of `/admin/analytics` (admin-analytics-routes). */

const counts = z.array(z.number());
const rates = z.array(z.number().nullable());

/** Per-provider series over time, one value per step. */
export const AnalyticsSeriesSchema = z
  .object({
    window_seconds: z.number(),
    step_seconds: z.number(),
    model: z.string().nullable(),
    /** The start of each step (ISO 8601). */
    steps: z.array(z.string()),
    /** By provider id. */
    providers: z.record(
      z.string(),
      z.object({
        routed: counts,
        successes: counts,
        failures: counts,
        /** Null where a step had no finished request. */
        success_rate: rates,
        p95_latency_ms: rates,
        cost_usd: counts,
      }),
    ),
  })
  .meta({ id: 'AnalyticsSeries' });
