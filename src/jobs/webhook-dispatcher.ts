import { SsrfBlockedError } from '../core/errors/index.js';
import { isTerminal } from '../core/job.js';
import { toJobResource } from '../api/job-resource.js';
import type { Logger } from '../observability/logger.js';
import { safeFetch } from '../security/safe-fetch.js';
import type { SsrfGuard } from '../security/ssrf-guard.js';
import { webhookHeaders } from '../security/standard-webhooks.js';
import type { GenerationRepository } from '../store/repositories/generation-repository.js';

export interface WebhookDispatcherOptions {
  /** Reads the job and records each delivery on it. */
  repository: GenerationRepository;
  logger: Logger;
  now: () => number;
  /** Keeps deliveries off private networks unless configured otherwise. */
  guard: SsrfGuard;
  secret: () => string;
  timeoutMs: number;
  /** Public base URL for asset links in payloads. */
  baseUrl: () => string;
}

/** Thrown to make the queue retry a delivery later (with backoff). */
class WebhookDeliveryFailed extends Error {}

/**
 * POSTs finished jobs to their `webhook_url`, signed per Standard Webhooks. Each try is
 * recorded on the job; a failed try throws so the queue retries it with exponential backoff
 * (14 retries: 45–90 h by default); the last failure marks the webhook `failed`, and so does
 * the first one the SSRF guard refuses (a name resolving to a private address).
 */
export class WebhookDispatcher {
  constructor(private readonly options: WebhookDispatcherOptions) {}

  async deliver(jobId: string, retryCount: number, retryLimit: number): Promise<void> {
    const job = await this.options.repository.get(jobId);
    if (!job?.webhook || !isTerminal(job.status) || job.webhook.status === 'delivered') return;
    const body = JSON.stringify({
      type: `generation.${job.status}`,
      timestamp: new Date(this.options.now()).toISOString(),
      data: toJobResource(job, this.options.baseUrl()),
    });
    // One id per job event: retries carry the same id so receivers can deduplicate.
    const headers = webhookHeaders({
      secret: this.options.secret(),
      id: `msg_${job.id}`,
      timestamp: new Date(this.options.now()),
      body,
    });
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const response = await safeFetch(job.webhook.url, {
        guard: this.options.guard,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchyard-Webhooks/1',
          ...headers,
        },
        body,
        maxBytes: 64 * 1024,
        timeoutMs: this.options.timeoutMs,
        maxRedirects: 0,
      });
      statusCode = response.status;
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      // The guard refuses this URL (it resolves to a private address): every retry would too.
      refused = thrown instanceof SsrfBlockedError;
    }
    const ok = error === null;
    await this.options.repository.recordDelivery({
      generationId: job.id,
      statusCode,
      error,
      ok,
      durationMs: performance.now() - started,
    });
    if (ok) {
      await this.options.repository.setWebhookStatus(job.id, 'delivered');
      return;
    }
    if (refused || retryCount >= retryLimit) {
      await this.options.repository.setWebhookStatus(job.id, 'failed');
      this.options.logger.warn({ jobId: job.id, error }, 'webhook delivery gave up');
      return;
    }
    throw new WebhookDeliveryFailed(`webhook delivery failed: ${error}`);
  }
}
