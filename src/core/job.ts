import type { GenerationRequest } from './generation-request.js';
import type { Warning } from './warning.js';

/** Job lifecycle states. `succeeded`, `failed` and `canceled` are terminal. */
export const JobStatus = {
  queued: 'queued',
  submitted: 'submitted',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** The states a job ends in. */
export type TerminalJobStatus =
  typeof JobStatus.succeeded | typeof JobStatus.failed | typeof JobStatus.canceled;

/** The terminal states as a set, for membership tests. */
export const terminalJobStatuses: ReadonlySet<JobStatus> = new Set<TerminalJobStatus>([
  JobStatus.succeeded,
  JobStatus.failed,
  JobStatus.canceled,
]);

/** Whether a job in `status` has ended (no worker will touch it again). */
export function isTerminal(status: JobStatus): status is TerminalJobStatus {
  return terminalJobStatuses.has(status);
}

/** Attempt lifecycle: one submission of a job to one provider. */
export const AttemptStatus = {
  /** Recorded before the provider call; if the process dies here the outcome is unknown. */
  submitting: 'submitting',
  /** The provider accepted it. */
  submitted: 'submitted',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
} as const;
export type AttemptStatus = (typeof AttemptStatus)[keyof typeof AttemptStatus];

/** An error as stored on jobs and attempts. */
export interface JobError {
  /** Stable machine code. */
  code: string;
  /** Human message. */
  message: string;
  /** Extra safe details (per-provider reasons for `all_providers_failed`). */
  details?: Record<string, unknown>;
}

/** One submission of a job to one provider. */
export interface Attempt {
  /** Attempt id; also the idempotency key sent to providers that accept one. */
  id: string;
  /** Provider instance id. */
  provider: string;
  /** The provider's model id used. */
  providerModelId: string;
  /** The provider's job id, once accepted. */
  providerJobId: string | null;
  /** Attempt state. */
  status: AttemptStatus;
  /** When the submission started. */
  startedAt: Date;
  /** When the attempt reached a terminal state. */
  endedAt: Date | null;
  /** Error code if it failed. */
  errorCode: string | null;
  /** Error message if it failed. */
  errorMessage: string | null;
  /** Cost of this attempt in USD (provider figure or catalog), when known. */
  costUsd: number | null;
}

/** A file produced by a job, stored in the gateway's asset store. */
export interface JobOutput {
  /** Asset id; served at `/v1/assets/{assetId}`. */
  assetId: string;
  /** MIME type. */
  mimeType: string;
  /** Size in bytes. */
  bytes: number;
  /** Pixel width, when known. */
  width?: number;
  /** Pixel height, when known. */
  height?: number;
  /** Video duration in seconds, when known. */
  durationSeconds?: number;
}

/** Cost of a job in USD. */
export interface JobCost {
  /** Estimate made before submission (for the first candidate). */
  estimatedUsd: number | null;
  /** Sum of attempt costs once known. */
  actualUsd: number | null;
}

/** One outbound webhook delivery attempt. */
export interface WebhookDelivery {
  /** Delivery attempt number, from 1. */
  attempt: number;
  /** When it was tried. */
  at: Date;
  /** HTTP status returned, if any. */
  statusCode: number | null;
  /** Error text if it failed before a response. */
  error: string | null;
  /** Whether it counted as delivered (2xx). */
  ok: boolean;
  /** Round-trip in milliseconds. */
  durationMs: number;
}

/** A generation job: the durable record of one request. */
export interface Job {
  /** Job id (`gen_…`, time-sortable). */
  id: string;
  /** Current state. */
  status: JobStatus;
  /** The normalised request. */
  request: GenerationRequest;
  /** Provider instance currently (or finally) serving the job. */
  provider: string | null;
  /** Every submission, in order. */
  attempts: Attempt[];
  /** Produced files. */
  outputs: JobOutput[];
  /** Cost. */
  cost: JobCost;
  /** Terminal error. */
  error: JobError | null;
  /** Warnings (parameters adjusted by the provider, etc.). */
  warnings: Warning[];
  /** Provider progress 0–1 while running, when reported. */
  progress: number | null;
  /** Creation time (the 202). */
  createdAt: Date;
  /** Last change. */
  updatedAt: Date;
  /** When a provider first accepted it. */
  submittedAt: Date | null;
  /** When the provider reported it running. */
  startedAt: Date | null;
  /** When it reached a terminal state. */
  completedAt: Date | null;
  /** When it will be failed with `job_timeout` if still unfinished. */
  deadlineAt: Date;
  /** Idempotency key the client sent, if any. */
  idempotencyKey: string | null;
  /** Outbound webhook state when `webhook_url` was set. */
  webhook: {
    url: string;
    status: 'pending' | 'delivered' | 'failed';
    deliveries: WebhookDelivery[];
  } | null;
  /** Job this one regenerates (rollout analytics), if any. */
  regeneratedFrom: string | null;
  /** Tenant whose key created the job; null in open mode or with the admin key. */
  tenantId: string | null;
}
