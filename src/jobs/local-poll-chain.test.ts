import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import type { PollMessage } from './job-queue.js';
import { LocalPollChain } from './local-poll-chain.js';

const message = (poll: number): PollMessage => ({ jobId: 'gen_a', attemptId: 'att_a', poll });

describe('LocalPollChain', () => {
  it('should run one chain per attempt and ignore a backstop asking for an older poll', async () => {
    const runs: number[] = [];
    let chain: LocalPollChain | undefined;
    const done = new Promise<void>((resolve) => {
      chain = new LocalPollChain(async (polled) => {
        runs.push(polled.poll);
        if (polled.poll < 3) chain!.schedule(message(polled.poll + 1), 0);
        else resolve();
      }, createLogger('silent'));
    });
    expect(chain!.schedule(message(1), 0)).toBe(true);
    expect(chain!.schedule(message(1), 0)).toBe(false);
    await done;
    expect(runs).toEqual([1, 2, 3]);
    expect(chain!.pending).toBe(0);
  });

  it('should poll again after a poll that threw, and schedule nothing once stopped', async () => {
    const runs: number[] = [];
    let chain: LocalPollChain | undefined;
    const done = new Promise<void>((resolve) => {
      chain = new LocalPollChain(
        async (polled) => {
          runs.push(polled.poll);
          if (runs.length === 1) throw new Error('database blip');
          resolve();
        },
        createLogger('silent'),
        0,
      );
    });
    chain!.schedule(message(1), 0);
    await done;
    expect(runs).toEqual([1, 1]);
    chain!.stop();
    expect(chain!.schedule(message(2), 0)).toBe(false);
    expect(chain!.pending).toBe(0);
  });
});
