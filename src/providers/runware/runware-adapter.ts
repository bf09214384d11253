import { parseOperation } from '../kernel/parse-operation.js';
import { randomUUID } from 'node:crypto';
import { estimateCost } from '../../catalog/estimate-cost.js';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { GatewayError, ProviderError, WebhookVerificationError } from '../../core/errors/index.js';
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
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import {
  RunwareAccountItemSchema,
  RunwareEnvelopeSchema,
  runwareWebhookEnvelope,
  type RunwareEnvelope,
} from './runware-api-schemas.js';
import { runwareDefaultBaseUrl, type RunwareConfig } from './runware-config.js';
import {
  describeRunwareError,
  firstRunwareError,
  runwareErrorFromItems,
  runwareErrorFromResponse,
} from './runware-errors.js';
import { runwareModels } from './runware-models.js';
import { buildRunwareTask, RunwareOperationSchema } from './runware-request-mapping.js';
import { runwareStatusFromEnvelope } from './runware-result-mapping.js';
import { runwareTaskUuid } from './runware-task-uuid.js';
import { RunwareWebhookTokens } from './runware-webhook-tokens.js';

type RunwareTask = Record<string, JsonValue>;

// Codes Runware answers `getResponse` with when it holds no such task (official SDK's list).
const taskGone = /^(taskNotFound|taskFailedOrNotFound|taskExpired|taskCancelled)$/;

/**
 * Runware over its REST task API: one POST of a task array per call, `deliveryMethod: "async"`
 * for every generation and `getResponse` to poll, so no socket is held per job. The task UUID
 * is derived from the attempt id, which makes submissions recoverable after a crash.
 */
export class RunwareAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'runware';
  readonly id: string;
  readonly models: readonly ModelOffering[];
  private readonly endpoint: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number | undefined;
  private readonly tokens: RunwareWebhookTokens;

  constructor(config: RunwareConfig) {
    this.id = config.id;
    this.models = mergeOfferings(runwareModels, config.models);
    this.endpoint = config.baseUrl ?? runwareDefaultBaseUrl;
    this.apiKey = config.apiKey;
    this.timeoutMs = config.timeoutMs;
    this.tokens = new RunwareWebhookTokens(config.webhookSecret);
  }

  estimateCost(request: ProviderRequest): number {
    return estimateCost(request.offering.price, request);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const taskUUID = runwareTaskUuid(context.attemptId);
    const plan = await buildRunwareTask(
      this.id,
      request,
      taskUUID,
      context.callbackUrl ? this.webhookUrl(context.callbackUrl, taskUUID, request.n) : undefined,
    );
    const { envelope, text } = await this.post([plan.task], context.signal);
    // Validation refusals can arrive with HTTP 200, scoped to the task in `errors`.
    const refusals = (envelope.errors ?? []).filter(
      (item) => !item.taskUUID || item.taskUUID === taskUUID,
    );
    if (refusals.length > 0) throw runwareErrorFromItems(this.id, refusals, text);
    return {
      operation: plan.operation,
      providerJobId: taskUUID,
      ...(plan.warnings.length ? { warnings: plan.warnings } : {}),
    };
  }

  async status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const operationData = parseOperation(this.id, RunwareOperationSchema, operation);
    const poll = [{ taskType: 'getResponse', taskUUID: operationData.taskUUID }];
    try {
      const { envelope } = await this.post(poll, context.signal, (response) =>
        this.lostTaskError(response),
      );
      return runwareStatusFromEnvelope(this.id, envelope, operationData);
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_generation_failed') {
        return { status: 'failed', code: error.code, message: error.message, isRetryable: true };
      }
      throw error;
    }
  }

  async recover(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult | null> {
    const taskUUID = runwareTaskUuid(context.attemptId);
    let plan;
    try {
      plan = await buildRunwareTask(this.id, request, taskUUID, undefined);
    } catch {
      // The request cannot be mapped, so the crashed submit never reached Runware.
      return null;
    }
    let envelope: RunwareEnvelope;
    try {
      ({ envelope } = await this.post(
        [{ taskType: 'getResponse', taskUUID }],
        context.signal,
        (r) => this.lostTaskError(r),
      ));
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_generation_failed')
        return null;
      throw error;
    }
    const known = (envelope.data ?? []).some((item) => item.taskUUID === taskUUID);
    const gone = (envelope.errors ?? []).some((item) => taskGone.test(item.code ?? ''));
    if (!known && (gone || !envelope.errors?.length)) return null;
    return { operation: plan.operation, providerJobId: taskUUID, warnings: plan.warnings };
  }

  async parseWebhook(webhook: InboundWebhook): Promise<WebhookResult> {
    const target = this.tokens.verify(webhook.query);
    let body: unknown;
    try {
      body = JSON.parse(webhook.rawBody.toString('utf8'));
    } catch {
      throw invalidWebhookBody();
    }
    const envelope = runwareWebhookEnvelope(body);
    if (!envelope) throw invalidWebhookBody();
    const entries = [...(envelope.data ?? []), ...(envelope.errors ?? [])];
    if (entries.some((entry) => entry.taskUUID && entry.taskUUID !== target.taskUUID)) {
      throw new WebhookVerificationError('The callback is for another task.', 'task_mismatch');
    }
    const video = (envelope.data ?? []).some((item) => item.videoURL || item.videoUUID);
    const result = runwareStatusFromEnvelope(this.id, envelope, {
      taskUUID: target.taskUUID,
      taskType: video ? 'videoInference' : 'imageInference',
      results: target.results,
    });
    return { providerJobId: target.taskUUID, result };
  }

  async healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const started = Date.now();
    const check = {
      taskType: 'accountManagement',
      taskUUID: randomUUID(),
      operation: 'getDetails',
    };
    try {
      const { envelope } = await this.post([check], context.signal);
      const latencyMs = Date.now() - started;
      const failure = envelope.errors?.[0];
      if (failure) return { ok: false, latencyMs, error: describeRunwareError(failure) };
      const account = RunwareAccountItemSchema.safeParse(envelope.data?.[0]);
      const balance = account.success ? account.data.balance : undefined;
      const remainingUsd = typeof balance === 'number' ? balance : balance?.amount;
      if (remainingUsd === undefined) return { ok: true, latencyMs };
      return { ok: true, latencyMs, credits: { remainingUsd, exhausted: remainingUsd <= 0 } };
    } catch (error) {
      const latencyMs = Date.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      const exhausted =
        error instanceof ProviderError && error.code === 'provider_insufficient_credits';
      return {
        ok: false,
        latencyMs,
        error: message,
        ...(exhausted ? { credits: { exhausted } } : {}),
      };
    }
  }

  /** The callback URL Runware is given for a task (exposed for tests and fakes). */
  webhookUrl(callbackUrl: string, taskUUID: string, results: number): string {
    return this.tokens.url(callbackUrl, taskUUID, results);
  }

  private async post(
    tasks: RunwareTask[],
    signal: AbortSignal,
    mapError?: (response: ProviderErrorResponse) => ProviderError | undefined,
  ): Promise<{ envelope: RunwareEnvelope; text: string }> {
    const response = await callProvider({
      providerId: this.id,
      method: 'POST',
      url: this.endpoint,
      headers: { authorization: `Bearer ${this.apiKey}` },
      json: tasks,
      signal,
      timeoutMs: this.timeoutMs,
      mapError: (errorResponse) =>
        mapError?.(errorResponse) ?? runwareErrorFromResponse(this.id, errorResponse),
    });
    const envelope = parseProviderResponse(this.id, RunwareEnvelopeSchema, response.json);
    return { envelope, text: response.text };
  }

  /** A poll for a task Runware no longer (or never) knew, as a failed generation. */
  private lostTaskError(response: ProviderErrorResponse): ProviderError | undefined {
    const item = firstRunwareError(response.json);
    if (!taskGone.test(item?.code ?? '')) return undefined;
    return new ProviderError({
      providerId: this.id,
      code: 'provider_generation_failed',
      message: `${this.id} has no record of this task (${describeRunwareError(item)}).`,
      statusCode: response.status,
    });
  }
}

function invalidWebhookBody(): GatewayError {
  return new GatewayError({
    code: 'invalid_webhook_body',
    message: 'The callback body is not a Runware task result.',
    httpStatus: 400,
  });
}
