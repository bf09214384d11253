import { NotFoundError } from '../core/errors/index.js';
import type { InboundWebhook } from '../core/provider-adapter.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';
import type { JobCompletion } from './job-completion.js';
import type { PollWorker } from './poll-worker.js';

export interface InboundWebhookHandlerOptions {
  /** The adapter of each provider verifies and parses its own callbacks. */
  instances: ProviderInstances;
  repository: GenerationRepository;
  /** The completion path shared with polling. */
  completion: JobCompletion;
  /** Asks the provider itself when a callback is only a signal (`confirm`). */
  pollWorker: Pick<PollWorker, 'process'>;
  logger: Logger;
}

/**
 * Provider callbacks (`POST /v1/providers/{provider}/webhook`): the adapter verifies the
 * provider's signature and parses the body; the result goes through the same completion path
 * as polling. A forged or replayed callback is rejected by the adapter and changes nothing.
 */
export class InboundWebhookHandler {
  constructor(private readonly options: InboundWebhookHandlerOptions) {}

  /**
   * Whether `providerId` takes callbacks at all: asked before the body is read, so a callback
   * for a provider that does not exist costs no buffering.
   */
  accepts(providerId: string): boolean {
    return Boolean(this.options.instances.adapter(providerId)?.parseWebhook);
  }

  async handle(providerId: string, webhook: InboundWebhook): Promise<{ matched: boolean }> {
    const { instances, repository, completion, logger } = this.options;
    const adapter = instances.adapter(providerId);
    if (!adapter?.parseWebhook) throw new NotFoundError('provider_webhook', providerId);
    const { providerJobId, result, confirm } = await adapter.parseWebhook(webhook);
    const attempt = await repository.attemptByProviderJob(providerId, providerJobId);
    if (!attempt) {
      logger.warn({ provider: providerId, providerJobId }, 'webhook for an unknown provider job');
      return { matched: false };
    }
    if (confirm) {
      // The provider's own answer, through the polling path: a forged body changes nothing.
      await this.options.pollWorker.process({
        jobId: attempt.generationId,
        attemptId: attempt.id,
        poll: 0,
      });
      return { matched: true };
    }
    const job = await repository.get(attempt.generationId);
    if (!job) return { matched: false };
    await completion.apply(job, attempt, result, { type: 'webhook' });
    return { matched: true };
  }
}
