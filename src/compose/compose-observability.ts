import { AnalyticsObserver } from '../analytics/analytics-observer.js';
import { AnalyticsRecorder } from '../analytics/analytics-recorder.js';
import type { Config } from '../config/config-schema.js';
import type { JobObserver } from '../core/job-observer.js';
import { CompositeJobObserver } from '../jobs/composite-job-observer.js';
import { AlertSink } from '../observability/alert-sink.js';
import { cachedFor } from '../observability/cached-for.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import type { StoreLayer } from './compose-store.js';
import type { RoutingLayer } from './compose-routing.js';

/** Alerts: a log line, a row, and a signed POST to the operator when configured. */
export function composeAlerts(config: Config, store: StoreLayer, logger: Logger): AlertSink {
  return new AlertSink({
    database: store.database,
    logger,
    webhookUrl: config.alerts.webhookUrl,
    guard: new SsrfGuard({ allowPrivate: config.alerts.allowPrivateTargets }),
    secret: () => store.webhookSecret,
  });
}

export interface ObserversLayer {
  metrics: GatewayMetrics;
  analytics: AnalyticsRecorder;
  /** What the job engine tells about every attempt and job: health, metrics, analytics. */
  observer: Required<JobObserver>;
}

/** Metrics and analytics, fed by the job engine, the router, the control plane and alerts. */
export function composeObservers(
  config: Config,
  dependencies: {
    store: StoreLayer;
    instances: ProviderInstances;
    routing: RoutingLayer;
    alerts: AlertSink;
    logger: Logger;
    now: () => number;
  },
): ObserversLayer {
  const { store, instances, routing, alerts, logger, now } = dependencies;
  const { health } = routing;
  const metrics = new GatewayMetrics({
    jobsByStatus: cachedFor(5000, () => store.repository.countByStatus()),
    providers: () =>
      instances.list().map(({ adapter, enabled }) => ({
        provider: adapter.id,
        enabled,
        inFlight: health.stats(adapter.id).inFlight,
        circuit: health.circuit(adapter.id),
        creditsExhausted: health.credits.isExhausted(adapter.id),
      })),
  });
  alerts.onAlert((alert) => metrics.alerts.inc({ type: alert.type }));
  routing.controlPlane.onChange(() => metrics.controlPlaneChanges.inc());
  routing.router.onDecision((plan) =>
    metrics.routingDecisions.inc({
      strategy: plan.strategy,
      provider: plan.candidates[0]?.providerId ?? 'none',
    }),
  );
  const analytics = new AnalyticsRecorder(store.database, {
    flushIntervalMs: config.analytics.flushIntervalMs,
    retentionDays: config.analytics.retentionDays,
    rollupBucketSeconds: config.analytics.rollupBucketSeconds,
    logger,
    now,
  });
  const observer = new CompositeJobObserver(
    [health, metrics, new AnalyticsObserver(analytics)],
    (error) => logger.error({ error }, 'job observer failed'),
  );
  return { metrics, analytics, observer };
}
