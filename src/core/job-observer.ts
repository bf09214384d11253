/** What happened to one provider call, for health tracking, metrics and routing analytics. */
export interface AttemptOutcome {
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
  jobId: string;
  status: 'succeeded' | 'failed' | 'canceled';
  provider: string | null;
  model: string;
  user?: string;
  /** From creation to terminal state. */
  latencyMs: number;
  costUsd: number | null;
  errorCode?: string;
  outputs: number;
}

/** Hooks the routing, metrics and rollout modules attach to the job engine. */
export interface JobObserver {
  attemptFinished?(outcome: AttemptOutcome): void;
  jobFinished?(outcome: JobOutcome): void;
  jobCreated?(job: { jobId: string; model: string; user?: string }): void;
}
