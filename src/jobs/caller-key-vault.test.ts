import { describe, expect, it } from 'vitest';
import type { Job } from '../core/job.js';
import { CallerKeyVault } from './caller-key-vault.js';
import type { JobChange } from './job-events.js';

/** Job events as the vault uses them: listeners per job id. */
function events() {
  const listeners = new Map<string, ((change: JobChange) => void)[]>();
  return {
    subscribe(jobId: string, listener: (change: JobChange) => void) {
      listeners.set(jobId, [...(listeners.get(jobId) ?? []), listener]);
      return () =>
        listeners.set(
          jobId,
          (listeners.get(jobId) ?? []).filter((entry) => entry !== listener),
        );
    },
    emit(change: JobChange) {
      for (const listener of listeners.get(change.jobId) ?? []) listener(change);
    },
    count: (jobId: string) => listeners.get(jobId)?.length ?? 0,
  };
}

const job = (id: string, callerKey?: boolean) =>
  ({ id, request: callerKey ? { callerKey } : {} }) as Pick<Job, 'id' | 'request'>;

describe('CallerKeyVault', () => {
  it('should hold a key until its time-to-live passes', () => {
    let now = 1_000;
    const vault = new CallerKeyVault(events(), () => now);
    vault.put('gen_a', 'caller-key', 2_000);
    expect(vault.get('gen_a')).toBe('caller-key');
    now = 2_000;
    expect(vault.get('gen_a')).toBeUndefined();
    expect(vault.size).toBe(0);
  });

  it('should forget a key when its job ends and stop listening for it', () => {
    const jobEvents = events();
    const vault = new CallerKeyVault(jobEvents, () => 0);
    vault.put('gen_a', 'caller-key', 10_000);
    jobEvents.emit({ jobId: 'gen_a', status: 'running' });
    expect(vault.get('gen_a')).toBe('caller-key');
    jobEvents.emit({ jobId: 'gen_a', status: 'succeeded' });
    expect(vault.get('gen_a')).toBeUndefined();
    expect(jobEvents.count('gen_a')).toBe(0);
  });

  it("should tell the operator's jobs, held keys and missing keys apart", () => {
    const vault = new CallerKeyVault(events(), () => 0);
    vault.put('gen_held', 'caller-key', 10_000);
    expect(vault.keyFor(job('gen_operator'))).toBeUndefined();
    expect(vault.keyFor(job('gen_held', true))).toBe('caller-key');
    expect(vault.keyFor(job('gen_elsewhere', true))).toBeNull();
    vault.clear();
    expect(vault.keyFor(job('gen_held', true))).toBeNull();
  });
});
