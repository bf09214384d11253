import type { CostAlertsConfig } from '../config/cost-alerts-config.js';

/** What a cost threshold measures. */
export const CostScope = {
  /** USD spent on one provider instance in the UTC day. */
  provider: 'provider',
  /** USD spent on one catalog model, over every provider, in the UTC day. */
  model: 'model',
  /** USD one tenant's settled jobs cost in the UTC day. */
  tenant: 'tenant',
  /** A provider's remaining credit, as its health check reports it. */
  credit: 'credit',
} as const;
export type CostScope = (typeof CostScope)[keyof typeof CostScope];

/** One configured threshold. */
export interface CostThreshold {
  /** Stable name of the threshold: `spend:provider:fal`, `credit:runware`. */
  alertKey: string;
  scope: CostScope;
  /** Provider id, model key or tenant name. */
  subject: string;
  thresholdUsd: number;
}

/** The period a credit threshold's crossings are stored under (it has no day). */
export const creditPeriod = 'current';

/** The UTC day of an instant, `YYYY-MM-DD`: the period of daily spend thresholds. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Every threshold of the config, in a stable order. */
export function listCostThresholds(config: CostAlertsConfig): CostThreshold[] {
  const daily = config.dailySpendUsd;
  const spend = (scope: CostScope, entries: Record<string, number>) =>
    Object.entries(entries).map(([subject, thresholdUsd]) => ({
      alertKey: `spend:${scope}:${subject}`,
      scope,
      subject,
      thresholdUsd,
    }));
  return [
    ...spend(CostScope.provider, daily.providers),
    ...spend(CostScope.model, daily.models),
    ...spend(CostScope.tenant, daily.tenants),
    ...Object.entries(config.creditBelowUsd).map(([subject, thresholdUsd]) => ({
      alertKey: `credit:${subject}`,
      scope: CostScope.credit,
      subject,
      thresholdUsd,
    })),
  ];
}

/**
 * Names a threshold refers to that the gateway does not serve: provider ids that are not
 * configured, model keys no provider offers. A start-up error lists them.
 */
export function unknownCostSubjects(
  config: CostAlertsConfig,
  known: { providers: ReadonlySet<string>; models: ReadonlySet<string> },
): string[] {
  const unknown = (prefix: string, names: string[], set: ReadonlySet<string>) =>
    names.filter((name) => !set.has(name)).map((name) => `${prefix}.${name}`);
  return [
    ...unknown(
      'costAlerts.dailySpendUsd.providers',
      Object.keys(config.dailySpendUsd.providers),
      known.providers,
    ),
    ...unknown(
      'costAlerts.dailySpendUsd.models',
      Object.keys(config.dailySpendUsd.models),
      known.models,
    ),
    ...unknown('costAlerts.creditBelowUsd', Object.keys(config.creditBelowUsd), known.providers),
  ];
}

/** The scope and subject an alert key names (the inverse of {@link listCostThresholds}). */
export function parseAlertKey(alertKey: string): { scope: CostScope; subject: string } {
  if (alertKey.startsWith('credit:'))
    return { scope: CostScope.credit, subject: alertKey.slice('credit:'.length) };
  const [, scope = '', ...subject] = alertKey.split(':');
  const known = Object.values(CostScope).find((entry) => entry === scope);
  return { scope: known ?? CostScope.provider, subject: subject.join(':') };
}
