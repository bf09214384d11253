import { parseOperation } from '../kernel/parse-operation.js';
import { z } from 'zod';
import { estimateCost } from '../../catalog/estimate-cost.js';
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
import { callProvider, parseProviderResponse } from '../kernel/call-provider.js';
import {
  KieaiCallbackSchema,
  KieaiRunwayRecordSchema,
  KieaiTaskCreatedSchema,
  KieaiVeoRecordSchema,
} from './kieai-api-schemas.js';
import { buildKieaiRequest } from './kieai-build-request.js';
import { kieaiDefaultBaseUrl, type KieaiConfig } from './kieai-config.js';
import { kieaiErrorFromResponse, unwrapKieaiEnvelope } from './kieai-errors.js';
import { mapKieaiRunwayRecord, mapKieaiVeoRecord } from './kieai-map-status.js';
import { kieaiFamilyOf, kieaiModels, type KieaiFamily } from './kieai-models.js';
import { verifyKieaiWebhook } from './kieai-verify-webhook.js';

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
  private readonly baseUrl: string;

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
    this.baseUrl = (config.baseUrl ?? kieaiDefaultBaseUrl).replace(/\/+$/, '');
    const hmacKey = config.webhookHmacKey;
    if (hmacKey !== undefined)
      this.parseWebhook = (webhook) => this.verifiedWebhook(webhook, hmacKey);
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
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
    const data = await this.call('POST', call.path, context.signal, call.body);
    const created = parseProviderResponse(this.id, KieaiTaskCreatedSchema, data);
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

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      // The balance endpoint: free, and it proves the key works.
      const credits = parseProviderResponse(
        this.id,
        z.number(),
        await this.call('GET', '/api/v1/chat/credit', context.signal),
      );
      return {
        ok: true,
        latencyMs: latency(),
        credits: { remainingUsd: credits * this.config.usdPerCredit, exhausted: credits <= 0 },
      };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const exhausted = error.code === 'provider_insufficient_credits';
      return {
        ok: false,
        latencyMs: latency(),
        error: error.message,
        ...(exhausted ? { credits: { exhausted } } : {}),
      };
    }
  }

  /**
   * Kie signs only `taskId + "." + timestamp`, not the body: a valid signature proves Kie sent
   * a callback for that task, not what the body says. So the body only names the task, and the
   * result is read back from Kie's record endpoint.
   */
  private async verifiedWebhook(webhook: InboundWebhook, hmacKey: string): Promise<WebhookResult> {
    let json: unknown;
    try {
      json = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = KieaiCallbackSchema.safeParse(json);
    const taskId = parsed.success
      ? (parsed.data.data.taskId ?? parsed.data.data.task_id)
      : undefined;
    if (!parsed.success || !taskId) {
      throw new WebhookVerificationError('Kie.ai callback body names no task.', 'invalid_body');
    }
    verifyKieaiWebhook({ headers: webhook.headers, taskId, hmacKey, now: this.now() });
    // Veo callbacks say `taskId`, Runway callbacks `task_id`.
    const family: KieaiFamily = parsed.data.data.taskId ? 'veo' : 'runway';
    const signal = AbortSignal.timeout(this.config.timeoutMs ?? 15_000);
    return { providerJobId: taskId, result: await this.record({ family, taskId }, signal) };
  }

  private async record(operation: KieaiOperation, signal: AbortSignal): Promise<StatusResult> {
    const query = `?taskId=${encodeURIComponent(operation.taskId)}`;
    const result =
      operation.family === 'veo'
        ? mapKieaiVeoRecord(
            parseProviderResponse(
              this.id,
              KieaiVeoRecordSchema,
              await this.call('GET', `/api/v1/veo/record-info${query}`, signal),
            ),
            operation,
          )
        : mapKieaiRunwayRecord(
            parseProviderResponse(
              this.id,
              KieaiRunwayRecordSchema,
              await this.call('GET', `/api/v1/runway/record-detail${query}`, signal),
            ),
            operation,
          );
    if (!result) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} returned a ${operation.family} record with an unknown state or no video URL.`,
      });
    }
    return result;
  }

  /** One call; resolves with the envelope's `data`. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    json?: unknown,
  ): Promise<unknown> {
    const response = await callProvider({
      providerId: this.id,
      method,
      url: `${this.baseUrl}${path}`,
      headers: { authorization: `Bearer ${this.config.apiKey}` },
      json,
      signal,
      timeoutMs: this.config.timeoutMs,
      mapError: (errorResponse) => kieaiErrorFromResponse(this.id, errorResponse),
    });
    return unwrapKieaiEnvelope(this.id, response);
  }
}
