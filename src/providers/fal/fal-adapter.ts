import { parseOperation } from '../kernel/parse-operation.js';
import { z } from 'zod';
import { estimateCost } from '../../catalog/estimate-cost.js';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type {
  CallContext,
  HealthCheckResult,
  InboundWebhook,
  JsonValue,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
  WebhookResult,
} from '../../core/provider-adapter.js';
import {
  callProvider,
  parseProviderResponse,
  type ProviderResponse,
} from '../kernel/call-provider.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import {
  FalStatusResponseSchema,
  FalSubmitResponseSchema,
  FalWebhookBodySchema,
} from './fal-api-schemas.js';
import { falDefaultBaseUrl, type FalConfig } from './fal-config.js';
import { buildFalInput } from './fal-build-input.js';
import { falErrorFromResponse, falFailureFromResult } from './fal-errors.js';
import { mapFalOutput } from './fal-map-output.js';
import { falModels } from './fal-models.js';
import { FalWebhookVerifier } from './fal-webhook-verifier.js';

/** What the adapter stores per attempt. */
const FalOperationSchema = z.object({
  endpointId: z.string().min(1),
  requestId: z.string().min(1),
  durationSeconds: z.number().optional(),
});
type FalOperation = z.infer<typeof FalOperationSchema>;

/** A request id that cannot exist; its status lookup proves the key works without billing. */
const healthProbeRequestId = '00000000-0000-0000-0000-000000000000';

/**
 * fal.ai over its queue API, in plain HTTP against the configured base URL (default
 * `https://queue.fal.run`): submit → status → result, cancel, and ED25519-signed webhooks.
 * Status, result and cancel URLs use only `{owner}/{app}` of the endpoint id (fal's rule), and
 * are built from the configured base rather than taken from fal's answers.
 */
export class FalAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'fal';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly baseUrl: string;
  private readonly verifier: FalWebhookVerifier;

  constructor(
    private readonly config: FalConfig,
    now: () => number = Date.now,
  ) {
    this.id = config.id;
    this.models = mergeOfferings(falModels, config.models);
    this.baseUrl = (config.baseUrl ?? falDefaultBaseUrl).replace(/\/+$/, '');
    this.verifier = new FalWebhookVerifier({
      providerId: config.id,
      jwksUrl: config.jwksUrl,
      now,
      timeoutMs: config.timeoutMs,
    });
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const endpointId = request.offering.providerModelId;
    const imageUrls = await Promise.all(
      request.inputImages.map(async (image) => {
        if (image.url) return image.url;
        // No public URL: inline the bytes; fal documents data URIs for (some) file inputs.
        const { data, mimeType } = await image.read();
        return `data:${mimeType};base64,${data.toString('base64')}`;
      }),
    );
    const { input, warnings } = buildFalInput(request, imageUrls);
    const url = new URL(`${this.baseUrl}/${endpointPath(endpointId)}`);
    if (context.callbackUrl) url.searchParams.set('fal_webhook', context.callbackUrl);
    const response = await this.call('POST', url.toString(), context.signal, input);
    const submitted = parseProviderResponse(this.id, FalSubmitResponseSchema, response.json);
    const operation: FalOperation = {
      endpointId,
      requestId: submitted.request_id,
      ...(request.kind === 'video' && request.duration !== undefined
        ? { durationSeconds: request.duration }
        : {}),
    };
    return {
      operation,
      providerJobId: submitted.request_id,
      ...(warnings.length ? { warnings } : {}),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = this.parseOperation(operation);
    const response = await this.call('GET', `${this.requestUrl(stored)}/status`, context.signal);
    const status = parseProviderResponse(this.id, FalStatusResponseSchema, response.json);
    switch (status.status) {
      case 'IN_QUEUE':
        return { status: 'pending', phase: 'queued' };
      case 'IN_PROGRESS':
        return { status: 'pending', phase: 'running' };
      case 'COMPLETED':
        if (status.error) {
          return {
            status: 'failed',
            code: 'provider_generation_failed',
            message: `fal failed the request: ${status.error.slice(0, 300)}`,
            isRetryable: true,
          };
        }
        return this.result(stored, context.signal);
      default:
        throw new ProviderError({
          providerId: this.id,
          code: 'provider_bad_response',
          message: `${this.id} reported an unknown queue status '${status.status.slice(0, 50)}'.`,
          responseBody: response.text,
        });
    }
  }

  async cancel(operation: JsonValue, context: CallContext): Promise<void> {
    const stored = this.parseOperation(operation);
    try {
      await this.call('PUT', `${this.requestUrl(stored)}/cancel`, context.signal);
    } catch (error) {
      // Already finished or unknown: there is nothing left to stop.
      if (
        error instanceof ProviderError &&
        /ALREADY_COMPLETED|NOT_FOUND/.test(error.responseBody ?? '')
      )
        return;
      throw error;
    }
  }

  async parseWebhook(webhook: InboundWebhook): Promise<WebhookResult> {
    const requestId = await this.verifier.verify(webhook);
    let json: unknown;
    try {
      json = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch {
      json = undefined;
    }
    const body = parseProviderResponse(this.id, FalWebhookBodySchema, json);
    if (body.request_id !== requestId) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} webhook body names another request than its signed header.`,
      });
    }
    return { providerJobId: requestId, result: webhookResult(body) };
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await this.call(
        'GET',
        `${this.baseUrl}/fal-ai/flux/requests/${healthProbeRequestId}/status`,
        context.signal,
      );
      return { ok: true, latencyMs: latency() };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // Not found (or refused as malformed) means the key got through.
      if (error.statusCode === 404 || error.statusCode === 400 || error.statusCode === 422) {
        return { ok: true, latencyMs: latency() };
      }
      const exhausted = error.code === 'provider_insufficient_credits';
      return {
        ok: false,
        latencyMs: latency(),
        error: error.message,
        ...(exhausted ? { credits: { exhausted } } : {}),
      };
    }
  }

  private async result(stored: FalOperation, signal: AbortSignal): Promise<StatusResult> {
    let failure: StatusResult | undefined;
    let response: ProviderResponse;
    try {
      response = await this.call(
        'GET',
        this.requestUrl(stored),
        signal,
        undefined,
        (errorResponse) => {
          failure = falFailureFromResult(errorResponse);
        },
      );
    } catch (error) {
      if (failure) return failure;
      throw error;
    }
    const result = mapFalOutput(response.json, { durationSeconds: stored.durationSeconds });
    if (!result) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} returned a result without images or video.`,
        responseBody: response.text,
      });
    }
    return result;
  }

  private call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    signal: AbortSignal,
    json?: unknown,
    onError?: (response: ProviderErrorResponse) => void,
  ): Promise<ProviderResponse> {
    return callProvider({
      providerId: this.id,
      method,
      url,
      headers: { authorization: `Key ${this.config.apiKey}` },
      json,
      signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (response) => {
        onError?.(response);
        return falErrorFromResponse(this.id, response);
      },
    });
  }

  private requestUrl(stored: FalOperation): string {
    return `${this.baseUrl}/${endpointPath(appIdOf(stored.endpointId))}/requests/${encodeURIComponent(stored.requestId)}`;
  }

  private parseOperation(operation: JsonValue): FalOperation {
    return parseOperation(this.id, FalOperationSchema, operation);
  }
}

/** `{owner}/{app}` of an endpoint id: fal's status/result/cancel URLs drop the subpath. */
export function appIdOf(endpointId: string): string {
  return endpointId.split('/').filter(Boolean).slice(0, 2).join('/');
}

function endpointPath(endpointId: string): string {
  return endpointId.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

function webhookResult(body: z.infer<typeof FalWebhookBodySchema>): StatusResult {
  if (body.status === 'ERROR') {
    const status = Number(/(\d{3})/.exec(body.error ?? '')?.[1] ?? 500);
    const failure = falFailureFromResult({
      status,
      headers: new Headers(),
      text: body.error ?? '',
      json: body.payload,
    });
    return (
      failure ?? {
        status: 'failed',
        code: 'provider_generation_failed',
        message: `fal failed the request: ${(body.error ?? 'unknown error').slice(0, 300)}`,
        isRetryable: true,
      }
    );
  }
  // fal sends `payload: null` with `payload_error` when the output was not serialisable: the
  // result is still fetchable, so let polling pick it up.
  return mapFalOutput(body.payload) ?? { status: 'pending', phase: 'running' };
}
