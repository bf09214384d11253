import type { Channel } from '../core/channel.js';
import { ProviderError, type ProviderErrorCode } from '../core/errors/index.js';
import type { ModelOffering } from '../core/model-capabilities.js';
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
} from '../core/provider-adapter.js';
import type { ChannelCache } from '../tenancy/channel-cache.js';

/** Refusals that say the key is dead (not the request): set it aside, try the next key. */
const keyRefusals = new Set<string>(['provider_auth_failed', 'provider_insufficient_credits']);

/** The served model's offering, the inner adapter's own, for each model the channel serves. */
export function channelOfferings(
  channel: Channel,
  inner: readonly ModelOffering[],
): { served: ModelOffering; own: ModelOffering }[] {
  const result: { served: ModelOffering; own: ModelOffering }[] = [];
  for (const model of channel.models) {
    const target = channel.modelMapping?.[model] ?? model;
    const own =
      inner.find((offering) => offering.modelKey === target) ??
      inner.find((offering) => offering.providerModelId === target);
    if (own) result.push({ served: { ...own, modelKey: model }, own });
  }
  return result;
}

/** An operation as this adapter stores it: which key's adapter made it, and its own handle. */
interface KeyedOperation {
  channelKey: number;
  operation: JsonValue;
}

function isKeyed(operation: JsonValue): operation is JsonValue & KeyedOperation {
  return (
    typeof operation === 'object' &&
    operation !== null &&
    !Array.isArray(operation) &&
    typeof operation.channelKey === 'number' &&
    'operation' in operation
  );
}

/**
 * A channel of an adapter type as one provider instance: one inner adapter per key (each
 * built by the type's factory with the channel's base URL and that key), round-robin across
 * keys, and a key answering an auth or credit refusal set aside (with an alert) while the call
 * moves to the next key. Operations remember their key, so polls ask with the key that
 * submitted. Models are the channel's, renamed through its model mapping.
 */
export class ChannelAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly id: string;
  readonly type: string;
  readonly models: readonly ModelOffering[];
  /** Present when the inner type has them, as the contract's optional members. */
  readonly estimateCost?: (request: ProviderRequest) => number;
  readonly cancel?: (operation: JsonValue, context: CallContext) => Promise<void>;
  readonly parseWebhook?: (webhook: InboundWebhook) => Promise<WebhookResult>;
  private readonly ownOffering = new Map<string, ModelOffering>();

  constructor(
    private readonly channel: Channel,
    private readonly adapters: readonly ProviderAdapter[],
    private readonly keys: Pick<ChannelCache, 'pickKey' | 'setKeyAside'>,
  ) {
    this.id = channel.id;
    this.type = channel.type;
    const offerings = channelOfferings(channel, adapters[0]?.models ?? []);
    this.models = offerings.map(({ served }) => served);
    for (const { served, own } of offerings) this.ownOffering.set(served.modelKey, own);
    const first = adapters[0];
    if (first?.estimateCost) {
      const estimate = first.estimateCost.bind(first);
      this.estimateCost = (request) => estimate(this.inner(request));
    }
    if (first?.cancel) {
      this.cancel = async (operation, context) => {
        const { adapter, inner } = this.unwrap(operation);
        await adapter.cancel?.(inner, context);
      };
    }
    if (first?.parseWebhook) this.parseWebhook = first.parseWebhook.bind(first);
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    let lastRefusal: { code: ProviderErrorCode; statusCode?: number } | undefined;
    for (let tried = 0; tried < this.adapters.length; tried++) {
      const picked = this.keys.pickKey(this.channel);
      if (!picked) break;
      try {
        const result = await this.adapters[picked.index]!.submit(this.inner(request), context);
        return { ...result, operation: { channelKey: picked.index, operation: result.operation } };
      } catch (error) {
        if (!(error instanceof ProviderError) || !keyRefusals.has(error.code)) throw error;
        this.keys.setKeyAside(this.channel, picked.index, error.message);
        lastRefusal = { code: error.code as ProviderErrorCode, statusCode: error.statusCode };
      }
    }
    // Every key is dead here, but another channel may serve: retryable, so routing falls back.
    throw new ProviderError({
      providerId: this.id,
      code: lastRefusal?.code ?? 'provider_auth_failed',
      message: `Every key of channel '${this.channel.name}' is set aside (auth or credit refusals).`,
      statusCode: lastRefusal?.statusCode,
      isRetryable: true,
    });
  }

  status(operation: JsonValue, context: CallContext): Promise<StatusResult> {
    const { adapter, inner } = this.unwrap(operation);
    return adapter.status(inner, context);
  }

  /** The cheap check with the key next in rotation. */
  healthCheck(context: CallContext): Promise<HealthCheckResult> {
    const picked = this.keys.pickKey(this.channel);
    if (!picked)
      return Promise.resolve({ ok: false, latencyMs: 0, error: 'every key is set aside' });
    return this.adapters[picked.index]!.healthCheck(context);
  }

  private inner(request: ProviderRequest): ProviderRequest {
    const own = this.ownOffering.get(request.offering.modelKey);
    return own ? { ...request, offering: own } : request;
  }

  private unwrap(operation: JsonValue): { adapter: ProviderAdapter; inner: JsonValue } {
    if (!isKeyed(operation)) return { adapter: this.adapters[0]!, inner: operation };
    // A key removed since the submit: the first key is the best remaining guess.
    const adapter = this.adapters[operation.channelKey] ?? this.adapters[0]!;
    return { adapter, inner: operation.operation };
  }
}
