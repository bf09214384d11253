/** The admin and public API shapes the dashboard reads (docs/operations.md). */

export type Circuit = 'closed' | 'open' | 'half_open';

export interface LiveHealth {
  ok: boolean;
  latency_ms: number | null;
  error: string | null;
  configured: boolean;
  enabled: boolean;
  deprecated: boolean;
  circuit: Circuit;
  credits: 'ok' | 'exhausted' | 'unknown';
  success_rate?: number | null;
  p95_latency_ms?: number | null;
  in_flight?: number;
  last_check_at?: string | null;
}

export interface ProviderMetrics {
  provider: string;
  routed: number;
  share: number | null;
  successes: number;
  failures: number;
  failure_rate: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  cost_usd: number;
  cost_per_output_usd: number | null;
  live?: LiveHealth;
}

export interface RoutingMetrics {
  window_seconds: number;
  providers: ProviderMetrics[];
}

export interface SeriesEntry {
  routed: number[];
  successes: number[];
  failures: number[];
  success_rate: (number | null)[];
  p95_latency_ms: (number | null)[];
  cost_usd: number[];
}

export interface AnalyticsSeries {
  window_seconds: number;
  step_seconds: number;
  steps: string[];
  providers: Record<string, SeriesEntry>;
}

export interface ProviderInstance {
  id: string;
  type: string;
  enabled: boolean;
  models: string[];
  circuit: Circuit;
  credits: string;
  profile?: Record<string, unknown>;
}

export interface RoutingSettings {
  strategy: string;
  strategy_explicit: boolean;
  chain: string[];
  primary: string | null;
  weights: Record<string, number> | null;
  models: Record<string, unknown>;
  provider_switches: Record<string, boolean>;
  errors: string[];
}

export interface Alert {
  id: string;
  alert_type: string;
  severity: 'critical' | 'warning' | 'info';
  message: string;
  details: Record<string, unknown>;
  created_at: string;
  delivery_status: string | null;
}

export interface AuditEntry {
  id: number;
  flag_key: string;
  action: string;
  old_value: { flag_value: boolean; flag_value_text: string | null } | null;
  new_value: { flag_value: boolean; flag_value_text: string | null } | null;
  actor: string;
  reason: string | null;
  changed_at: string;
}

export interface GuardrailResult {
  name: string;
  limit: number;
  value: number | null;
  status: 'pass' | 'breach' | 'inconclusive' | 'disabled';
  samples: number;
  minSamples: number;
  baselineValue: number | null;
  windowSeconds: number;
}

/** Canary against baseline over the stage so far (docs/adr/0009). */
export interface ArmComparison {
  name: string;
  test: 'mann_whitney_u' | 'two_proportions';
  status: 'worse' | 'no_evidence' | 'inconclusive' | 'disabled';
  /** Ranks: P(canary value > baseline value); rates: difference in points. */
  effect: number | null;
  lowerBound: number | null;
  pValue: number | null;
  fixedPValue: number | null;
  alpha: number;
  canaryValue: number | null;
  baselineValue: number | null;
  canarySamples: number;
  baselineSamples: number;
}

export interface RolloutDecision {
  id: number;
  at: string;
  decision: string;
  stage: number;
  weights: Record<string, number> | null;
  details: {
    decision?: string;
    reason?: string;
    guardrails?: GuardrailResult[];
    [key: string]: unknown;
  } | null;
  actor: string;
}

export interface RolloutStage {
  weight: number;
  minDurationSeconds: number;
}

/** One shadow copy: what the canary answered for a client job the baseline served. */
export interface ShadowJob {
  id: string;
  client_job_id: string;
  status: string;
  provider: string | null;
  model: string;
  cost_usd: number | null;
  outputs: { asset_id: string; url: string }[];
  error_code: string | null;
  created_at: string;
}

/** The shadow stage before the first live stage: copies to the canary, under a USD budget. */
export interface RolloutShadow {
  status: 'running' | 'ended';
  outcome: 'promoted' | 'paused' | 'resumed' | 'rolled_back' | null;
  fraction: number;
  budget_usd: number;
  duration_seconds: number | null;
  started_at: string;
  ended_at: string | null;
  copies: number;
  reserved_usd: number;
  spent_usd: number;
  budget_spent_at: string | null;
  succeeded: number;
  failed: number;
  unfinished: number;
  recent_jobs: ShadowJob[];
}

export interface Rollout {
  id: string;
  status: 'active' | 'paused' | 'completed' | 'rolled_back';
  /** `model`: baseline and canary are models (from_model → to_model), not providers. */
  kind?: 'provider' | 'model';
  baseline: string;
  canary: string;
  model: string | null;
  stage: {
    /** `shadow`: before the first live stage, the canary gets copies only. */
    phase?: 'shadow' | 'live';
    index: number;
    number: number;
    of: number;
    canary_weight: number;
    min_duration_seconds: number;
    started_at: string;
  };
  weights: Record<string, number>;
  observed_split: { since: string; requests: number; [provider: string]: number | string | null };
  guardrails: GuardrailResult[] | null;
  comparisons?: ArmComparison[] | null;
  /** The shadow stage, when the plan has one. */
  shadow?: RolloutShadow | null;
  last_evaluated_at: string | null;
  plan: {
    stages: RolloutStage[];
    guardrails: Record<
      string,
      { enabled: boolean; limit: number; windowSeconds: number; minSamples: number }
    >;
    intervalSeconds: number;
    breachConfirmations: number;
    statistics?: { enabled: boolean; alpha: number; power: number };
  };
  reason: string | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
  decisions: RolloutDecision[];
}

export interface JobOutput {
  url: string;
  asset_id: string;
  mime_type: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration: number | null;
}

export interface JobAttempt {
  id: string;
  provider: string;
  provider_model_id: string;
  provider_job_id: string | null;
  status: string;
  started_at: string;
  ended_at: string | null;
  error: { code: string; message: string } | null;
  cost_usd: number | null;
}

export type JobStatus = 'queued' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface Job {
  id: string;
  status: JobStatus;
  kind: string;
  task: string;
  model: string;
  provider: string | null;
  prompt: string;
  user: string | null;
  progress: number | null;
  outputs: JobOutput[];
  cost: { estimated_usd: number | null; actual_usd: number | null };
  error: { code: string; message: string } | null;
  warnings: { code?: string; message?: string }[];
  attempts: JobAttempt[];
  webhook: {
    url: string;
    status: 'pending' | 'delivered' | 'failed';
    deliveries: {
      attempt: number;
      at: string;
      status_code: number | null;
      error: string | null;
      ok: boolean;
      duration_ms: number;
    }[];
  } | null;
  regenerated_from: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface List<T> {
  object: 'list';
  data: T[];
  next_cursor?: string | null;
  has_more?: boolean;
}
