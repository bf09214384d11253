import { InputFile, type Api } from 'grammy';
import { isTerminal, JobStatus, type Job } from '../core/job.js';
import type { Access } from '../core/tenancy.js';
import type { JobService } from '../jobs/job-service.js';
import type { Logger } from '../observability/logger.js';
import { describeFailure, progressText } from './bot-messages.js';

/** Telegram's upload limits for bots: photos up to 10 MB, other files up to 50 MB. */
const maxPhotoBytes = 10 * 1024 * 1024;
const maxFileBytes = 50 * 1024 * 1024;

export interface JobFollowerOptions {
  api: Api;
  jobs: Pick<JobService, 'wait'>;
  /** The gateway's own stored outputs (uploaded as files, not as links Telegram would fetch). */
  assets: { read(id: string): Promise<{ data: Buffer; mimeType: string }> };
  logger: Logger;
  now: () => number;
  progressIntervalMs: number;
  jobWaitMs: number;
  /** Aborted at shutdown: followers stop waiting and say so. */
  shutdown: AbortSignal;
}

/** One job to follow in one chat, with the message that shows its progress. */
export interface FollowedJob {
  job: Job;
  chatId: number;
  progressMessageId: number;
  access?: Access;
}

/**
 * Follows a job after the bot has answered the command: edits the progress message whenever
 * the status changes (and every `progressIntervalMs` for the elapsed time), then uploads the
 * outputs or says what went wrong. Runs detached from the update handler, so a long video does
 * not hold up the bot's other chats.
 */
export class JobFollower {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: JobFollowerOptions) {}

  follow(followed: FollowedJob): void {
    const task = this.run(followed).catch((error: unknown) =>
      this.options.logger.error(
        { jobId: followed.job.id, error: (error as Error).message },
        'telegram: following a job failed',
      ),
    );
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Resolves when every follower has ended (they end soon after the shutdown signal). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async run({ job: created, chatId, progressMessageId, access }: FollowedJob) {
    const { jobs, now, shutdown } = this.options;
    const giveUpAt = now() + this.options.jobWaitMs;
    let job = created;
    let shown = progressText(job, now());
    while (!isTerminal(job.status) && now() < giveUpAt && !shutdown.aborted) {
      const status = job.status;
      job = await jobs.wait(
        job.id,
        this.options.progressIntervalMs,
        access,
        (next) => next !== status,
      );
      const text = progressText(job, now());
      if (text !== shown) {
        shown = text;
        await this.edit(chatId, progressMessageId, text);
      }
    }
    if (job.status === JobStatus.succeeded) await this.sendOutputs(job, chatId);
    else if (job.status === JobStatus.failed && job.error)
      await this.options.api.sendMessage(chatId, describeFailure(job.error));
    else if (!isTerminal(job.status))
      await this.options.api.sendMessage(
        chatId,
        `I stopped watching job ${job.id} (it is still ${job.status}). Ask /status ${job.id} later.`,
      );
  }

  private async edit(chatId: number, messageId: number, text: string): Promise<void> {
    try {
      await this.options.api.editMessageText(chatId, messageId, text);
    } catch (error) {
      // A deleted message or "message is not modified" must not stop the follower.
      this.options.logger.debug({ error: (error as Error).message }, 'telegram: edit failed');
    }
  }

  private async sendOutputs(job: Job, chatId: number): Promise<void> {
    const { api } = this.options;
    const caption = job.request.prompt.slice(0, 1000);
    for (const [index, output] of job.outputs.entries()) {
      const video = output.mimeType.startsWith('video/');
      const extension = output.mimeType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'bin';
      const name = `${job.id}${job.outputs.length > 1 ? `-${index + 1}` : ''}.${extension}`;
      if (output.bytes > maxFileBytes) {
        await api.sendMessage(
          chatId,
          `The result (${Math.round(output.bytes / 1024 / 1024)} MB) is too large for Telegram; it is stored as asset ${output.assetId}.`,
        );
        continue;
      }
      const { data } = await this.options.assets.read(output.assetId);
      const file = new InputFile(data, name);
      await api.sendChatAction(chatId, video ? 'upload_video' : 'upload_photo').catch(() => {});
      if (video) await api.sendVideo(chatId, file, { caption, supports_streaming: true });
      else if (output.bytes <= maxPhotoBytes) await api.sendPhoto(chatId, file, { caption });
      else await api.sendDocument(chatId, file, { caption });
    }
  }
}
