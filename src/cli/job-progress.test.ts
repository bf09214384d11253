import { describe, expect, it } from 'vitest';
import { formatProgress, JobProgress, type ProgressState } from './job-progress.js';

const running: ProgressState = { id: 'gen_1', status: 'running', progress: 0.45, elapsedMs: 3210 };

function capture(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('formatProgress', () => {
  it('should show status, bar, percentage and elapsed seconds on a terminal', () => {
    expect(formatProgress(running, true)).toBe('gen_1 running [#########-----------] 45% 3.2s');
  });

  it('should leave out the bar in plain lines and the percentage when there is none', () => {
    expect(formatProgress(running, false)).toBe('gen_1 running 45% 3.2s');
    expect(formatProgress({ ...running, progress: null, status: 'queued' }, true)).toBe(
      'gen_1 queued 3.2s',
    );
  });

  it('should not show a percentage once the job has ended', () => {
    expect(formatProgress({ ...running, status: 'canceled' }, true)).toBe('gen_1 canceled 3.2s');
  });
});

describe('JobProgress', () => {
  it('should rewrite one line in place on a terminal and end it when finished', () => {
    const { writes, stream } = capture(true);
    const progress = new JobProgress(stream);
    progress.update({ ...running, progress: 0.1 });
    progress.update(running);
    expect(progress.lineOpen).toBe(true);
    progress.finish({ ...running, status: 'succeeded' });
    expect(writes).toEqual([
      '\rgen_1 running [##------------------] 10% 3.2s\x1b[K',
      '\rgen_1 running [#########-----------] 45% 3.2s\x1b[K',
      '\rgen_1 succeeded 3.2s\x1b[K\n',
    ]);
    expect(progress.lineOpen).toBe(false);
  });

  it('should write a plain line only when the status or the tens of percent change', () => {
    const { writes, stream } = capture(false);
    const progress = new JobProgress(stream);
    progress.update({ ...running, progress: 0.41 });
    progress.update({ ...running, progress: 0.45, elapsedMs: 4000 });
    progress.update({ ...running, progress: 0.52, elapsedMs: 5000 });
    progress.finish({ ...running, status: 'succeeded', progress: null, elapsedMs: 6000 });
    expect(writes).toEqual([
      'gen_1 running 41% 3.2s\n',
      'gen_1 running 52% 5.0s\n',
      'gen_1 succeeded 6.0s\n',
    ]);
  });
});
