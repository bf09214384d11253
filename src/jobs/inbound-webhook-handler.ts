import { NotFoundError } from '../core/errors/index.js';
import type { InboundWebhook } from '../core/provider-adapter.js';
import type { JobCompletion } from './job-completion.js';
import type { JobEngineContext } from './job-engine-context.js';

/**
 * Provider callbacks (`POST /v1/providers/{provider}/webhook`): the adapter verifies the
 * provider's signature and parses the body; the result goes through the same completion path
 * as polling. A forged or replayed callback is rejected by the adapter and changes nothing.
 */
export class InboundWebhookHandler {
  constructor(
    private readonly context: JobEngineContext,
    private readonly completion: JobCompletion,
  ) {}

  async handle(providerId: string, webhook: InboundWebhook): Promise<{ matched: boolean }> {
    const adapter = this.context.instances.adapter(providerId);
    if (!adapter?.parseWebhook) throw new NotFoundError('provider_webhook', providerId);
    const { providerJobId, result } = await adapter.parseWebhook(webhook);
    const attempt = await this.context.repository.attemptByProviderJob(providerId, providerJobId);
    if (!attempt) {
      this.context.logger.warn(
        { provider: providerId, providerJobId },
        'webhook for an unknown provider job',
      );
      return { matched: false };
    }
    const job = await this.context.repository.get(attempt.generationId);
    if (!job) return { matched: false };
    await this.completion.apply(job, attempt, result, { type: 'webhook' });
    return { matched: true };
  }
}
