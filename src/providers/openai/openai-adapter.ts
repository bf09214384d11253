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
import { checkHealth } from '../kernel/check-health.js';
import { inlineResultGone } from '../kernel/inline-result-gone.js';
import { parseOperation } from '../kernel/parse-operation.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import { ProviderHttpClient } from '../kernel/provider-http-client.js';
import {
  OpenAIImagesResponseSchema,
  OpenAIOperationSchema,
  OpenAIVideoSchema,
  type OpenAIOperation,
} from './openai-api-schemas.js';
import { openaiDefaultBaseUrl, type OpenAIConfig } from './openai-config.js';
import { openaiErrorFromResponse } from './openai-errors.js';
import { buildOpenAIImageRequest, mapOpenAIImageResult } from './openai-image-request.js';
import { openaiModels } from './openai-models.js';
import { buildOpenAIVideoRequest, mapOpenAIVideoResult } from './openai-video-request.js';

/**
 * OpenAI over plain HTTP (the shared `ProviderHttpClient`): the Images API (synchronous; base64
 * answers become `bytes` outputs) and the Videos API for Sora (create, then polled by the
 * engine; the finished MP4 is downloaded from `/videos/{id}/content` with the key). No
 * webhooks (OpenAI's are project-level, configured in its dashboard) and no cancel (the API
 * has none; `DELETE` only removes finished videos).
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'openai';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly http: ProviderHttpClient;

  constructor(private readonly config: OpenAIConfig) {
    this.id = config.id;
    this.models = mergeOfferings(openaiModels, config.models);
    const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}` };
    if (config.organization) headers['openai-organization'] = config.organization;
    if (config.project) headers['openai-project'] = config.project;
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: openaiDefaultBaseUrl,
      headers,
      mapError: (response) => openaiErrorFromResponse(config.id, config.apiKey, response, 'status'),
    });
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    return request.kind === 'video'
      ? this.submitVideo(request, context)
      : this.submitImage(request, context);
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const stored = parseOperation(this.id, OpenAIOperationSchema, operation);
    // Images are answered synchronously; there is nothing to poll.
    if (stored.kind === 'image') return inlineResultGone();
    const response = await this.http.request({
      method: 'GET',
      path: `/videos/${encodeURIComponent(stored.videoId)}`,
      signal: context.signal,
    });
    const video = this.http.parse(OpenAIVideoSchema, response.json);
    return mapOpenAIVideoResult(this.id, video, stored, this.download());
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      // Listing models is free and proves the key works.
      await this.http.request({ method: 'GET', path: '/models', signal: context.signal });
    });
  }

  private async submitImage(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const call = await buildOpenAIImageRequest(request, this.id);
    const response = await this.http.request({
      method: 'POST',
      path: call.path,
      ...(call.path === '/images/generations' ? { json: call.json } : { body: call.form }),
      signal: context.signal,
      mapError: this.submitError,
    });
    const images = this.http.parse(OpenAIImagesResponseSchema, response.json);
    const immediate = mapOpenAIImageResult(this.id, request, call.size, images);
    // The Images API has no job id; OpenAI's request id identifies the call in its logs.
    const requestId = response.headers.get('x-request-id') ?? context.attemptId;
    const operation: OpenAIOperation = { kind: 'image', requestId };
    return {
      operation,
      providerJobId: requestId,
      immediate,
      ...(call.warnings.length ? { warnings: call.warnings } : {}),
    };
  }

  private async submitVideo(
    request: ProviderRequest,
    context: SubmitContext,
  ): Promise<SubmitResult> {
    const create = await buildOpenAIVideoRequest(request, this.id);
    const response = await this.http.request({
      method: 'POST',
      path: '/videos',
      body: create.form,
      signal: context.signal,
      mapError: this.submitError,
    });
    const video = this.http.parse(OpenAIVideoSchema, response.json);
    // The id goes into later URL paths; anything but OpenAI's `video_…` shape is refused.
    if (!/^[A-Za-z0-9_-]+$/.test(video.id)) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} returned an unusable video id.`,
      });
    }
    const operation: Extract<OpenAIOperation, { kind: 'video' }> = {
      ...create.operation,
      videoId: video.id,
    };
    // A create can already be `failed` (moderation at submission); report it right away.
    const immediate =
      video.status === 'failed'
        ? mapOpenAIVideoResult(this.id, video, operation, this.download())
        : undefined;
    return { operation, providerJobId: video.id, ...(immediate ? { immediate } : {}) };
  }

  /** Submit answers use the submit rules (a 404 there is an unknown model, not a lost job). */
  private readonly submitError = (response: ProviderErrorResponse) =>
    openaiErrorFromResponse(this.id, this.config.apiKey, response, 'submit');

  /** Where finished videos are downloaded from, and with which key. */
  private download(): { baseUrl: string; apiKey: string } {
    return { baseUrl: this.http.baseUrl, apiKey: this.config.apiKey };
  }
}
