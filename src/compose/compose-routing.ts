import type { Config } from '../config/config-schema.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { ControlPlane } from '../routing/control-plane/control-plane.js';
import { OfferingAvailability } from '../routing/control-plane/offering-availability.js';
import { ProviderAdmin } from '../routing/control-plane/provider-admin.js';
import { ProviderHealthService } from '../routing/provider-health.js';
import { Router } from '../routing/router.js';
import type { Database } from '../store/database.js';

export interface RoutingLayer {
  /** Live routing settings (weights, chains, switches) from `feature_flags`. */
  controlPlane: ControlPlane;
  health: ProviderHealthService;
  router: Router;
  /** Enables, disables and re-keys providers at run time (admin API). */
  providerAdmin: ProviderAdmin;
  /** Offerings marked unavailable after their provider refused the model (retired models). */
  offerings: OfferingAvailability;
}

/** The router and its live inputs: control plane settings and provider health. */
export function composeRouting(
  config: Config,
  dependencies: {
    database: Database;
    instances: ProviderInstances;
    alerts: AlertSink;
    logger: Logger;
    now: () => number;
  },
): RoutingLayer {
  const { database, instances, alerts, logger, now } = dependencies;
  const controlPlane = new ControlPlane({
    database,
    instances,
    defaults: config.routing,
    reloadIntervalMs: config.routing.reloadIntervalSeconds * 1000,
    logger,
  });
  const health = new ProviderHealthService({
    instances,
    database,
    config: config.health,
    alerts,
    logger,
    now,
  });
  const offerings = new OfferingAvailability({ controlPlane, alerts, logger, now });
  return {
    controlPlane,
    health,
    offerings,
    router: new Router(instances, { controlPlane, health, offerings }),
    providerAdmin: new ProviderAdmin(controlPlane, instances, logger),
  };
}
