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
  type ProviderResponse,
} from '../kernel/call-provider.js';
import {
  GenerateContentResponseSchema,
  GoogleOperationSchema,
  OperationNameSchema,
  VeoOperationSchema,
  type GoogleOperation,
} from './google-api-schemas.js';
import { googleDefaultBaseUrl, type GoogleConfig } from './google-config.js';
import { googleErrorFromResponse } from './google-errors.js';
import { buildGeminiImageCall, mapGeminiImages } from './google-image-request.js';
import { googleModels } from './google-models.js';
import { buildVeoCall, mapVeoOperation } from './google-video-request.js';

interface GoogleCall {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  signal: AbortSignal;
  phase: 'submit' | 'status';
}

/**
 * The Gemini Developer API over plain HTTP (`x-goog-api-key`): Gemini image models through
 * `generateContent` (synchronous, inline base64 → `bytes`), Veo through `predictLongRunning`
 * (an operation the engine polls with `GET {name}`; the finished video is a file URI the engine
 * downloads with the key). No cancel (the SDK offers none for video operations) and no webhooks
 * (Gemini's webhooks are in beta; see README).
 */
export class GoogleAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'google';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly baseUrl: string;

  constructor(private readonly config: GoogleConfig) {
    this.id = config.id;
    this.models = mergeOfferings(googleModels, config.models);
    this.baseUrl = (config.baseUrl ?? googleDefaultBaseUrl).replace(/\/+$/, '');
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    return request.kind === 'video'
      ? this.submitVideo(request, context)
      : this.submitImage(request, context);
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = parseOperation(this.id, GoogleOperationSchema, operation);
    if (stored.kind === 'image') {
      // generateContent answers synchronously; the bytes went with the submit and cannot be
      // fetched again (only reached when the gateway stopped before storing them).
      return {
        status: 'failed',
        code: 'provider_bad_response',
        message: 'The image result was returned synchronously and is no longer retrievable.',
        isRetryable: true,
      };
    }
    const response = await this.call({
      method: 'GET',
      path: `/${stored.name}`,
      signal: context.signal,
      phase: 'status',
    });
    const veo = parseProviderResponse(this.id, VeoOperationSchema, response.json);
    return mapVeoOperation(veo, stored, { baseUrl: this.baseUrl, apiKey: this.config.apiKey });
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    try {
      // Listing one model is free and proves the key works.
      await this.call({
        method: 'GET',
        path: '/models?pageSize=1',
        signal: context.signal,
        phase: 'status',
      });
      return { ok: true, latencyMs: Date.now() - started };
    } catch (error) {
      const latencyMs = Date.now() - started;
      if (!(error instanceof ProviderError)) throw error;
      return {
        ok: false,
        latencyMs,
        error: error.message,
        ...(error.code === 'provider_insufficient_credits' ? { credits: { exhausted: true } } : {}),
      };
    }
  }

  private async submitImage(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const call = await buildGeminiImageCall(request, this.id);
    const response = await this.call({
      method: 'POST',
      path: `/models/${encodeURIComponent(request.offering.providerModelId)}:generateContent`,
      json: call.body,
      signal: context.signal,
      phase: 'submit',
    });
    const answer = parseProviderResponse(this.id, GenerateContentResponseSchema, response.json);
    const responseId = answer.responseId ?? context.attemptId;
    const operation: GoogleOperation = { kind: 'image', responseId };
    return { operation, providerJobId: responseId, immediate: mapGeminiImages(answer, call) };
  }

  private async submitVideo(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const call = await buildVeoCall(request, this.id);
    const response = await this.call({
      method: 'POST',
      path: `/models/${encodeURIComponent(request.offering.providerModelId)}:predictLongRunning`,
      json: call.body,
      signal: context.signal,
      phase: 'submit',
    });
    const veo = parseProviderResponse(this.id, VeoOperationSchema, response.json);
    // The name goes into every later status URL; anything but a plain resource path is refused.
    const name = parseProviderResponse(this.id, OperationNameSchema, veo.name);
    const operation: Extract<GoogleOperation, { kind: 'video' }> = { ...call.operation, name };
    const immediate = veo.done
      ? mapVeoOperation(veo, operation, { baseUrl: this.baseUrl, apiKey: this.config.apiKey })
      : undefined;
    return { operation, providerJobId: name, ...(immediate ? { immediate } : {}) };
  }

  private call(options: GoogleCall): Promise<ProviderResponse> {
    return callProvider({
      providerId: this.id,
      method: options.method,
      url: `${this.baseUrl}${options.path}`,
      // The header, not `?key=`, so the key never appears in URLs (logs, proxies).
      headers: { 'x-goog-api-key': this.config.apiKey },
      ...(options.json !== undefined ? { json: options.json } : {}),
      signal: options.signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (response) =>
        googleErrorFromResponse(this.id, this.config.apiKey, response, options.phase),
    });
  }
}
