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
import { inlineResultGone } from '../kernel/inline-result-gone.js';
import { failedGenerationStatus } from '../kernel/failed-generation-status.js';
import { parseOperation } from '../kernel/parse-operation.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import { ProviderHttpClient, type ProviderResponse } from '../kernel/provider-http-client.js';
import {
  AimlapiBillingSchema,
  AimlapiImageResponseSchema,
  AimlapiVideoSchema,
} from './aimlapi-api-schemas.js';
import { aimlapiHost, type AimlapiConfig } from './aimlapi-config.js';
import {
  aimlapiErrorFromResponse,
  aimlapiModelUnavailable,
  aimlapiErrorMessage,
  aimlapiSubmitError,
} from './aimlapi-errors.js';
import { aimlapiModels } from './aimlapi-models.js';
import {
  AimlapiOperationSchema,
  buildAimlapiImageRequest,
  buildAimlapiVideoRequest,
  type AimlapiOperation,
} from './aimlapi-request.js';
import { aimlapiCostUsd, aimlapiImageOutputs, mapAimlapiVideoResult } from './aimlapi-result.js';

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
  private readonly http: ProviderHttpClient;
  private readonly creditsPerUsd: number;

  constructor(config: AimlapiConfig) {
    this.id = config.id;
    this.models = mergeOfferings(aimlapiModels, config.models);
    // Paths carry their own version, so a configured `/v1` or `/v2` suffix is dropped.
    const baseUrl = aimlapiHost(config.baseUrl);
    this.http = ProviderHttpClient.fromConfig(
      { ...config, baseUrl },
      {
        defaultBaseUrl: baseUrl,
        headers: { authorization: `Bearer ${config.apiKey}` },
        mapError: (response) => aimlapiErrorFromResponse(config.id, response),
      },
    );
    this.creditsPerUsd = config.creditsPerUsd;
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    return request.kind === 'image'
      ? this.submitImage(request, context)
      : this.submitVideo(request, context);
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = parseOperation(this.id, AimlapiOperationSchema, operation);
    if (stored.kind === 'image') return this.storedImageResult(stored);
    let response: ProviderResponse;
    try {
      response = await this.http.request({
        method: 'GET',
        path: `/v2/video/generations?generation_id=${encodeURIComponent(stored.generationId)}`,
        signal: context.signal,
        mapError: (answer) => (answer.status === 404 ? this.unknownGeneration(answer) : undefined),
      });
    } catch (error) {
      return failedGenerationStatus(error);
    }
    const video = this.http.parse(AimlapiVideoSchema, response.json);
    return mapAimlapiVideoResult(this.id, video, this.creditsPerUsd, stored.durationSeconds);
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      const response = await this.http.request({
        method: 'GET',
        path: '/v2/billing',
        signal: context.signal,
      });
      const billing = this.http.parse(AimlapiBillingSchema, response.json);
      return { ok: true, credits: creditsFromBalance(billing.current_balance) };
    });
  }

  private async submitImage(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const { body, warnings } = buildAimlapiImageRequest(this.id, request);
    const response = await this.http.request({
      method: 'POST',
      path: '/v1/images/generations',
      json: body,
      signal: context.signal,
      mapError: (answer) => aimlapiModelUnavailable(this.id, answer, String(body.model)),
    });
    const image = this.http.parse(AimlapiImageResponseSchema, response.json);
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
    const { body, warnings } = await buildAimlapiVideoRequest(request);
    const response = await this.http.request({
      method: 'POST',
      path: '/v2/video/generations',
      json: body,
      signal: context.signal,
      mapError: (answer) => aimlapiModelUnavailable(this.id, answer, String(body.model)),
    });
    const video = this.http.parse(AimlapiVideoSchema, response.json);
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
        ? mapAimlapiVideoResult(this.id, video, this.creditsPerUsd, request.duration)
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
      return inlineResultGone(
        `The ${this.id} image result was returned inline and is no longer available.`,
      );
    }
    const size = { width: stored.width, height: stored.height };
    return {
      status: 'completed',
      outputs: stored.urls.map((url) => ({ type: 'url', url, ...size })),
      ...(stored.costUsd === undefined ? {} : { usage: { costUsd: stored.costUsd } }),
    };
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
