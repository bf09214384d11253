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
  OpenAIImagesResponseSchema,
  OpenAIOperationSchema,
  OpenAIVideoSchema,
  type OpenAIOperation,
} from './openai-api-schemas.js';
import { openaiDefaultBaseUrl, type OpenAIConfig } from './openai-config.js';
import { openaiErrorFromResponse } from './openai-errors.js';
import { buildOpenAIImageCall, mapOpenAIImages } from './openai-image-request.js';
import { openaiModels } from './openai-models.js';
import { buildSoraCreate, mapSoraVideo } from './openai-video-request.js';

interface OpenAICall {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  form?: FormData;
  signal: AbortSignal;
  phase: 'submit' | 'status';
}

/**
 * OpenAI over plain HTTP (the shared `callProvider`): the Images API (synchronous; base64
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
  private readonly baseUrl: string;

  constructor(private readonly config: OpenAIConfig) {
    this.id = config.id;
    this.models = mergeOfferings(openaiModels, config.models);
    this.baseUrl = (config.baseUrl ?? openaiDefaultBaseUrl).replace(/\/+$/, '');
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
    const stored = parseOperation(this.id, OpenAIOperationSchema, operation);
    if (stored.kind === 'image') {
      // Images are answered synchronously; their bytes went with the submit and cannot be
      // fetched again (this only happens when the gateway stopped before storing them).
      return {
        status: 'failed',
        code: 'provider_bad_response',
        message: 'The image result was returned synchronously and is no longer retrievable.',
        isRetryable: true,
      };
    }
    const response = await this.call({
      method: 'GET',
      path: `/videos/${encodeURIComponent(stored.videoId)}`,
      signal: context.signal,
      phase: 'status',
    });
    const video = parseProviderResponse(this.id, OpenAIVideoSchema, response.json);
    return mapSoraVideo(this.id, video, stored, {
      baseUrl: this.baseUrl,
      apiKey: this.config.apiKey,
    });
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    try {
      // Listing models is free and proves the key works.
      await this.call({ method: 'GET', path: '/models', signal: context.signal, phase: 'status' });
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
    const call = await buildOpenAIImageCall(request, this.id);
    const response = await this.call({
      method: 'POST',
      path: call.path,
      ...(call.path === '/images/generations' ? { json: call.json } : { form: call.form }),
      signal: context.signal,
      phase: 'submit',
    });
    const images = parseProviderResponse(this.id, OpenAIImagesResponseSchema, response.json);
    const immediate = mapOpenAIImages(this.id, request, call.size, images);
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
    const create = await buildSoraCreate(request, this.id);
    const response = await this.call({
      method: 'POST',
      path: '/videos',
      form: create.form,
      signal: context.signal,
      phase: 'submit',
    });
    const video = parseProviderResponse(this.id, OpenAIVideoSchema, response.json);
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
        ? mapSoraVideo(this.id, video, operation, {
            baseUrl: this.baseUrl,
            apiKey: this.config.apiKey,
          })
        : undefined;
    return { operation, providerJobId: video.id, ...(immediate ? { immediate } : {}) };
  }

  private call(options: OpenAICall): Promise<ProviderResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.config.apiKey}` };
    if (this.config.organization) headers['openai-organization'] = this.config.organization;
    if (this.config.project) headers['openai-project'] = this.config.project;
    return callProvider({
      providerId: this.id,
      method: options.method,
      url: `${this.baseUrl}${options.path}`,
      headers,
      ...(options.json !== undefined ? { json: options.json } : {}),
      ...(options.form ? { body: options.form } : {}),
      signal: options.signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (response) =>
        openaiErrorFromResponse(this.id, this.config.apiKey, response, options.phase),
    });
  }
}
