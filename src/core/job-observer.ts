import type { TerminalJobStatus } from './job.js';

/** What happened to one provider call, for health tracking, metrics and routing analytics. */
export interface AttemptOutcome {
  /** The job's id (`gen_…`). */
  jobId: string;
  /** Provider instance id. */
  provider: string;
  /** Catalog key. */
  model: string;
  /** `submit`: the provider accepted or refused; `result`: the generation finished. */
  phase: 'submit' | 'result';
  ok: boolean;
  /** Error code when not ok. */
  errorCode?: string;
  /** Whether the failure was the provider's (counts against its health) rather than the client's. */
  providerFault: boolean;
  /**
   * The call used the caller's own provider key: its outcome (a bad key, an empty account) is
   * about the caller's account, not the operator's, and must not move the provider's health.
   */
  callerKey?: boolean;
  /** Duration of the call (submit) or from submission to result (result). */
  latencyMs: number;
  /** USD, for results. */
  costUsd?: number;
  /** End user, when known. */
  user?: string;
  /** Strategy that ordered the candidates (submit phase). */
  strategy?: string;
  /** Candidate providers in the order tried (submit phase). */
  candidates?: string[];
}

/** A job reached a terminal state. */
export interface JobOutcome {
  /** The job's id (`gen_…`). */
  jobId: string;
  /** The terminal state it reached. */
  status: TerminalJobStatus;
  /** Provider instance that served it last; null when it never reached one. */
  provider: string | null;
  /** Catalog key. */
  model: string;
  /** End user, when known. */
  user?: string;
  /** From creation to terminal state. */
  latencyMs: number;
  /** Actual cost in USD; null when unknown (failed before a provider priced it). */
  costUsd: number | null;
  /** Error code when not succeeded. */
  errorCode?: string;
  /** Number of stored outputs. */
  outputs: number;
}

/** Hooks the routing, metrics and rollout modules attach to the job engine. */
export interface JobObserver {
  /** A provider call ended (accepted or refused at submit; finished or failed as a result). */
  attemptFinished?(outcome: AttemptOutcome): void;
  /** A job reached a terminal state. */
  jobFinished?(outcome: JobOutcome): void;
  /** A job was accepted (its row is committed). */
  jobCreated?(job: { jobId: string; model: string; user?: string }): void;
}
