import type { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import type { Config } from '../config/config-schema.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { RolloutController } from '../rollout/rollout-controller.js';
import { RolloutService } from '../rollout/rollout-service.js';
import { RolloutStore } from '../rollout/rollout-store.js';
import { ShadowCopier } from '../rollout/shadow-copier.js';
import { BatchedJobWriter } from '../jobs/batched-job-writer.js';
import { ShadowJobWriter } from '../jobs/shadow-job-writer.js';
import type { JobsLayer } from './compose-jobs.js';
import type { RoutingLayer } from './compose-routing.js';
import type { StoreLayer } from './compose-store.js';

export interface RolloutsLayer {
  rollouts: RolloutService;
  /** Evaluates guardrails and moves stages; one instance at a time holds its lease. */
  rolloutController: RolloutController;
  /** Copies sampled client jobs to the canary of a rollout in its shadow stage. */
  shadowCopier: ShadowCopier;
}

export function composeRollouts(
  config: Config,
  dependencies: {
    store: StoreLayer;
    routing: RoutingLayer;
    jobs: JobsLayer;
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
    /** The shadow stage's sampling draw (tests inject a seeded one). */
    random?: () => number;
  },
): RolloutsLayer {
  const { store, routing, jobs, instances, alerts, analytics, logger, now, stageClock } =
    dependencies;
  const rolloutStore = new RolloutStore(store.database, stageClock);
  // Copies are written like the API's new jobs (its pool), in their own batches: a copy never
  // joins the transaction of the client job it copies, which is already committed.
  const shadowCopier = new ShadowCopier({
    store: rolloutStore,
    writer: new ShadowJobWriter(
      new BatchedJobWriter(store.apiDatabase, store.apiRepository, jobs.queue),
      routing.router,
      config.jobs,
      now,
    ),
    logger,
    random: dependencies.random,
  });
  const rollouts = new RolloutService({
    store: rolloutStore,
    changed: () => shadowCopier.forget(),
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
  return { rollouts, rolloutController, shadowCopier };
}
