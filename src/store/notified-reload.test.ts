import { describe, expect, it } from 'vitest';
import type { ListenOptions } from './database.js';
import { NotifiedReload } from './notified-reload.js';

describe('NotifiedReload', () => {
  it('reads at start, on each notification and when notifications resume', async () => {
    let notify: () => void = () => undefined;
    let reconnect: () => void = () => undefined;
    let reads = 0;
    const resumed: string[] = [];
    const reload = new NotifiedReload({
      database: {
        listen: async (
          _channel: string,
          onMessage: (payload: string) => void,
          options?: ListenOptions,
        ) => {
          notify = () => onMessage('changed');
          reconnect = () => options?.onReconnect?.();
          return async () => undefined;
        },
      },
      channel: 'switchyard_test',
      intervalMs: 3_600_000,
      read: async () => {
        reads++;
      },
      onError: () => undefined,
      onReconnect: () => resumed.push('resumed'),
    });
    await reload.start();
    expect(reads).toBe(1);
    notify();
    await reload.reload();
    expect(reads).toBe(3);
    reconnect();
    await reload.reload();
    expect(resumed).toEqual(['resumed']);
    expect(reads).toBeGreaterThanOrEqual(4);
    await reload.stop();
  });
});
