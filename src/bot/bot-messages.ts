import { JobStatus, type Job, type JobError } from '../core/job.js';

/** The gateway's error codes as a person in a chat would put them. */
const plainWords: Record<string, string> = {
  all_providers_failed: 'every provider that can make this failed; please try again later',
  budget_exceeded: "this chat's spending limit is reached",
  insufficient_quota: "this chat's balance does not cover it",
  concurrency_limit: 'too many jobs are running at once; wait for one to finish',
  job_timeout: 'it took too long and was stopped',
  no_capable_provider: 'no provider can make this right now',
  unknown_model: 'that model does not exist here',
  model_not_allowed: 'this chat may not use that model',
  provider_timeout: 'the provider did not answer in time',
  provider_generation_failed: 'the provider could not make it',
  provider_insufficient_credits: 'the provider is out of credit',
  provider_rate_limited: 'the provider is busy; please try again in a minute',
  output_storage_failed: 'the result could not be stored',
  validation_error: 'the request is not valid',
  unsupported_parameter: 'the model does not take that option',
};

/**
 * One sentence about a failure: the plain reason, then the gateway's own message (which names
 * the parameter or limit), never a stack trace or a JSON body.
 */
export function describeFailure(error: Pick<JobError, 'code' | 'message'>): string {
  const reason = plainWords[error.code];
  const detail = error.message.trim();
  if (!reason) return `Sorry, that did not work: ${detail}`;
  return `Sorry, that did not work: ${reason}.${detail ? `\n(${detail})` : ''}`;
}

const statusWords: Record<JobStatus, string> = {
  queued: '⏳ Queued',
  submitted: '📨 Sent to the provider',
  running: '🎨 Generating',
  succeeded: '✅ Done',
  failed: '❌ Failed',
  canceled: '🚫 Canceled',
};

/** Seconds with one decimal under a minute, else minutes and seconds. */
export function formatElapsed(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}

/** The progress message: what, which model, the status, the progress and elapsed time. */
export function progressText(job: Job, now: number): string {
  const what = job.request.kind === 'video' ? 'Video' : 'Image';
  const progress =
    job.progress !== null && job.status === JobStatus.running
      ? ` ${Math.round(job.progress * 100)}%`
      : '';
  const end = job.completedAt?.getTime() ?? now;
  const elapsed = formatElapsed(end - job.createdAt.getTime());
  const provider = job.provider ? ` via ${job.provider}` : '';
  return `${what} · ${job.request.model}${provider}\n${statusWords[job.status]}${progress} · ${elapsed}\nJob ${job.id}`;
}

/** One line of `/status`. */
export function statusLine(job: Job): string {
  const prompt =
    job.request.prompt.length > 40 ? `${job.request.prompt.slice(0, 39)}…` : job.request.prompt;
  return `${statusWords[job.status]} · ${job.request.model} · “${prompt}” · ${job.id}`;
}

export const helpText = [
  'I make images and videos.',
  '/image <prompt> — e.g. /image a red balloon',
  '/video [5s] [model] <prompt> — e.g. /video 5s sim-video a cat on a sofa',
  '/status — your last jobs (or /status <job id>)',
  '/balance — what this chat may still spend',
].join('\n');
