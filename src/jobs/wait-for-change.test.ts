import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { newImageJob } from '../../test/helpers/new-image-job.js';
import { NotFoundError } from '../core/errors/index.js';
import { isTerminal, JobStatus, type Job } from '../core/job.js';
import { GenerationRepository } from '../store/repositories/generation-repository.js';
import { JobEvents } from './job-events.js';
import { waitForChange, type WaitForChange } from './wait-for-change.js';

describe('waitForChange', () => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repository: GenerationRepository;
  let events: JobEvents;
  let stored: Job;
  beforeAll(async () => {
    opened = await openMigratedDatabase('pglite');
    repository = new GenerationRepository(opened.database);
    events = new JobEvents(opened.database);
    const id = 'gen_01kbqzz0000000000000000000';
    await repository.insertMany([newImageJob(id)], opened.database);
    stored = (await repository.get(id))!;
  });
  afterAll(() => opened.close());

  /** A wait on the stored job, counting its reads and admission releases. */
  function start(overrides: Partial<WaitForChange> = {}) {
    const counts = { reads: 0, leaves: 0 };
    const promise = waitForChange({
      id: stored.id,
      timeoutMs: 60_000,
      until: isTerminal,
      created: undefined,
      events,
      repository,
      shutdown: new AbortController().signal,
      leave: () => counts.leaves++,
      read: async () => {
        counts.reads++;
        return { ...stored, status: JobStatus.canceled };
      },
      ...overrides,
    });
    return { promise, counts };
  }

  it('answers with the job a local change carries, without reading it', async () => {
    const { promise, counts } = start({ created: stored });
    const done = { ...stored, status: JobStatus.succeeded };
    // A state that does not end the wait is ignored.
    events.emitLocal({ jobId: stored.id, status: JobStatus.running });
    events.emitLocal({ jobId: stored.id, status: JobStatus.succeeded, job: done });
    await expect(promise).resolves.toBe(done);
    expect(counts).toEqual({ reads: 0, leaves: 1 });
  });

  it('reads the job once when a change arrives without it (another instance made it)', async () => {
    const { promise, counts } = start();
    // Let the first status read (queued) come back before the change.
    await new Promise((resolve) => setImmediate(resolve));
    events.emitLocal({ jobId: stored.id, status: JobStatus.canceled });
    await expect(promise).resolves.toMatchObject({ status: JobStatus.canceled });
    expect(counts).toEqual({ reads: 1, leaves: 1 });
  });

  it('answers 404 for a job that does not exist, and gives its slot back', async () => {
    const { promise, counts } = start({ id: 'gen_01kbqzz9999999999999999999' });
    await expect(promise).rejects.toBeInstanceOf(NotFoundError);
    expect(counts).toEqual({ reads: 0, leaves: 1 });
  });

  it('answers with the job as it is at shutdown and at its deadline', async () => {
    const shutdown = new AbortController();
    const held = start({ shutdown: shutdown.signal });
    shutdown.abort();
    await expect(held.promise).resolves.toMatchObject({ id: stored.id });
    expect(held.counts).toEqual({ reads: 1, leaves: 1 });
    const timed = start({ timeoutMs: 1 });
    await expect(timed.promise).resolves.toMatchObject({ id: stored.id });
    expect(timed.counts).toEqual({ reads: 1, leaves: 1 });
  });
});
