import { parseOperation } from '../kernel/parse-operation.js';
import { estimateCost } from '../../catalog/estimate-cost.js';
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
import {
  callProvider,
  parseProviderResponse,
  type CallProviderOptions,
  type ProviderResponse,
} from '../kernel/call-provider.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import {
  AimlapiBillingSchema,
  AimlapiImageResponseSchema,
  AimlapiVideoSchema,
} from './aimlapi-api-schemas.js';
import { aimlapiHost, type AimlapiConfig } from './aimlapi-config.js';
import {
  aimlapiErrorFromResponse,
  aimlapiErrorMessage,
  aimlapiSubmitError,
} from './aimlapi-errors.js';
import { aimlapiModels } from './aimlapi-models.js';
import {
  AimlapiOperationSchema,
  buildAimlapiImageBody,
  buildAimlapiVideoBody,
  type AimlapiOperation,
} from './aimlapi-request-mapping.js';
import {
  aimlapiCostUsd,
  aimlapiImageOutputs,
  aimlapiVideoStatus,
} from './aimlapi-result-mapping.js';

/**
 * AIMLAPI over plain HTTP (no official TypeScript SDK; its video routes are not OpenAI-shaped).
 * Images are synchronous (`POST /v1/images/generations`, result in the answer); videos are a
 * submit (`POST /v2/video/generations`) polled with `GET /v2/video/generations?generation_id=`.
 * AIMLAPI documents no webhooks, no cancel and no client-chosen ids, so none are implemented.
 */
export class AimlapiAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'aimlapi';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly host: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number | undefined;
  private readonly creditsPerUsd: number;

  constructor(config: AimlapiConfig) {
    this.id = config.id;
    this.models = mergeOfferings(aimlapiModels, config.models);
    this.host = aimlapiHost(config.baseUrl);
    this.apiKey = config.apiKey;
    this.timeoutMs = config.timeoutMs;
    this.creditsPerUsd = config.creditsPerUsd;
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    return request.kind === 'image'
      ? this.submitImage(request, context)
      : this.submitVideo(request, context);
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = parseOperation(this.id, AimlapiOperationSchema, operation);
    if (stored.kind === 'image') return this.storedImageResult(stored);
    const url = `${this.host}/v2/video/generations?generation_id=${encodeURIComponent(stored.generationId)}`;
    let response: ProviderResponse;
    try {
      response = await this.call({ method: 'GET', url, signal: context.signal }, (answer) =>
        answer.status === 404 ? this.unknownGeneration(answer) : undefined,
      );
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_generation_failed') {
        return { status: 'failed', code: error.code, message: error.message, isRetryable: true };
      }
      throw error;
    }
    const video = parseProviderResponse(this.id, AimlapiVideoSchema, response.json);
    return aimlapiVideoStatus(this.id, video, this.creditsPerUsd, stored.durationSeconds);
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    try {
      const response = await this.call({
        method: 'GET',
        url: `${this.host}/v2/billing`,
        signal: context.signal,
      });
      const billing = parseProviderResponse(this.id, AimlapiBillingSchema, response.json);
      const remainingUsd = billing.current_balance;
      return {
        ok: true,
        latencyMs: Date.now() - started,
        credits: { remainingUsd, exhausted: remainingUsd <= 0 },
      };
    } catch (error) {
      const exhausted =
        error instanceof ProviderError && error.code === 'provider_insufficient_credits';
      return {
        ok: false,
        latencyMs: Date.now() - started,
        error: error instanceof Error ? error.message : String(error),
        ...(exhausted ? { credits: { exhausted } } : {}),
      };
    }
  }

  private async submitImage(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const { body, warnings } = buildAimlapiImageBody(this.id, request);
    const response = await this.call({
      method: 'POST',
      url: `${this.host}/v1/images/generations`,
      json: body,
      signal: context.signal,
    });
    const image = parseProviderResponse(this.id, AimlapiImageResponseSchema, response.json);
    const size = { width: request.width, height: request.height };
    const outputs = aimlapiImageOutputs(this.id, image, size);
    const costUsd = aimlapiCostUsd(image.meta, this.creditsPerUsd);
    const operation: AimlapiOperation = {
      kind: 'image',
      urls: outputs.flatMap((output) => (output.type === 'url' ? [output.url] : [])),
      inlineOutputs: outputs.filter((output) => output.type === 'bytes').length,
      ...size,
      ...(costUsd === undefined ? {} : { costUsd }),
    };
    return {
      operation,
      // AIMLAPI names the call in `x-inference-id` (its billing ledger's reference id).
      providerJobId: image.id ?? response.headers.get('x-inference-id') ?? context.attemptId,
      immediate: {
        status: 'completed',
        outputs,
        ...(costUsd === undefined ? {} : { usage: { costUsd } }),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  }

  private async submitVideo(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const { body, warnings } = await buildAimlapiVideoBody(request);
    const response = await this.call({
      method: 'POST',
      url: `${this.host}/v2/video/generations`,
      json: body,
      signal: context.signal,
    });
    const video = parseProviderResponse(this.id, AimlapiVideoSchema, response.json);
    const generationId = video.id ?? video.generation_id;
    if (!generationId) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} accepted the video without a generation id.`,
        responseBody: response.text,
      });
    }
    if (video.status === 'error' || video.status === 'failed') {
      throw aimlapiSubmitError(this.id, video, response.text);
    }
    const operation: AimlapiOperation = {
      kind: 'video',
      generationId,
      ...(request.duration === undefined ? {} : { durationSeconds: request.duration }),
    };
    const immediate =
      video.status === 'completed'
        ? aimlapiVideoStatus(this.id, video, this.creditsPerUsd, request.duration)
        : undefined;
    return {
      operation,
      providerJobId: generationId,
      ...(immediate ? { immediate } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  }

  /** Re-reading a finished image call: the URLs it returned, or a retryable failure when the
   * result was inline and not kept. */
  private storedImageResult(stored: Extract<AimlapiOperation, { kind: 'image' }>): StatusResult {
    if (stored.inlineOutputs > 0 || stored.urls.length === 0) {
      return {
        status: 'failed',
        code: 'provider_bad_response',
        message: `The ${this.id} image result was returned inline and is no longer available.`,
        isRetryable: true,
      };
    }
    const size = { width: stored.width, height: stored.height };
    return {
      status: 'completed',
      outputs: stored.urls.map((url) => ({ type: 'url', url, ...size })),
      ...(stored.costUsd === undefined ? {} : { usage: { costUsd: stored.costUsd } }),
    };
  }

  private call(
    options: Pick<CallProviderOptions, 'method' | 'url' | 'json' | 'signal'>,
    mapError?: (response: ProviderErrorResponse) => ProviderError | undefined,
  ): Promise<ProviderResponse> {
    return callProvider({
      ...options,
      providerId: this.id,
      headers: { authorization: `Bearer ${this.apiKey}` },
      timeoutMs: this.timeoutMs,
      mapError: (response) => mapError?.(response) ?? aimlapiErrorFromResponse(this.id, response),
    });
  }

  /** A generation id AIMLAPI does not know (expired or never created), as a failed generation. */
  private unknownGeneration(response: ProviderErrorResponse): ProviderError {
    return new ProviderError({
      providerId: this.id,
      code: 'provider_generation_failed',
      message: `${this.id} has no such generation (${aimlapiErrorMessage(response.json) ?? 'not found'}).`,
      statusCode: 404,
    });
  }
}
