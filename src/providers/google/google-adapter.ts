import { mergeOfferings } from '../../catalog/merge-offerings.js';
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
import { checkHealth } from '../kernel/check-health.js';
import { inlineResultGone } from '../kernel/inline-result-gone.js';
import { parseOperation } from '../kernel/parse-operation.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import { ProviderHttpClient } from '../kernel/provider-http-client.js';
import {
  GenerateContentResponseSchema,
  GoogleOperationSchema,
  OperationNameSchema,
  VeoOperationSchema,
  type GoogleOperation,
} from './google-api-schemas.js';
import { googleDefaultBaseUrl, type GoogleConfig } from './google-config.js';
import { googleErrorFromResponse } from './google-errors.js';
import { buildGoogleImageRequest, mapGoogleImageResult } from './google-image-request.js';
import { googleModels } from './google-models.js';
import { buildGoogleVideoRequest, mapGoogleVideoResult } from './google-video-request.js';

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
  private readonly http: ProviderHttpClient;

  constructor(private readonly config: GoogleConfig) {
    this.id = config.id;
    this.models = mergeOfferings(googleModels, config.models);
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: googleDefaultBaseUrl,
      // The header, not `?key=`, so the key never appears in URLs (logs, proxies).
      headers: { 'x-goog-api-key': config.apiKey },
      mapError: (response) => googleErrorFromResponse(config.id, config.apiKey, response, 'status'),
    });
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    return request.kind === 'video'
      ? this.submitVideo(request, context)
      : this.submitImage(request, context);
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = parseOperation(this.id, GoogleOperationSchema, operation);
    // Images are answered synchronously; there is nothing to poll.
    if (stored.kind === 'image') return inlineResultGone();
    const response = await this.http.request({
      method: 'GET',
      path: `/${stored.name}`,
      signal: context.signal,
    });
    const veo = this.http.parse(VeoOperationSchema, response.json);
    return mapGoogleVideoResult(veo, stored, this.download());
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      // Listing one model is free and proves the key works.
      await this.http.request({
        method: 'GET',
        path: '/models?pageSize=1',
        signal: context.signal,
      });
    });
  }

  private async submitImage(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const call = await buildGoogleImageRequest(request, this.id);
    const response = await this.http.request({
      method: 'POST',
      path: `/models/${encodeURIComponent(request.offering.providerModelId)}:generateContent`,
      json: call.body,
      signal: context.signal,
      mapError: this.submitError,
    });
    const answer = this.http.parse(GenerateContentResponseSchema, response.json);
    const responseId = answer.responseId ?? context.attemptId;
    const operation: GoogleOperation = { kind: 'image', responseId };
    return { operation, providerJobId: responseId, immediate: mapGoogleImageResult(answer, call) };
  }

  private async submitVideo(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const call = await buildGoogleVideoRequest(request, this.id);
    const response = await this.http.request({
      method: 'POST',
      path: `/models/${encodeURIComponent(request.offering.providerModelId)}:predictLongRunning`,
      json: call.body,
      signal: context.signal,
      mapError: this.submitError,
    });
    const veo = this.http.parse(VeoOperationSchema, response.json);
    // The name goes into every later status URL; anything but a plain resource path is refused.
    const name = this.http.parse(OperationNameSchema, veo.name);
    const operation: Extract<GoogleOperation, { kind: 'video' }> = { ...call.operation, name };
    const immediate = veo.done ? mapGoogleVideoResult(veo, operation, this.download()) : undefined;
    return { operation, providerJobId: name, ...(immediate ? { immediate } : {}) };
  }

  /** Submit answers use the submit rules (a 404 there is an unknown model, not a lost job). */
  private readonly submitError = (response: ProviderErrorResponse) =>
    googleErrorFromResponse(this.id, this.config.apiKey, response, 'submit');

  /** Where finished Veo files are downloaded from, and with which key. */
  private download(): { baseUrl: string; apiKey: string } {
    return { baseUrl: this.http.baseUrl, apiKey: this.config.apiKey };
  }
}
