import { z } from 'zod';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { ProviderError, WebhookVerificationError } from '../../core/errors/index.js';
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
import { checkHealth, creditsFromBalance } from '../kernel/check-health.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { parseWebhookBody } from '../kernel/parse-webhook-body.js';
import { ProviderHttpClient, type ProviderHttpRequest } from '../kernel/provider-http-client.js';
import {
  KieaiCallbackSchema,
  KieaiRunwayRecordSchema,
  KieaiTaskCreatedSchema,
  KieaiVeoRecordSchema,
} from './kieai-api-schemas.js';
import { buildKieaiRequest } from './kieai-request.js';
import { kieaiDefaultBaseUrl, type KieaiConfig } from './kieai-config.js';
import { kieaiErrorFromResponse, unwrapKieaiEnvelope } from './kieai-errors.js';
import { mapKieaiRunwayResult, mapKieaiVeoResult } from './kieai-result.js';
import { kieaiFamilyOf, kieaiModels, type KieaiFamily } from './kieai-models.js';
import { verifyKieaiWebhook } from './kieai-webhook.js';

/** What the adapter stores per attempt. */
const KieaiOperationSchema = z.object({
  family: z.enum(['veo', 'runway']),
  taskId: z.string().min(1),
  durationSeconds: z.number().optional(),
  resolution: z.string().optional(),
});
type KieaiOperation = z.infer<typeof KieaiOperationSchema>;

/** Veo on Kie.ai takes seeds in this range only (its generate docs). */
const veoSeedRange = { min: 10_000, max: 99_999 };

/**
 * Kie.ai over plain HTTP: the Veo 3.1 family (`/api/v1/veo/generate` + `record-info`) and the
 * Runway family (`/api/v1/runway/generate` + `record-detail`), the `{code, msg, data}` envelope,
 * and HMAC-signed callbacks when a `webhookHmacKey` is configured. No cancel, no lookup by a
 * client-chosen id.
 */
export class KieaiAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'kieai';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  /**
   * Present only with a `webhookHmacKey`: Kie signs callbacks only when that key is enabled,
   * and the job engine treats a `parseWebhook` as "callbacks will come" (it polls less).
   */
  readonly parseWebhook?: (webhook: InboundWebhook) => Promise<WebhookResult>;
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly config: KieaiConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.id = config.id;
    const webhooks = config.webhookHmacKey !== undefined;
    this.models = mergeOfferings(kieaiModels, config.models).map((offering) =>
      webhooks
        ? offering
        : { ...offering, capabilities: { ...offering.capabilities, supportsWebhook: false } },
    );
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: kieaiDefaultBaseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      mapError: (response) => kieaiErrorFromResponse(config.id, response),
    });
    const hmacKey = config.webhookHmacKey;
    if (hmacKey !== undefined)
      this.parseWebhook = (webhook) => this.verifiedWebhook(webhook, hmacKey);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const family = kieaiFamilyOf(request.offering.providerModelId);
    if (!family) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_invalid_request',
        message: `${this.id} has no API family for model '${request.offering.providerModelId}' (expected veo3… or runway…).`,
      });
    }
    const imageUrls = request.inputImages.map((image) => {
      // Kie fetches inputs itself and documents URLs only.
      if (!image.url) {
        throw new ProviderError({
          providerId: this.id,
          code: 'provider_invalid_request',
          isRetryable: true,
          message: 'Kie.ai needs a public URL for input images; set SWITCHYARD_PUBLIC_URL',
        });
      }
      return image.url;
    });
    if (
      family === 'veo' &&
      request.seed !== undefined &&
      (request.seed < veoSeedRange.min || request.seed > veoSeedRange.max)
    ) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_invalid_request',
        isRetryable: true,
        message: `Veo on Kie.ai accepts seeds ${veoSeedRange.min}–${veoSeedRange.max}; got ${request.seed}.`,
      });
    }
    // Without an HMAC key a callback could not be verified, so none is registered.
    const callbackUrl = this.config.webhookHmacKey !== undefined ? context.callbackUrl : undefined;
    const call = buildKieaiRequest(request, family, imageUrls, callbackUrl);
    const data = await this.data({
      method: 'POST',
      path: call.path,
      json: call.body,
      signal: context.signal,
    });
    const created = this.http.parse(KieaiTaskCreatedSchema, data);
    const operation: KieaiOperation = {
      family,
      taskId: created.taskId,
      ...(request.duration !== undefined ? { durationSeconds: request.duration } : {}),
      ...(request.resolution !== undefined ? { resolution: request.resolution } : {}),
    };
    return {
      operation,
      providerJobId: created.taskId,
      ...(call.warnings.length ? { warnings: call.warnings } : {}),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    return this.record(parseOperation(this.id, KieaiOperationSchema, operation), context.signal);
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    return checkHealth(async () => {
      // The balance endpoint: free, and it proves the key works.
      const data = await this.data({
        method: 'GET',
        path: '/api/v1/chat/credit',
        signal: context.signal,
      });
      const credits = this.http.parse(z.number(), data);
      return { ok: true, credits: creditsFromBalance(credits * this.config.usdPerCredit) };
    });
  }

  /**
   * Kie signs only `taskId + "." + timestamp`, not the body: a valid signature proves Kie sent
   * a callback for that task, not what the body says. So the body only names the task, and the
   * result is read back from Kie's record endpoint.
   */
  private async verifiedWebhook(webhook: InboundWebhook, hmacKey: string): Promise<WebhookResult> {
    const noTask = () =>
      new WebhookVerificationError('Kie.ai callback body names no task.', 'invalid_body');
    const callback = parseWebhookBody(this.id, webhook.rawBody, KieaiCallbackSchema, noTask);
    const taskId = callback.data.taskId ?? callback.data.task_id;
    if (!taskId) throw noTask();
    verifyKieaiWebhook({ headers: webhook.headers, taskId, hmacKey, now: this.now() });
    // Veo callbacks say `taskId`, Runway callbacks `task_id`.
    const family: KieaiFamily = callback.data.taskId ? 'veo' : 'runway';
    const signal = AbortSignal.timeout(this.config.timeoutMs ?? 15_000);
    return { providerJobId: taskId, result: await this.record({ family, taskId }, signal) };
  }

  private async record(operation: KieaiOperation, signal: AbortSignal): Promise<StatusResult> {
    const query = `?taskId=${encodeURIComponent(operation.taskId)}`;
    const veo = operation.family === 'veo';
    const path = veo ? `/api/v1/veo/record-info${query}` : `/api/v1/runway/record-detail${query}`;
    const data = await this.data({ method: 'GET', path, signal });
    const result = veo
      ? mapKieaiVeoResult(this.http.parse(KieaiVeoRecordSchema, data), operation)
      : mapKieaiRunwayResult(this.http.parse(KieaiRunwayRecordSchema, data), operation);
    if (!result) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} returned a ${operation.family} record with an unknown state or no video URL.`,
      });
    }
    return result;
  }

  /** One request; resolves with the `{code, msg, data}` envelope's `data`. */
  private async data(request: ProviderHttpRequest): Promise<unknown> {
    return unwrapKieaiEnvelope(this.id, await this.http.request(request));
  }
}
