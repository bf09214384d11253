import { isIP } from 'node:net';
import { z } from 'zod';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type {
  CallContext,
  HealthCheckResult,
  JsonValue,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
} from '../../core/provider-adapter.js';
import { checkHealth, creditsFromBalance } from '../kernel/check-health.js';
import { imageReference } from '../kernel/image-reference.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { ProviderHttpClient, type ProviderResponse } from '../kernel/provider-http-client.js';
import {
  RunwayOrganizationSchema,
  RunwayTaskCreatedSchema,
  RunwayTaskSchema,
} from './runway-api-schemas.js';
import { buildRunwayRequest } from './runway-request.js';
import { runwayDefaultBaseUrl, type RunwayConfig } from './runway-config.js';
import { runwayErrorFromResponse } from './runway-errors.js';
import { runwayModels } from './runway-models.js';
import { mapRunwayResult } from './runway-result.js';

/** What the adapter stores per attempt. */
const RunwayOperationSchema = z.object({
  taskId: z.string().min(1),
  kind: z.enum(['image', 'video']),
  durationSeconds: z.number().positive().optional(),
});
type RunwayOperation = z.infer<typeof RunwayOperationSchema>;

// Runway takes data URIs up to 5 MB encoded: about 3.7 MB of image before base64 (larger ones are
// a retryable refusal: a provider without that limit can take the request).
const maxDataUriBytes = Math.floor((5 * 1024 * 1024 * 3) / 4) - 64;

/**
 * Runway's developer API over plain HTTP via the shared `ProviderHttpClient` (the
 * `@runwayml/sdk` client would work with `baseURL` and `maxRetries: 0`, but four JSON endpoints
 * do not need it and this keeps every error on the shared mapping). Tasks are created, polled at `GET /v1/tasks/{id}` and
 * cancelled with `DELETE /v1/tasks/{id}`; Runway has no webhooks and no client-chosen task ids,
 * so there is neither `parseWebhook` nor `recover`.
 */
export class RunwayAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'runway';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly http: ProviderHttpClient;

  constructor(private readonly config: RunwayConfig) {
    this.id = config.id;
    this.models = mergeOfferings(runwayModels, config.models);
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: runwayDefaultBaseUrl,
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        'x-runway-version': config.apiVersion,
      },
      mapError: (response) => runwayErrorFromResponse(config.id, response),
    });
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const images = await Promise.all(
      request.inputImages.map((image) =>
        imageReference(image, {
          canFetch: isRunwayFetchable,
          inlineLimit: {
            providerId: this.id,
            maxBytes: maxDataUriBytes,
            message:
              'Runway needs a public HTTPS URL for input images over 3.7 MB; set SWITCHYARD_PUBLIC_URL',
          },
        }),
      ),
    );
    const task = buildRunwayRequest(this.id, request, images);
    const response = await this.http.request({
      method: 'POST',
      path: task.path,
      json: task.body,
      signal: context.signal,
    });
    const { id } = this.http.parse(RunwayTaskCreatedSchema, response.json);
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
      response = await this.http.request({
        method: 'GET',
        path: `/v1/tasks/${encodeURIComponent(taskId)}`,
        signal: context.signal,
      });
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
    const task = this.http.parse(RunwayTaskSchema, response.json);
    return mapRunwayResult(task, {
      kind,
      durationSeconds,
      usdPerCredit: this.config.usdPerCredit,
      minPollIntervalMs: this.config.minPollIntervalMs,
    });
  }

  async cancel(operation: JsonValue, context: CallContext): Promise<void> {
    const { taskId } = this.operation(operation);
    // Cancels a pending/throttled/running task; on a finished one it deletes the task instead.
    await this.http.request({
      method: 'DELETE',
      path: `/v1/tasks/${encodeURIComponent(taskId)}`,
      signal: context.signal,
    });
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      const response = await this.http.request({
        method: 'GET',
        path: '/v1/organization',
        signal: context.signal,
      });
      const { creditBalance } = this.http.parse(RunwayOrganizationSchema, response.json);
      const credits = creditsFromBalance(Math.max(0, creditBalance) * this.config.usdPerCredit);
      // Runway refuses every task on an empty balance, so the check fails with it.
      return credits.exhausted
        ? { ok: false, error: 'The Runway credit balance is empty.', credits }
        : { ok: true, credits };
    });
  }

  /** An HTTPS URL on a domain (Runway fetches those itself), else the bytes as a data URI. */

  private operation(operation: JsonValue): RunwayOperation {
    return parseOperation(this.id, RunwayOperationSchema, operation);
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
