import type { HealthCheckResult } from '../core/provider-adapter.js';
import type { Config } from '../config/config-schema.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { AttemptOutcome, JobObserver } from '../core/job-observer.js';
import type { AlertSink } from '../observability/alert-sink.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { Database } from '../store/database.js';
import { GenerationRepository } from '../store/repositories/generation-repository.js';
import { CircuitBreaker, type CircuitState } from './health/circuit-breaker.js';
import { CreditState } from './health/credit-state.js';
import { HealthTracker } from './health/health-tracker.js';
import type { CandidateStats } from './strategies/routing-strategy.js';

/** Why a provider is held back by health. */
export type HealthHold = 'circuit_open' | 'out_of_credit';

/** A provider's health as `/api/health` and the admin API show it. */
export interface ProviderHealthView {
  ok: boolean;
  latency_ms: number | null;
  error: string | null;
  configured: boolean;
  enabled: boolean;
  deprecated: boolean;
  circuit: CircuitState;
  credits: 'ok' | 'exhausted' | 'unknown';
  success_rate: number | null;
  p95_latency_ms: number | null;
  in_flight: number;
  last_check_at: string | null;
}

export interface ProviderHealthOptions {
  instances: ProviderInstances;
  /** Where in-flight counts per provider are read (every second). */
  database: Database;
  config: Config['health'];
  alerts: AlertSink;
  logger: Logger;
  now?: () => number;
}

/**
 * Health per provider, from real traffic (rolling success rate and latency, circuit breakers)
 * and from periodic cheap checks (never a billable generation). Out of credit is sticky until a
 * check passes or a generation succeeds, and raises an alert.
 */
export class ProviderHealthService implements JobObserver {
  readonly tracker: HealthTracker;
  readonly credits = new CreditState();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly lastChecks = new Map<string, HealthCheckResult & { at: number }>();
  private inFlight: Record<string, number> = {};
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private readonly generations: GenerationRepository;

  constructor(private readonly options: ProviderHealthOptions) {
    this.now = options.now ?? Date.now;
    this.generations = new GenerationRepository(options.database);
    this.tracker = new HealthTracker({ window: { spanMs: options.config.windowSeconds * 1000 } });
  }

  start(): void {
    const interval = this.options.config.checkIntervalSeconds;
    if (interval > 0) {
      void this.runChecks();
      const timer = setInterval(() => void this.runChecks(), interval * 1000);
      timer.unref();
      this.timers.push(timer);
    }
    void this.refreshInFlight();
    const refresher = setInterval(() => void this.refreshInFlight(), 1000);
    refresher.unref();
    this.timers.push(refresher);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  attemptFinished(outcome: AttemptOutcome): void {
    const now = this.now();
    // A client's mistake says nothing about the provider's health; nor does a call on the
    // caller's own key (a bad key, an empty account are that caller's, not the operator's).
    if (outcome.callerKey) return;
    if (!outcome.ok && !outcome.providerFault) return;
    this.tracker.recordOutcome({
      provider: outcome.provider,
      model: outcome.model,
      ok: outcome.ok,
      latencyMs: outcome.latencyMs,
      now,
    });
    const breaker = this.breaker(outcome.provider);
    const before = breaker.state(now);
    if (outcome.ok) breaker.recordSuccess(now);
    else breaker.recordFailure(now);
    const after = breaker.state(now);
    if (after === 'open' && before !== 'open') {
      void this.options.alerts.raise({
        type: 'circuit_opened',
        severity: 'warning',
        message: `Circuit opened for provider ${outcome.provider} after repeated failures (last: ${outcome.errorCode ?? 'unknown'}); traffic moves to other providers.`,
        details: { provider: outcome.provider, ...breaker.describe(now) },
      });
    } else if (after === 'closed' && before !== 'closed') {
      this.options.logger.info({ provider: outcome.provider }, 'circuit closed');
    }
    if (outcome.errorCode === 'provider_insufficient_credits')
      this.markOutOfCredit(outcome.provider, 'a request was refused for insufficient credits');
    else if (outcome.ok && this.credits.isExhausted(outcome.provider))
      this.markCreditRestored(outcome.provider, 'a request succeeded');
  }

  /** Whether health holds a provider back now; consumes the half-open probe when it lets one through. */
  hold(provider: string): HealthHold | undefined {
    if (this.credits.isExhausted(provider)) return 'out_of_credit';
    if (!this.breaker(provider).allowRequest(this.now())) return 'circuit_open';
    return undefined;
  }

  stats(provider: string, model?: string): CandidateStats {
    const now = this.now();
    const stats = model
      ? this.tracker.stats(provider, model, now)
      : this.tracker.stats(provider, now);
    return { ...stats, inFlight: this.inFlight[provider] ?? 0 };
  }

  circuit(provider: string): CircuitState {
    return this.breaker(provider).state(this.now());
  }

  /** Operator override of a breaker. */
  forceCircuit(provider: string, state: 'open' | 'closed'): void {
    if (state === 'open') this.breaker(provider).forceOpen(this.now());
    else this.breaker(provider).forceClose(this.now());
  }

  /** Runs every provider's cheap check now. */
  async runChecks(): Promise<{ provider: string; result: HealthCheckResult }[]> {
    const results = await Promise.all(
      this.options.instances.list().map(async ({ adapter }) => {
        const started = this.now();
        let result: HealthCheckResult;
        try {
          result = await callWithTimeout(
            adapter.id,
            10_000,
            AbortSignal.timeout(15_000),
            (signal) => adapter.healthCheck({ signal }),
          );
        } catch (error) {
          result = {
            ok: false,
            latencyMs: this.now() - started,
            error: error instanceof Error ? error.message : String(error),
          };
        }
        this.lastChecks.set(adapter.id, { ...result, at: this.now() });
        if (result.credits?.exhausted)
          this.markOutOfCredit(
            adapter.id,
            result.error ?? 'the health check reports an exhausted balance',
          );
        else if (result.ok && this.credits.isExhausted(adapter.id))
          this.markCreditRestored(adapter.id, 'the health check passed');
        return { provider: adapter.id, result };
      }),
    );
    return results;
  }

  /**
   * The remaining balances the last health checks reported (providers that expose one), with
   * when each was read; cost alerts compare them with `costAlerts.creditBelowUsd`.
   */
  creditReadings(): { provider: string; remainingUsd: number; at: number }[] {
    const readings: { provider: string; remainingUsd: number; at: number }[] = [];
    for (const [provider, check] of this.lastChecks) {
      const remainingUsd = check.credits?.remainingUsd;
      if (remainingUsd !== undefined) readings.push({ provider, remainingUsd, at: check.at });
    }
    return readings;
  }

  /** Every configured provider, for `/api/health`. */
  describe(): Record<string, ProviderHealthView> {
    const view: Record<string, ProviderHealthView> = {};
    for (const { adapter, enabled } of this.options.instances.list()) {
      const check = this.lastChecks.get(adapter.id);
      const stats = this.stats(adapter.id);
      const circuit = this.circuit(adapter.id);
      const exhausted = this.credits.isExhausted(adapter.id);
      const problems = [
        !enabled ? 'disabled' : undefined,
        circuit === 'open' ? 'circuit open' : undefined,
        exhausted ? `out of credit (${this.credits.describe(adapter.id).reason})` : undefined,
        check && !check.ok ? (check.error ?? 'health check failed') : undefined,
      ].filter((problem): problem is string => problem !== undefined);
      view[adapter.id] = {
        ok: problems.length === 0,
        latency_ms: check?.latencyMs ?? stats.p95LatencyMs,
        error: problems.length ? problems.join('; ') : null,
        configured: true,
        enabled,
        deprecated: adapter.models.length > 0 && adapter.models.every((model) => model.deprecated),
        circuit,
        credits: exhausted ? 'exhausted' : check?.credits || stats.samples > 0 ? 'ok' : 'unknown',
        success_rate: stats.successRate,
        p95_latency_ms: stats.p95LatencyMs,
        in_flight: stats.inFlight,
        last_check_at: check ? new Date(check.at).toISOString() : null,
      };
    }
    return view;
  }

  private markOutOfCredit(provider: string, reason: string): void {
    if (this.credits.isExhausted(provider)) return;
    this.credits.markExhausted(provider, this.now(), reason);
    void this.options.alerts.raise({
      type: 'provider_out_of_credit',
      severity: 'critical',
      message: `Provider ${provider} is out of credit (${reason}); it is tried only after every other provider until a check passes. Top up its balance.`,
      details: { provider, reason },
    });
  }

  private markCreditRestored(provider: string, reason: string): void {
    this.credits.markAvailable(provider, this.now());
    void this.options.alerts.raise({
      type: 'provider_credit_restored',
      severity: 'info',
      message: `Provider ${provider} has credit again (${reason}).`,
      details: { provider },
    });
  }

  private breaker(provider: string): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      const config = this.options.config.breaker;
      breaker = new CircuitBreaker({
        consecutiveFailures: config.consecutiveFailures,
        failureRatio: config.failureRatio,
        minimumRequests: config.minimumRequests,
        windowMs: config.windowSeconds * 1000,
        cooldownMs: config.cooldownSeconds * 1000,
      });
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }

  private async refreshInFlight(): Promise<void> {
    try {
      this.inFlight = await this.generations.countInFlightByProvider();
    } catch (error) {
      this.options.logger.debug({ error: (error as Error).message }, 'in-flight refresh failed');
    }
  }
}
