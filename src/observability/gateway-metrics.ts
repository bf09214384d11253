import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptOutcome, JobObserver, JobOutcome } from '../core/job-observer.js';
import { JobStatus } from '../core/job.js';

const latencyBuckets = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600, 1800];

/** Live figures the metrics read at scrape time. */
export interface MetricsSources {
  /** Jobs per status (from the database, cached briefly). */
  jobsByStatus(): Promise<Record<string, number>>;
  /** Per provider: in flight, circuit state, credits. */
  providers(): {
    provider: string;
    inFlight: number;
    circuit: 'closed' | 'half_open' | 'open';
    creditsExhausted: boolean;
    enabled: boolean;
  }[];
}

const circuitValue = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Prometheus metrics for one gateway (own registry, so several gateways can live in one test
 * process). Request counters and histograms are fed by the job observer; gauges are read from
 * live sources at scrape time.
 */
export class GatewayMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly attempts: Counter<'provider' | 'model' | 'phase' | 'outcome'>;
  private readonly failures: Counter<'provider' | 'model' | 'code'>;
  private readonly providerLatency: Histogram<'provider' | 'model'>;
  private readonly jobs: Counter<'model' | 'status'>;
  private readonly jobLatency: Histogram<'model' | 'status'>;
  private readonly cost: Counter<'provider' | 'model'>;
  readonly routingDecisions: Counter<'strategy' | 'provider'>;
  readonly alerts: Counter<'type'>;
  readonly controlPlaneChanges: Counter;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_process_' });
    this.attempts = new Counter({
      name: 'switchyard_provider_requests_total',
      help: 'Provider calls by phase (submit, result) and outcome',
      labelNames: ['provider', 'model', 'phase', 'outcome'],
      registers,
    });
    this.failures = new Counter({
      name: 'switchyard_provider_failures_total',
      help: 'Provider failures by error code',
      labelNames: ['provider', 'model', 'code'],
      registers,
    });
    this.providerLatency = new Histogram({
      name: 'switchyard_provider_latency_seconds',
      help: 'From provider acceptance to result',
      labelNames: ['provider', 'model'],
      buckets: latencyBuckets,
      registers,
    });
    this.jobs = new Counter({
      name: 'switchyard_jobs_finished_total',
      help: 'Jobs reaching a terminal state',
      labelNames: ['model', 'status'],
      registers,
    });
    this.jobLatency = new Histogram({
      name: 'switchyard_job_latency_seconds',
      help: 'From job creation to terminal state',
      labelNames: ['model', 'status'],
      buckets: latencyBuckets,
      registers,
    });
    this.cost = new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Recorded cost in USD',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.routingDecisions = new Counter({
      name: 'switchyard_routing_decisions_total',
      help: 'Routing decisions by strategy and first choice',
      labelNames: ['strategy', 'provider'],
      registers,
    });
    this.alerts = new Counter({
      name: 'switchyard_alerts_total',
      help: 'Alerts raised',
      labelNames: ['type'],
      registers,
    });
    this.controlPlaneChanges = new Counter({
      name: 'switchyard_control_plane_changes_total',
      help: 'Routing settings changes applied by this instance',
      registers,
    });
    new Gauge({
      name: 'switchyard_jobs',
      help: 'Jobs by status (whole database)',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = await sources.jobsByStatus();
        for (const status of Object.values(JobStatus)) this.set({ status }, counts[status] ?? 0);
      },
    });
    type ProviderState = ReturnType<MetricsSources['providers']>[number];
    // One gauge per provider figure, read from the live sources at scrape time.
    const providerGauge = (
      name: string,
      help: string,
      value: (provider: ProviderState) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['provider'],
        registers,
        collect() {
          for (const provider of sources.providers())
            this.set({ provider: provider.provider }, value(provider));
        },
      });
    providerGauge(
      'switchyard_provider_in_flight',
      'Jobs accepted by the provider and not finished',
      (provider) => provider.inFlight,
    );
    providerGauge(
      'switchyard_provider_circuit_state',
      'Circuit breaker state: 0 closed, 1 half open, 2 open',
      (provider) => circuitValue[provider.circuit],
    );
    providerGauge(
      'switchyard_provider_credits_exhausted',
      '1 when the provider is out of credit',
      (provider) => (provider.creditsExhausted ? 1 : 0),
    );
    providerGauge(
      'switchyard_provider_enabled',
      '1 when the provider is switched on',
      (provider) => (provider.enabled ? 1 : 0),
    );
  }

  attemptFinished(outcome: AttemptOutcome): void {
    this.attempts.inc({
      provider: outcome.provider,
      model: outcome.model,
      phase: outcome.phase,
      outcome: outcome.ok ? 'ok' : 'error',
    });
    if (!outcome.ok)
      this.failures.inc({
        provider: outcome.provider,
        model: outcome.model,
        code: outcome.errorCode ?? 'unknown',
      });
    if (outcome.phase === 'result' && outcome.ok)
      this.providerLatency.observe(
        { provider: outcome.provider, model: outcome.model },
        outcome.latencyMs / 1000,
      );
    if (outcome.costUsd)
      this.cost.inc({ provider: outcome.provider, model: outcome.model }, outcome.costUsd);
  }

  jobFinished(outcome: JobOutcome): void {
    this.jobs.inc({ model: outcome.model, status: outcome.status });
    this.jobLatency.observe(
      { model: outcome.model, status: outcome.status },
      outcome.latencyMs / 1000,
    );
  }
}
