import { parseOperation } from '../kernel/parse-operation.js';
import { isIP } from 'node:net';
import { z } from 'zod';
import { estimateCost } from '../../catalog/estimate-cost.js';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type {
  CallContext,
  HealthCheckResult,
  ImageInput,
  JsonValue,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
} from '../../core/provider-adapter.js';
import {
  callProvider,
  parseProviderResponse,
  type ProviderResponse,
} from '../kernel/call-provider.js';
import {
  RunwayOrganizationSchema,
  RunwayTaskCreatedSchema,
  RunwayTaskSchema,
} from './runway-api-schemas.js';
import { buildRunwayTask } from './runway-build-task.js';
import { runwayDefaultBaseUrl, type RunwayConfig } from './runway-config.js';
import { runwayErrorFromResponse } from './runway-errors.js';
import { runwayModels } from './runway-models.js';
import { taskToStatus } from './runway-task-status.js';

/** What the adapter stores per attempt. */
const RunwayOperationSchema = z.object({
  taskId: z.string().min(1),
  kind: z.enum(['image', 'video']),
  durationSeconds: z.number().positive().optional(),
});
type RunwayOperation = z.infer<typeof RunwayOperationSchema>;

// Runway takes data URIs up to 5 MB encoded: about 3.7 MB of image before base64.
const maxDataUriBytes = Math.floor((5 * 1024 * 1024 * 3) / 4) - 64;

/**
 * Runway's developer API over plain HTTP via `callProvider` (the `@runwayml/sdk` client would
 * work with `baseURL` and `maxRetries: 0`, but four JSON endpoints do not need it and this keeps
 * every error on the shared mapping). Tasks are created, polled at `GET /v1/tasks/{id}` and
 * cancelled with `DELETE /v1/tasks/{id}`; Runway has no webhooks and no client-chosen task ids,
 * so there is neither `parseWebhook` nor `recover`.
 */
export class RunwayAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'runway';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly baseUrl: string;

  constructor(private readonly config: RunwayConfig) {
    this.id = config.id;
    this.models = mergeOfferings(runwayModels, config.models);
    this.baseUrl = (config.baseUrl ?? runwayDefaultBaseUrl).replace(/\/+$/, '');
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const images = await Promise.all(
      request.inputImages.map((image) => this.imageReference(image)),
    );
    const task = buildRunwayTask(this.id, request, images);
    const response = await this.call('POST', task.path, context.signal, task.body);
    const { id } = parseProviderResponse(this.id, RunwayTaskCreatedSchema, response.json);
    const operation: RunwayOperation = {
      taskId: id,
      kind: request.kind,
      ...(request.kind === 'video' && request.duration !== undefined
        ? { durationSeconds: request.duration }
        : {}),
    };
    return {
      operation,
      providerJobId: id,
      ...(task.warnings.length ? { warnings: task.warnings } : {}),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const { taskId, kind, durationSeconds } = this.operation(operation);
    let response: ProviderResponse;
    try {
      response = await this.call('GET', `/v1/tasks/${encodeURIComponent(taskId)}`, context.signal);
    } catch (error) {
      // Deleted tasks cannot be fetched again: the task is gone, though another provider may still do the work.
      if (error instanceof ProviderError && error.statusCode === 404) {
        return {
          status: 'failed',
          code: 'provider_generation_failed',
          message: `Runway no longer has task ${taskId} (deleted or expired).`,
          isRetryable: true,
        };
      }
      throw error;
    }
    const task = parseProviderResponse(this.id, RunwayTaskSchema, response.json);
    return taskToStatus(task, {
      kind,
      durationSeconds,
      usdPerCredit: this.config.usdPerCredit,
      minPollIntervalMs: this.config.minPollIntervalMs,
    });
  }

  async cancel(operation: JsonValue, context: CallContext): Promise<void> {
    const { taskId } = this.operation(operation);
    // Cancels a pending/throttled/running task; on a finished one it deletes the task instead.
    await this.call('DELETE', `/v1/tasks/${encodeURIComponent(taskId)}`, context.signal);
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    try {
      const response = await this.call('GET', '/v1/organization', context.signal);
      const { creditBalance } = parseProviderResponse(
        this.id,
        RunwayOrganizationSchema,
        response.json,
      );
      const exhausted = creditBalance <= 0;
      return {
        ok: !exhausted,
        latencyMs: Date.now() - started,
        ...(exhausted ? { error: 'The Runway credit balance is empty.' } : {}),
        credits: { remainingUsd: Math.max(0, creditBalance) * this.config.usdPerCredit, exhausted },
      };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { ok: false, latencyMs: Date.now() - started, error: error.message };
    }
  }

  /** An HTTPS URL on a domain (Runway fetches those itself), else the bytes as a data URI. */
  private async imageReference(image: ImageInput): Promise<string> {
    if (image.url && isRunwayFetchable(image.url)) return image.url;
    const { data, mimeType } = await image.read();
    if (data.length > maxDataUriBytes) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_invalid_request',
        // Retryable: a provider without Runway's 5 MB data URI limit can take the request.
        isRetryable: true,
        message:
          'Runway needs a public HTTPS URL for input images over 3.7 MB; set SWITCHYARD_PUBLIC_URL',
      });
    }
    return `data:${mimeType};base64,${data.toString('base64')}`;
  }

  private operation(operation: JsonValue): RunwayOperation {
    return parseOperation(this.id, RunwayOperationSchema, operation);
  }

  private call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    signal: AbortSignal,
    json?: unknown,
  ): Promise<ProviderResponse> {
    return callProvider({
      providerId: this.id,
      method,
      url: `${this.baseUrl}${path}`,
      headers: {
        authorization: `Bearer ${this.config.apiKey}`,
        'x-runway-version': this.config.apiVersion,
      },
      json,
      signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (response) => runwayErrorFromResponse(this.id, response),
    });
  }
}

/** Runway only fetches HTTPS URLs that name a domain (no IP addresses, no plain HTTP). */
export function isRunwayFetchable(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && isIP(parsed.hostname.replace(/^\[|\]$/g, '')) === 0;
  } catch {
    return false;
  }
}
