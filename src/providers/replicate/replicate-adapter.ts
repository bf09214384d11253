import { parseOperation } from '../kernel/parse-operation.js';
import { z } from 'zod';
import { estimateCost } from '../../catalog/estimate-cost.js';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { ProviderError } from '../../core/errors/index.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type {
  CallContext,
  HealthCheckResult,
  ImageInput,
  InboundWebhook,
  JsonValue,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
  WebhookResult,
} from '../../core/provider-adapter.js';
import { verifyWebhook } from '../../security/standard-webhooks.js';
import {
  callProvider,
  parseProviderResponse,
  type ProviderResponse,
} from '../kernel/call-provider.js';
import {
  ReplicateAccountSchema,
  ReplicatePredictionSchema,
  ReplicateWebhookSecretSchema,
} from './replicate-api-schemas.js';
import { buildReplicateInput, replicateModelName } from './replicate-build-input.js';
import { replicateDefaultBaseUrl, type ReplicateConfig } from './replicate-config.js';
import { replicateErrorFromResponse } from './replicate-errors.js';
import { replicateModels } from './replicate-models.js';
import { predictionToStatus } from './replicate-prediction-status.js';

/** What the adapter stores per attempt: the prediction it created. */
const ReplicateOperationSchema = z.object({ predictionId: z.string().min(1) });

// Replicate's guidance: data URIs only for files under 1 MB; larger ones need a URL.
const maxDataUriBytes = 1024 * 1024;
const modelNamePattern = /^[\w.-]+\/[\w.-]+$/;
const secretFetchTimeoutMs = 10_000;

/**
 * Replicate over its HTTP API (plain `fetch` via `callProvider`, not the `replicate` SDK, whose
 * client retries 429s and 5xx by itself with no switch to turn that off). Official models are
 * run with `POST /v1/models/{owner}/{name}/predictions`, pinned versions (`owner/name:version`)
 * with `POST /v1/predictions`; status, cancel and Standard-Webhooks-signed callbacks follow.
 */
export class ReplicateAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'replicate';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly baseUrl: string;
  private secret: Promise<string> | undefined;

  constructor(
    private readonly config: ReplicateConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.id = config.id;
    this.models = mergeOfferings(replicateModels, config.models);
    this.baseUrl = (config.baseUrl ?? replicateDefaultBaseUrl).replace(/\/+$/, '');
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const images = await Promise.all(
      request.inputImages.map((image) => this.imageReference(image)),
    );
    const { input, warnings } = buildReplicateInput(this.id, request, images);
    const reference = request.offering.providerModelId;
    const name = replicateModelName(reference);
    if (!modelNamePattern.test(name)) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_invalid_request',
        message: `'${reference}' is not a Replicate model reference (owner/name[:version]).`,
      });
    }
    const version = reference.slice(name.length + 1);
    const body: Record<string, JsonValue> = version ? { version, input } : { input };
    if (context.callbackUrl) {
      body.webhook = context.callbackUrl;
      // One callback when the prediction is done; progress still comes from polling.
      body.webhook_events_filter = ['completed'];
    }
    const path = version ? '/predictions' : `/models/${name}/predictions`;
    const response = await this.call('POST', path, context.signal, body);
    const prediction = parseProviderResponse(this.id, ReplicatePredictionSchema, response.json);
    const result = predictionToStatus(prediction);
    return {
      operation: { predictionId: prediction.id },
      providerJobId: prediction.id,
      ...(warnings.length ? { warnings } : {}),
      ...(result.status === 'pending' ? {} : { immediate: result }),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const { predictionId } = this.operation(operation);
    const response = await this.call(
      'GET',
      `/predictions/${encodeURIComponent(predictionId)}`,
      context.signal,
    );
    return predictionToStatus(
      parseProviderResponse(this.id, ReplicatePredictionSchema, response.json),
    );
  }

  async cancel(operation: JsonValue, context: CallContext): Promise<void> {
    const { predictionId } = this.operation(operation);
    await this.call(
      'POST',
      `/predictions/${encodeURIComponent(predictionId)}/cancel`,
      context.signal,
    );
  }

  async parseWebhook(webhook: InboundWebhook): Promise<WebhookResult> {
    verifyWebhook({
      secret: await this.webhookSecret(),
      headers: webhook.headers,
      body: webhook.rawBody,
      toleranceSeconds: this.config.webhookToleranceSeconds,
      now: this.now(),
    });
    let body: unknown;
    try {
      body = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch (error) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: 'Replicate sent a webhook whose body is not JSON.',
        cause: error,
      });
    }
    const prediction = parseProviderResponse(this.id, ReplicatePredictionSchema, body);
    return { providerJobId: prediction.id, result: predictionToStatus(prediction) };
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    try {
      // Reading the account proves the token works and never bills.
      const response = await this.call('GET', '/account', context.signal);
      parseProviderResponse(this.id, ReplicateAccountSchema, response.json);
      return { ok: true, latencyMs: Date.now() - started };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const exhausted = error.code === 'provider_insufficient_credits';
      return {
        ok: false,
        latencyMs: Date.now() - started,
        error: error.message,
        ...(exhausted ? { credits: { exhausted } } : {}),
      };
    }
  }

  /** The Standard Webhooks secret: configured, or fetched once (a failed fetch is retried next time). */
  private webhookSecret(): Promise<string> {
    if (this.config.webhookSecret) return Promise.resolve(this.config.webhookSecret);
    this.secret ??= this.call(
      'GET',
      '/webhooks/default/secret',
      AbortSignal.timeout(this.config.timeoutMs ?? secretFetchTimeoutMs),
    )
      .then(
        (response) =>
          parseProviderResponse(this.id, ReplicateWebhookSecretSchema, response.json).key,
      )
      .catch((error: unknown) => {
        this.secret = undefined;
        throw error;
      });
    return this.secret;
  }

  private async imageReference(image: ImageInput): Promise<string> {
    if (image.url && /^https?:\/\//i.test(image.url)) return image.url;
    const { data, mimeType } = await image.read();
    if (data.length > maxDataUriBytes) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_invalid_request',
        // Retryable: a provider that takes large inline images can still serve the request.
        isRetryable: true,
        message:
          'Replicate needs a public URL for input images over 1 MB; set SWITCHYARD_PUBLIC_URL',
      });
    }
    return `data:${mimeType};base64,${data.toString('base64')}`;
  }

  private operation(operation: JsonValue): z.infer<typeof ReplicateOperationSchema> {
    return parseOperation(this.id, ReplicateOperationSchema, operation);
  }

  private call(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    json?: unknown,
  ): Promise<ProviderResponse> {
    return callProvider({
      providerId: this.id,
      method,
      url: `${this.baseUrl}${path}`,
      headers: { authorization: `Bearer ${this.config.apiKey}` },
      json,
      signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (response) => replicateErrorFromResponse(this.id, response),
    });
  }
}
