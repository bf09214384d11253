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
import { verifyWebhook } from '../../security/standard-webhooks.js';
import { checkHealth } from '../kernel/check-health.js';
import { imageReference, isHttpUrl } from '../kernel/image-reference.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { parseWebhookBody } from '../kernel/parse-webhook-body.js';
import { ProviderHttpClient } from '../kernel/provider-http-client.js';
import {
  ReplicateAccountSchema,
  ReplicatePredictionSchema,
  ReplicateWebhookSecretSchema,
} from './replicate-api-schemas.js';
import { buildReplicateRequest, replicateModelName } from './replicate-request.js';
import { replicateDefaultBaseUrl, type ReplicateConfig } from './replicate-config.js';
import { replicateErrorFromResponse, replicateModelUnavailable } from './replicate-errors.js';
import { replicateModels } from './replicate-models.js';
import { mapReplicateResult } from './replicate-result.js';

/** What the adapter stores per attempt: the prediction it created. */
const ReplicateOperationSchema = z.object({ predictionId: z.string().min(1) });

// Replicate's guidance: data URIs only for files under 1 MB; larger ones need a URL (a retryable
// refusal: a provider that takes large inline images can still serve the request).
const maxDataUriBytes = 1024 * 1024;
const modelNamePattern = /^[\w.-]+\/[\w.-]+$/;
const secretFetchTimeoutMs = 10_000;

/**
 * Replicate over its HTTP API (plain `fetch` via the shared `ProviderHttpClient`, not the
 * `replicate` SDK, whose client retries 429s and 5xx by itself with no switch to turn that off).
 * Official models are run with `POST /v1/models/{owner}/{name}/predictions`, pinned versions
 * (`owner/name:version`) with `POST /v1/predictions`; status, cancel and Standard-Webhooks-signed
 * callbacks follow.
 */
export class ReplicateAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'replicate';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly http: ProviderHttpClient;
  private secret: Promise<string> | undefined;

  constructor(
    private readonly config: ReplicateConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.id = config.id;
    this.models = mergeOfferings(replicateModels, config.models);
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: replicateDefaultBaseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      mapError: (response) => replicateErrorFromResponse(config.id, response),
    });
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const images = await Promise.all(
      request.inputImages.map((image) =>
        imageReference(image, {
          canFetch: isHttpUrl,
          inlineLimit: {
            providerId: this.id,
            maxBytes: maxDataUriBytes,
            message:
              'Replicate needs a public URL for input images over 1 MB; set SWITCHYARD_PUBLIC_URL',
          },
        }),
      ),
    );
    const { input, warnings } = buildReplicateRequest(this.id, request, images);
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
    const response = await this.http.request({
      method: 'POST',
      path,
      json: body,
      signal: context.signal,
      mapError: (answer) => replicateModelUnavailable(this.id, answer),
    });
    const prediction = this.http.parse(ReplicatePredictionSchema, response.json);
    const result = mapReplicateResult(prediction);
    return {
      operation: { predictionId: prediction.id },
      providerJobId: prediction.id,
      ...(warnings.length ? { warnings } : {}),
      ...(result.status === 'pending' ? {} : { immediate: result }),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const { predictionId } = this.operation(operation);
    const response = await this.http.request({
      method: 'GET',
      path: `/predictions/${encodeURIComponent(predictionId)}`,
      signal: context.signal,
    });
    return mapReplicateResult(this.http.parse(ReplicatePredictionSchema, response.json));
  }

  async cancel(operation: JsonValue, context: CallContext): Promise<void> {
    const { predictionId } = this.operation(operation);
    await this.http.request({
      method: 'POST',
      path: `/predictions/${encodeURIComponent(predictionId)}/cancel`,
      signal: context.signal,
    });
  }

  async parseWebhook(webhook: InboundWebhook): Promise<WebhookResult> {
    verifyWebhook({
      secret: await this.webhookSecret(),
      headers: webhook.headers,
      body: webhook.rawBody,
      toleranceSeconds: this.config.webhookToleranceSeconds,
      now: this.now(),
    });
    const prediction = parseWebhookBody(
      this.id,
      webhook.rawBody,
      ReplicatePredictionSchema,
      (failure) =>
        failure.reason === 'not_json'
          ? new ProviderError({
              providerId: this.id,
              code: 'provider_bad_response',
              message: 'Replicate sent a webhook whose body is not JSON.',
              cause: failure.cause,
            })
          : undefined,
    );
    return { providerJobId: prediction.id, result: mapReplicateResult(prediction) };
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      // Reading the account proves the token works and never bills.
      const response = await this.http.request({
        method: 'GET',
        path: '/account',
        signal: context.signal,
      });
      this.http.parse(ReplicateAccountSchema, response.json);
    });
  }

  /** The Standard Webhooks secret: configured, or fetched once (a failed fetch is retried next time). */
  private webhookSecret(): Promise<string> {
    if (this.config.webhookSecret) return Promise.resolve(this.config.webhookSecret);
    this.secret ??= this.http
      .request({
        method: 'GET',
        path: '/webhooks/default/secret',
        signal: AbortSignal.timeout(this.config.timeoutMs ?? secretFetchTimeoutMs),
      })
      .then((response) => this.http.parse(ReplicateWebhookSecretSchema, response.json).key)
      .catch((error: unknown) => {
        this.secret = undefined;
        throw error;
      });
    return this.secret;
  }

  private operation(operation: JsonValue): z.infer<typeof ReplicateOperationSchema> {
    return parseOperation(this.id, ReplicateOperationSchema, operation);
  }
}
