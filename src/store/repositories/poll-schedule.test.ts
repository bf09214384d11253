import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { newImageJob } from '../../../test/helpers/new-image-job.js';
import { backends } from '../../../test/helpers/test-database.js';
import { GenerationRepository } from './generation-repository.js';
import { markSubmittedBatch } from './mark-submitted-batch.js';
import { adoptQueuedPolls, claimDuePolls, retryPoll, schedulePolls } from './poll-schedule.js';

// Far in the future: pg-boss compares startAfter with the real clock, and a waiting poll must stay waiting.
const at = (iso: string) => new Date(`2099-12-03T10:${iso}Z`);

describe.each(backends)('poll schedule on %s (ADR 0023)', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let generations: GenerationRepository;
  let next = 0;

  /** A job accepted by its provider, its first poll due at `dueAt` (or none). */
  const accepted = async (dueAt: Date | undefined) => {
    const id = `gen_poll_${next++}`;
    const attemptId = `att_poll_${next}`;
    await generations.insertMany(
      [newImageJob(id, { deadlineAt: new Date('2099-12-03T11:00:00Z'), createdAt: at('00:00') })],
      opened.database,
      [{ id: attemptId, generationId: id, provider: 'sim', providerModelId: 'sim-image' }],
    );
    const queued = await markSubmittedBatch(opened.database, [
      {
        attempt: {
          generationId: id,
          attemptId,
          provider: 'sim',
          providerJobId: `op_${next}`,
          operation: { id: `op_${next}` },
          warnings: [],
        },
        ...(dueAt ? { firstPoll: { poll: 1, dueAt } } : {}),
      },
    ]);
    expect(queued.has(id)).toBe(true);
    return { jobId: id, attemptId };
  };
  const pollOf = async (attemptId: string) => {
    const { rows } = await opened.database.query<{ poll_at: Date | null; poll_number: number }>(
      'SELECT poll_at, poll_number FROM generation_attempts WHERE id = $1',
      [attemptId],
    );
    return rows[0]!;
  };
  /** Claims everything due by `now` (a lease of one minute), as attempt ids. */
  const claim = async (now: Date) =>
    (await claimDuePolls(opened.database, now, 100, new Date(now.getTime() + 60_000))).map(
      (entry) => entry.poll.attemptId,
    );

  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    generations = new GenerationRepository(opened.database);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('sets the first poll with the acceptance and claims it once due, with its job, for a lease', async () => {
    const { jobId, attemptId } = await accepted(at('00:05'));
    expect(await claim(at('00:04'))).not.toContain(attemptId);
    const claimed = await claimDuePolls(opened.database, at('00:05'), 100, at('01:05'));
    const mine = claimed.find((entry) => entry.poll.attemptId === attemptId);
    expect(mine?.poll).toEqual({ jobId, attemptId, poll: 1 });
    expect(mine?.job.id).toBe(jobId);
    expect(mine?.job.status).toBe('submitted');
    expect(mine?.attempt).toMatchObject({
      id: attemptId,
      status: 'submitted',
      providerJobId: 'op_1',
    });
    // Claimed: not due again before its lease ends (its process may have died mid-poll).
    expect(await claim(at('01:04'))).not.toContain(attemptId);
    expect(await claim(at('01:05'))).toContain(attemptId);
  });

  it('never moves a chain back: a late poll cannot replace a newer one, a failed one retries in place', async () => {
    const { attemptId } = await accepted(at('00:05'));
    const poll = (number: number, dueAt: Date, extra = {}) => ({
      poll: { jobId: 'unused', attemptId, poll: number, ...extra },
      dueAt,
    });
    await schedulePolls(opened.database, [poll(3, at('00:30'))]);
    await schedulePolls(opened.database, [poll(2, at('00:10'))]);
    expect(await pollOf(attemptId)).toMatchObject({ poll_at: at('00:30'), poll_number: 3 });
    // A failed handling of poll 3 brings poll 3 back sooner; one of poll 2 does nothing.
    await retryPoll(opened.database, poll(2, at('00:00')).poll, at('00:11'));
    expect((await pollOf(attemptId)).poll_at).toEqual(at('00:30'));
    await retryPoll(opened.database, poll(3, at('00:00')).poll, at('00:12'));
    expect((await pollOf(attemptId)).poll_at).toEqual(at('00:12'));
    await schedulePolls(opened.database, [
      poll(4, at('00:20'), { storageFailures: 2, storageFailingSince: 1764756000123 }),
    ]);
    const claimed = await claimDuePolls(opened.database, at('00:20'), 100, at('01:20'));
    expect(claimed.find((entry) => entry.poll.attemptId === attemptId)?.poll).toMatchObject({
      poll: 4,
      storageFailures: 2,
      storageFailingSince: 1764756000123,
    });
  });

  it('drops the poll of a job that ended by another path, and of an attempt that ended', async () => {
    const canceled = await accepted(at('00:05'));
    const failed = await accepted(at('00:05'));
    await opened.database.query(`UPDATE generations SET status = 'canceled' WHERE id = $1`, [
      canceled.jobId,
    ]);
    await opened.database.query(`UPDATE generation_attempts SET status = 'failed' WHERE id = $1`, [
      failed.attemptId,
    ]);
    const claimed = await claim(at('02:00'));
    expect(claimed).not.toContain(canceled.attemptId);
    expect(claimed).not.toContain(failed.attemptId);
    expect((await pollOf(canceled.attemptId)).poll_at).toBeNull();
    // No poll for an acceptance without one (a job on a caller's key is polled on timers).
    const local = await accepted(undefined);
    expect(await pollOf(local.attemptId)).toEqual({ poll_at: null, poll_number: null });
  });

  it('takes the polls an older version queued in pg-boss onto their attempts', async () => {
    const { jobId, attemptId } = await accepted(undefined);
    const other = await accepted(undefined);
    // The queue as a version before ADR 0023 created it, with one waiting poll and one done.
    const { database } = opened;
    const boss = new PgBoss({
      db: {
        executeSql: (text: string, values?: unknown[]) =>
          values && values.length > 0 ? database.query(text, values) : database.script(text),
      },
      schema: 'legacy_boss',
      supervise: false,
      schedule: false,
    } as PgBoss.ConstructorOptions);
    await boss.start();
    await boss.createQueue('generation-poll', { name: 'generation-poll', policy: 'short' });
    await boss.createQueue('generation-submit', { name: 'generation-submit', policy: 'standard' });
    await boss.send(
      'generation-poll',
      { jobId, attemptId, poll: 7, storageFailures: 1, storageFailingSince: 5 },
      { startAfter: at('00:42'), singletonKey: attemptId },
    );
    const doneId = await boss.send('generation-poll', {
      jobId: other.jobId,
      attemptId: other.attemptId,
      poll: 9,
    });
    await boss.send('generation-submit', { jobId });
    const [fetched] = await boss.fetch('generation-poll');
    expect(fetched?.id).toBe(doneId);
    await boss.complete('generation-poll', doneId!);
    expect(await adoptQueuedPolls(database, 'legacy_boss')).toBe(1);
    expect(await pollOf(attemptId)).toEqual({ poll_at: at('00:42'), poll_number: 7 });
    expect((await claimDuePolls(database, at('00:42'), 100, at('01:42')))[0]?.poll).toEqual({
      jobId,
      attemptId,
      poll: 7,
      storageFailures: 1,
      storageFailingSince: 5,
    });
    expect(await pollOf(other.attemptId)).toEqual({ poll_at: null, poll_number: null });
    expect(await boss.getQueueSize('generation-poll')).toBe(0);
    expect(await boss.getQueueSize('generation-submit')).toBe(1);
    expect(await adoptQueuedPolls(database, 'legacy_boss')).toBe(0);
    await boss.stop({ graceful: false, close: false });
  });
});
