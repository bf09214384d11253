import { JobStatus, type Job } from '../../core/job.js';

/** Our statuses in OpenAI's words (it has no separate "accepted by the provider"). */
export const statusMap: Record<JobStatus, 'queued' | 'in_progress' | 'completed' | 'failed'> = {
  queued: 'queued',
  submitted: 'queued',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'failed',
};

/** A job in OpenAI's `Video` shape. */
export function toOpenAiVideo(job: Job) {
  const output = job.outputs[0];
  const width = output?.width ?? job.request.width;
  const height = output?.height ?? job.request.height;
  return {
    id: job.id,
    object: 'video' as const,
    model: job.request.model,
    status: statusMap[job.status],
    progress: Math.round((job.status === JobStatus.succeeded ? 1 : (job.progress ?? 0)) * 100),
    prompt: job.request.prompt,
    seconds: String(output?.durationSeconds ?? job.request.duration ?? ''),
    size: width && height ? `${width}x${height}` : '',
    created_at: Math.floor(job.createdAt.getTime() / 1000),
    completed_at: job.completedAt ? Math.floor(job.completedAt.getTime() / 1000) : null,
    expires_at: null,
    remixed_from_video_id: null,
    error: job.error
      ? { code: job.error.code, message: job.error.message }
      : job.status === JobStatus.canceled
        ? { code: 'canceled', message: 'The generation was canceled.' }
        : null,
  };
}
