import type { CandidateStats } from '../strategies/routing-strategy.js';
import { RollingWindow } from './rolling-window.js';
import type { RollingWindowOptions, WindowSummary } from './rolling-window.js';

/** One finished provider call, as the job worker reports it. */
export interface ProviderOutcome {
  /** Provider instance id. */
  provider: string;
  /** Model id as the gateway names it; omit for outcomes not tied to a model. */
  model?: string;
  /** Whether the call succeeded. */
  ok: boolean;
  /** Time the call took, in ms (failures included: a timeout is latency the user waited). */
  latencyMs: number;
  /** When it finished, in epoch ms. */
  now: number;
}

/** Health of one model on a provider, in a {@link HealthSnapshot}. */
export interface ModelHealth {
  /** Model id. */
  model: string;
  /** Its window summary. */
  summary: WindowSummary;
}

/** Health of one provider, in a {@link HealthSnapshot}. */
export interface ProviderHealth {
  /** Provider instance id. */
  provider: string;
  /** Calls running now. */
  inFlight: number;
  /** All outcomes of the provider, whatever the model. */
  summary: WindowSummary;
  /** Per-model summaries, sorted by model id. */
  models: ModelHealth[];
}

/** Every provider seen so far, sorted by id: the data behind `/api/health` and metrics. */
export type HealthSnapshot = ProviderHealth[];

/** Options of a {@link HealthTracker}. */
export interface HealthTrackerOptions {
  /** Window used for every provider and (provider, model) pair. Default 10 s buckets × 5 min. */
  window?: RollingWindowOptions;
}

/**
 * Passive health: success rate, latency and in-flight count per provider and per
 * (provider, model), learned from real traffic rather than probes. A provider's failures on one
 * model also count against the provider, because most failures (auth, credit, outage) are
 * provider-wide; the per-model view lets the router tell a single broken model apart.
 *
 * Memory is bounded by the number of providers and models (each window is fixed-size).
 *
 * @example
 * tracker.started('fal');
 * // … call the provider …
 * tracker.finished('fal');
 * tracker.recordOutcome({ provider: 'fal', model: 'flux-pro', ok: true, latencyMs: 2_400, now });
 * tracker.stats('fal', now); // → { inFlight, successRate, p95LatencyMs, samples }
 */
export class HealthTracker {
  private readonly windowOptions: RollingWindowOptions;
  private readonly providerWindows = new Map<string, RollingWindow>();
  private readonly modelWindows = new Map<string, Map<string, RollingWindow>>();
  private readonly inFlight = new Map<string, number>();

  constructor(options: HealthTrackerOptions = {}) {
    this.windowOptions = { ...options.window };
    // Fail at construction, not on the first outcome, when the window options are invalid.
    new RollingWindow(this.windowOptions);
  }

  /** Records one finished call against the provider and, when given, its model. */
  recordOutcome(outcome: ProviderOutcome): void {
    this.providerWindow(outcome.provider).record(outcome.now, outcome.ok, outcome.latencyMs);
    if (outcome.model !== undefined) {
      this.modelWindow(outcome.provider, outcome.model).record(
        outcome.now,
        outcome.ok,
        outcome.latencyMs,
      );
    }
  }

  /** A call to `provider` began; pair every call with exactly one {@link finished}. */
  started(provider: string): void {
    this.inFlight.set(provider, (this.inFlight.get(provider) ?? 0) + 1);
  }

  /**
   * A call to `provider` ended (whatever its outcome).
   *
   * @throws Error when there is no matching {@link started}: an unpaired call is a bug that
   * would otherwise skew `least_loaded` for the life of the process.
   */
  finished(provider: string): void {
    const count = this.inFlight.get(provider) ?? 0;
    if (count === 0) throw new Error(`finished('${provider}') without a matching started()`);
    this.inFlight.set(provider, count - 1);
  }

  /** Live figures of a provider across all its models. */
  stats(provider: string, now: number): CandidateStats;
  /** Live figures of one model on a provider (in-flight is always provider-wide). */
  stats(provider: string, model: string, now: number): CandidateStats;
  stats(provider: string, modelOrNow: string | number, maybeNow?: number): CandidateStats {
    const model = typeof modelOrNow === 'string' ? modelOrNow : undefined;
    const now = typeof modelOrNow === 'number' ? modelOrNow : maybeNow;
    if (now === undefined || !Number.isFinite(now)) {
      throw new RangeError(`now must be finite, got ${String(now)}`);
    }
    const window =
      model === undefined
        ? this.providerWindows.get(provider)
        : this.modelWindows.get(provider)?.get(model);
    const summary = window?.summary(now) ?? emptySummary();
    return {
      inFlight: this.inFlight.get(provider) ?? 0,
      successRate: summary.successRate,
      p95LatencyMs: summary.p95LatencyMs,
      samples: summary.requests,
    };
  }

  /** Every provider that has reported an outcome or a call, with its models, at `now`. */
  snapshot(now: number): HealthSnapshot {
    const providers = new Set([...this.providerWindows.keys(), ...this.inFlight.keys()]);
    return [...providers].sort().map((provider) => {
      const models = this.modelWindows.get(provider) ?? new Map<string, RollingWindow>();
      return {
        provider,
        inFlight: this.inFlight.get(provider) ?? 0,
        summary: this.providerWindows.get(provider)?.summary(now) ?? emptySummary(),
        models: [...models]
          .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
          .map(([model, window]) => ({ model, summary: window.summary(now) })),
      };
    });
  }

  private providerWindow(provider: string): RollingWindow {
    let window = this.providerWindows.get(provider);
    if (window === undefined) {
      window = new RollingWindow(this.windowOptions);
      this.providerWindows.set(provider, window);
    }
    return window;
  }

  private modelWindow(provider: string, model: string): RollingWindow {
    let models = this.modelWindows.get(provider);
    if (models === undefined) {
      models = new Map();
      this.modelWindows.set(provider, models);
    }
    let window = models.get(model);
    if (window === undefined) {
      window = new RollingWindow(this.windowOptions);
      models.set(model, window);
    }
    return window;
  }
}

/** The summary of a provider or model with no outcomes yet. */
function emptySummary(): WindowSummary {
  return { requests: 0, failures: 0, successRate: null, p50LatencyMs: null, p95LatencyMs: null };
}
