import { CostAlertEvaluator, type CostAlertNotifier } from '../analytics/cost-alert-evaluator.js';
import { unknownCostSubjects } from '../analytics/cost-thresholds.js';
import type { Config } from '../config/config-schema.js';
import { ConfigError } from '../config/load-config.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';

/**
 * The cost alert evaluator. A threshold naming a provider that is not configured, or a model
 * no configured provider offers, is a start-up error naming its key: a typo would otherwise
 * silently never alert. Tenants are data (created at run time), so an unknown tenant name is
 * a logged warning instead, and its threshold applies once the tenant exists.
 */
export function composeCostAlerts(
  config: Config,
  dependencies: {
    store: StoreLayer;
    routing: RoutingLayer;
    instances: ProviderInstances;
    alerts: AlertSink;
    logger: Logger;
    now: () => number;
    notifiers?: readonly CostAlertNotifier[];
  },
): CostAlertEvaluator {
  const { store, routing, instances, alerts, logger, now, notifiers } = dependencies;
  const adapters = instances.list().map((instance) => instance.adapter);
  const unknown = unknownCostSubjects(config.costAlerts, {
    providers: new Set(adapters.map((adapter) => adapter.id)),
    models: new Set(adapters.flatMap((adapter) => adapter.models.map((model) => model.modelKey))),
  });
  if (unknown.length)
    throw new ConfigError(
      `Invalid configuration:\n${unknown
        .map(
          (key) =>
            `  ${key}: no configured provider ${key.includes('.models.') ? 'offers this model' : 'has this id'}`,
        )
        .join('\n')}`,
    );
  return new CostAlertEvaluator({
    database: store.database,
    config: config.costAlerts,
    alerts,
    logger,
    credits: () => routing.health.creditReadings(),
    notifiers,
    now,
  });
}
