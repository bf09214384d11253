import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('should write everything submitted in one turn of the event loop together (ADR 0027)', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit<number, number>(async (inputs) => {
      batches.push([...inputs]);
      return inputs.map((input) => input * 10);
    });
    // Five callbacks of one loop phase, as five requests read in one I/O phase: the first
    // write must not start before the last of them has submitted.
    const outputs = await new Promise<number[]>((resolve) => {
      const pending: Promise<number>[] = [];
      for (let index = 1; index <= 5; index++)
        setImmediate(() => {
          pending.push(commits.submit(index));
          if (pending.length === 5) void Promise.all(pending).then(resolve);
        });
    });
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(outputs).toEqual([10, 20, 30, 40, 50]);
  });

  it('should queue what arrives during a write for the next one, and answer each input', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const commits = new GroupCommit<number, number>(async (inputs) => {
      batches.push([...inputs]);
      if (batches.length === 1) await held;
      return inputs.map((input) => input + 1);
    });
    const first = commits.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [commits.submit(2), commits.submit(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
