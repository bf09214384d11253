import { z } from 'zod';
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
import { checkHealth } from '../kernel/check-health.js';
import { imageReference } from '../kernel/image-reference.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { parseWebhookBody } from '../kernel/parse-webhook-body.js';
import { ProviderHttpClient, type ProviderResponse } from '../kernel/provider-http-client.js';
import {
  FalStatusResponseSchema,
  FalSubmitResponseSchema,
  FalWebhookBodySchema,
} from './fal-api-schemas.js';
import { falDefaultBaseUrl, type FalConfig } from './fal-config.js';
import { buildFalRequest } from './fal-request.js';
import { falErrorFromResponse, falFailureFromResult, falModelUnavailable } from './fal-errors.js';
import { mapFalResult } from './fal-result.js';
import { falModels } from './fal-models.js';
import { FalWebhookVerifier } from './fal-webhook.js';

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
  private readonly http: ProviderHttpClient;
  private readonly verifier: FalWebhookVerifier;

  constructor(
    private readonly config: FalConfig,
    now: () => number = Date.now,
  ) {
    this.id = config.id;
    this.models = mergeOfferings(falModels, config.models);
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: falDefaultBaseUrl,
      headers: { authorization: `Key ${config.apiKey}` },
      mapError: (response) => falErrorFromResponse(config.id, response),
    });
    this.verifier = new FalWebhookVerifier({
      providerId: config.id,
      jwksUrl: config.jwksUrl,
      now,
      timeoutMs: config.timeoutMs,
    });
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const endpointId = request.offering.providerModelId;
    // Without a public URL the bytes go inline; fal documents data URIs for (some) file inputs.
    const imageUrls = await Promise.all(request.inputImages.map((image) => imageReference(image)));
    const { input, warnings } = buildFalRequest(request, imageUrls);
    const query = context.callbackUrl
      ? `?${new URLSearchParams({ fal_webhook: context.callbackUrl }).toString()}`
      : '';
    const response = await this.http.request({
      method: 'POST',
      path: `/${endpointPath(endpointId)}${query}`,
      json: input,
      signal: context.signal,
      mapError: (answer) => falModelUnavailable(this.id, answer),
    });
    const submitted = this.http.parse(FalSubmitResponseSchema, response.json);
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
    const response = await this.http.request({
      method: 'GET',
      path: `${requestPath(stored)}/status`,
      signal: context.signal,
    });
    const status = this.http.parse(FalStatusResponseSchema, response.json);
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
      await this.http.request({
        method: 'PUT',
        path: `${requestPath(stored)}/cancel`,
        signal: context.signal,
      });
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
    const body = parseWebhookBody(this.id, webhook.rawBody, FalWebhookBodySchema);
    if (body.request_id !== requestId) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} webhook body names another request than its signed header.`,
      });
    }
    return { providerJobId: requestId, result: webhookResult(body) };
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(
      async () => {
        await this.http.request({
          method: 'GET',
          path: `/fal-ai/flux/requests/${healthProbeRequestId}/status`,
          signal: context.signal,
        });
      },
      // Not found (or refused as malformed) means the key got through.
      { acceptStatuses: [404, 400, 422] },
    );
  }

  private async result(stored: FalOperation, signal: AbortSignal): Promise<StatusResult> {
    let failure: StatusResult | undefined;
    let response: ProviderResponse;
    try {
      response = await this.http.request({
        method: 'GET',
        path: requestPath(stored),
        signal,
        mapError: (errorResponse) => {
          failure = falFailureFromResult(errorResponse);
          return undefined;
        },
      });
    } catch (error) {
      if (failure) return failure;
      throw error;
    }
    const result = mapFalResult(response.json, { durationSeconds: stored.durationSeconds });
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

  private parseOperation(operation: JsonValue): FalOperation {
    return parseOperation(this.id, FalOperationSchema, operation);
  }
}

/** A request's URL path: `{owner}/{app}` of the endpoint, then the request id. */
function requestPath(stored: FalOperation): string {
  return `/${endpointPath(appIdOf(stored.endpointId))}/requests/${encodeURIComponent(stored.requestId)}`;
}

/** `{owner}/{app}` of an endpoint id: fal's status/result/cancel URLs drop the subpath. */
function appIdOf(endpointId: string): string {
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
  return mapFalResult(body.payload) ?? { status: 'pending', phase: 'running' };
}
