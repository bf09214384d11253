import type { JobResource } from '../api/job-resource-schema.js';
import { isTerminal } from '../core/job.js';

/** What one progress report shows. */
export type ProgressState = Pick<JobResource, 'id' | 'status' | 'progress'> & {
  /** Milliseconds since the CLI started following the job. */
  elapsedMs: number;
};

const barWidth = 20;

/** `gen_… running [#########-----------] 45% 3.2s`; the bar only when the job reports progress. */
export function formatProgress(state: ProgressState, withBar: boolean): string {
  const parts = [state.id, state.status];
  if (state.progress !== null && !isTerminal(state.status)) {
    const share = Math.min(Math.max(state.progress, 0), 1);
    const filled = Math.round(share * barWidth);
    if (withBar) parts.push(`[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`);
    parts.push(`${Math.round(share * 100)}%`);
  }
  parts.push(`${(state.elapsedMs / 1000).toFixed(1)}s`);
  return parts.join(' ');
}

/** Where progress goes: stderr, so stdout carries only the result (paths or JSON). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Reports a job's progress: on a terminal one line rewritten in place (`\r`), otherwise a plain
 * line whenever the status or the percentage (in steps of 10) changes, so logs stay short.
 */
export class JobProgress {
  private lastPlain = '';
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  update(state: ProgressState): void {
    if (this.stream.isTTY) {
      // \x1b[K clears what a longer previous line left behind.
      this.stream.write(`\r${formatProgress(state, true)}\x1b[K`);
      this.drawn = true;
      return;
    }
    const step =
      state.progress === null ? '' : String(Math.floor(Math.min(state.progress, 1) * 10));
    const key = `${state.status}:${step}`;
    if (key === this.lastPlain) return;
    this.lastPlain = key;
    this.stream.write(`${formatProgress(state, false)}\n`);
  }

  /** Ends the updating line so what follows starts on its own line. */
  finish(state: ProgressState): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${formatProgress(state, true)}\x1b[K\n`);
      this.drawn = false;
      return;
    }
    this.update(state);
  }

  /** Whether a TTY line is open (an interrupt must end it before printing). */
  get lineOpen(): boolean {
    return this.drawn;
  }
}
