import type { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import type { Config } from '../config/config-schema.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { RolloutController } from '../rollout/rollout-controller.js';
import { RolloutService } from '../rollout/rollout-service.js';
import { RolloutStore } from '../rollout/rollout-store.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';

export interface RolloutsLayer {
  rollouts: RolloutService;
  /** Evaluates guardrails and moves stages; one instance at a time holds its lease. */
  rolloutController: RolloutController;
}

export function composeRollouts(
  config: Config,
  dependencies: {
    store: StoreLayer;
    routing: RoutingLayer;
    instances: ProviderInstances;
    alerts: AlertSink;
    analytics: AnalyticsRecorder;
    logger: Logger;
    now: () => number;
    /**
     * The clock rollout stages and decisions are stamped with, when one is injected (tests);
     * otherwise the database's, so that every instance agrees on when a stage began.
     */
    stageClock: (() => number) | undefined;
  },
): RolloutsLayer {
  const { store, routing, instances, alerts, analytics, logger, now, stageClock } = dependencies;
  const rollouts = new RolloutService({
    store: new RolloutStore(store.database, stageClock),
    controlPlane: routing.controlPlane,
    instances,
    alerts,
    logger,
    defaults: config.rollouts.defaults,
    now,
  });
  const rolloutController = new RolloutController({
    database: store.database,
    service: rollouts,
    analytics,
    logger,
    tickMs: config.rollouts.tickSeconds * 1000,
    leaseMs: config.rollouts.leaseSeconds * 1000,
    now,
  });
  return { rollouts, rolloutController };
}
