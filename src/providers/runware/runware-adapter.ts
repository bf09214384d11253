import { randomUUID } from 'node:crypto';
import { mergeOfferings } from '../../catalog/merge-offerings.js';
import { GatewayError, ProviderError, WebhookVerificationError } from '../../core/errors/index.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import type {
  CallContext,
  HealthCheckResult,
  InboundWebhook,
  JsonValue,
  PromptEnhanceRequest,
  PromptEnhanceResult,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
  WebhookResult,
} from '../../core/provider-adapter.js';
import { z } from 'zod';
import { checkHealth, creditsFromBalance } from '../kernel/check-health.js';
import { failedGenerationStatus } from '../kernel/failed-generation-status.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { parseWebhookBody } from '../kernel/parse-webhook-body.js';
import type { ProviderErrorResponse } from '../kernel/provider-error-from-status.js';
import { ProviderHttpClient, type ProviderErrorMapper } from '../kernel/provider-http-client.js';
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
import { buildRunwareRequest, RunwareOperationSchema } from './runware-request.js';
import { mapRunwareResult } from './runware-result.js';
import { runwareTaskUuid } from './runware-task-uuid.js';
import { RunwareWebhookTokens } from './runware-webhook.js';

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
  private readonly http: ProviderHttpClient;
  private readonly tokens: RunwareWebhookTokens;

  constructor(config: RunwareConfig) {
    this.id = config.id;
    this.models = mergeOfferings(runwareModels, config.models);
    // One endpoint: every task (generation, poll, account) is POSTed to the base URL itself.
    this.http = ProviderHttpClient.fromConfig(config, {
      defaultBaseUrl: runwareDefaultBaseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      // A caller's own key (S1's `api_key`, when the operator allows it) for one call.
      authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
      mapError: (response) => runwareErrorFromResponse(config.id, response),
    });
    this.tokens = new RunwareWebhookTokens(config.webhookSecret);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const taskUUID = runwareTaskUuid(context.attemptId);
    const plan = await buildRunwareRequest(
      this.id,
      request,
      taskUUID,
      context.callbackUrl ? this.webhookUrl(context.callbackUrl, taskUUID, request.n) : undefined,
    );
    const { envelope, text } = await this.post([plan.task], context);
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
      const { envelope } = await this.post(poll, context, (response) =>
        this.lostTaskError(response),
      );
      return mapRunwareResult(this.id, envelope, operationData);
    } catch (error) {
      return failedGenerationStatus(error);
    }
  }

  async recover(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult | null> {
    const taskUUID = runwareTaskUuid(context.attemptId);
    let plan;
    try {
      plan = await buildRunwareRequest(this.id, request, taskUUID, undefined);
    } catch {
      // The request cannot be mapped, so the crashed submit never reached Runware.
      return null;
    }
    let envelope: RunwareEnvelope;
    try {
      ({ envelope } = await this.post([{ taskType: 'getResponse', taskUUID }], context, (r) =>
        this.lostTaskError(r),
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
    const body = parseWebhookBody(this.id, webhook.rawBody, z.unknown(), invalidWebhookBody);
    const envelope = runwareWebhookEnvelope(body);
    if (!envelope) throw invalidWebhookBody();
    const entries = [...(envelope.data ?? []), ...(envelope.errors ?? [])];
    if (entries.some((entry) => entry.taskUUID && entry.taskUUID !== target.taskUUID)) {
      throw new WebhookVerificationError('The callback is for another task.', 'task_mismatch');
    }
    const video = (envelope.data ?? []).some((item) => item.videoURL || item.videoUUID);
    const result = mapRunwareResult(this.id, envelope, {
      taskUUID: target.taskUUID,
      taskType: video ? 'videoInference' : 'imageInference',
      results: target.results,
    });
    // A leaked callback URL must not be able to write a job's outputs or its cost: the body
    // names the task, the engine asks Runware what became of it.
    return { providerJobId: target.taskUUID, result, confirm: true };
  }

  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const check = {
      taskType: 'accountManagement',
      taskUUID: randomUUID(),
      operation: 'getDetails',
    };
    return checkHealth(async () => {
      const { envelope } = await this.post([check], context);
      // Refusals arrive with HTTP 200, inside the envelope.
      const failure = envelope.errors?.[0];
      if (failure) return { ok: false, error: describeRunwareError(failure) };
      const account = RunwareAccountItemSchema.safeParse(envelope.data?.[0]);
      const balance = account.success ? account.data.balance : undefined;
      const remainingUsd = typeof balance === 'number' ? balance : balance?.amount;
      return remainingUsd === undefined
        ? { ok: true }
        : { ok: true, credits: creditsFromBalance(remainingUsd) };
    });
  }

  /**
   * Runware's `promptEnhance` task: one synchronous call returning `text` (official SDK's
   * `IPromptEnhancer`: `prompt`, `promptMaxLength`, `promptVersions`, `includeCost`).
   */
  async enhancePrompt(
    request: PromptEnhanceRequest,
    context: CallContext,
  ): Promise<PromptEnhanceResult> {
    const taskUUID = randomUUID();
    const task = {
      taskType: 'promptEnhance',
      taskUUID,
      prompt: request.prompt,
      promptMaxLength: request.maxLength,
      promptVersions: 1,
      includeCost: true,
    };
    const { envelope, text } = await this.post([task], context);
    if (envelope.errors?.length) throw runwareErrorFromItems(this.id, envelope.errors, text);
    const item = (envelope.data ?? []).find(
      (entry) => entry.taskUUID === taskUUID && typeof entry.text === 'string' && entry.text,
    );
    if (!item?.text) {
      throw new ProviderError({
        providerId: this.id,
        code: 'provider_bad_response',
        message: `${this.id} answered promptEnhance without a prompt.`,
      });
    }
    return {
      prompt: item.text,
      ...(typeof item.cost === 'number' ? { costUsd: item.cost } : {}),
    };
  }

  /** The callback URL Runware is given for a task (exposed for tests and fakes). */
  webhookUrl(callbackUrl: string, taskUUID: string, results: number): string {
    return this.tokens.url(callbackUrl, taskUUID, results);
  }

  /** One POST of a task array; resolves with the parsed `{data, errors}` envelope. */
  private async post(
    tasks: RunwareTask[],
    context: CallContext,
    mapError?: ProviderErrorMapper,
  ): Promise<{ envelope: RunwareEnvelope; text: string }> {
    const response = await this.http.request({
      method: 'POST',
      path: '',
      json: tasks,
      signal: context.signal,
      ...(context.apiKey !== undefined ? { apiKey: context.apiKey } : {}),
      ...(mapError ? { mapError } : {}),
    });
    const envelope = this.http.parse(RunwareEnvelopeSchema, response.json);
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
