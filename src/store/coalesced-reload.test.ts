import { describe, expect, it } from 'vitest';
import { CoalescedReload } from './coalesced-reload.js';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('CoalescedReload', () => {
  it('should run one more read, not one per call, when calls arrive during a read', async () => {
    const gates = [deferred(), deferred()];
    let reads = 0;
    const reload = new CoalescedReload(
      () => gates[reads++]!.promise,
      () => undefined,
    );
    const first = reload.reload();
    const second = reload.reload();
    const third = reload.reload();
    expect(reads).toBe(1);
    gates[0]!.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(reads).toBe(2);
    gates[1]!.resolve();
    await Promise.all([first, second, third]);
    expect(reads).toBe(2);
  });

  it('should report a failed read, keep going, and read again on the next call', async () => {
    const errors: string[] = [];
    let fail = true;
    let reads = 0;
    const reload = new CoalescedReload(
      async () => {
        reads++;
        if (fail) throw new Error('connection refused');
      },
      (error) => errors.push(error.message),
    );
    await reload.reload();
    fail = false;
    await reload.reload();
    expect({ reads, errors }).toEqual({ reads: 2, errors: ['connection refused'] });
    await reload.idle();
  });
});
