import { describe, expect, it } from 'vitest';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import { Lifecycle } from './lifecycle.js';

describe('Lifecycle', () => {
  it('should let many provider calls wait on its shutdown signal without a listener warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const lifecycle = new Lifecycle();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      // Fifty calls in flight at once, as under load with inline submissions.
      const calls = Array.from({ length: 50 }, () =>
        callWithTimeout('sim', 60_000, lifecycle.signal, () => held.then(() => 'done')),
      );
      release();
      expect(await Promise.all(calls)).toEqual(Array(50).fill('done'));
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
