import { request as undiciRequest, type Dispatcher } from 'undici';
import type { Channel } from '../core/channel.js';
import type { Config } from '../config/config-schema.js';
import { GatewayError, NotFoundError, ServiceUnavailableError } from '../core/errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { RelayTaskRepository } from '../store/repositories/relay-task-repository.js';
import type { ChannelCache } from '../tenancy/channel-cache.js';
import { distribute } from './distribute.js';
import { authHeaderFor, callerResponseHeaders, upstreamRequestHeaders } from './relay-headers.js';
import type { RelayMeter } from './relay-meter.js';
import { upstreamTaskId } from './upstream-task-id.js';

/** One call on a relay route, as the HTTP layer hands it over. */
export interface RelayCall {
  /** The relay family the route maps to (`runway`). */
  model: string;
  method: string;
  /** The upstream path (`/v1/tasks/…`), everything after the mount prefix. */
  path: string;
  /** The raw query string with its `?`, or empty. */
  search: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, untouched; undefined for none. */
  body: Buffer | undefined;
  /** The caller's routing group. */
  group: string;
  /** The caller's tenant; null in open mode or with the admin key. */
  tenantId: string | null;
  /** The tenant key calling (named on its ledger rows); null otherwise. */
  apiKeyId: string | null;
  /** The admin key may read any tenant's task. */
  admin: boolean;
}

/** The upstream's answer, to send back unchanged. */
export interface RelayAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Statuses before acceptance that another channel may not share: try the next one. */
const retryable = (status: number) => status === 429 || status >= 500;
/** Statuses that say the channel's key is dead: set it aside (the answer still goes back). */
const keyRefused = (status: number) => status === 401 || status === 402 || status === 403;

export interface RelayServiceOptions {
  channels: Pick<ChannelCache, 'serving' | 'get' | 'pickKey' | 'setKeyAside'>;
  tasks: RelayTaskRepository;
  config: Config['relay'];
  logger: Logger;
  /** Charges task-creating calls; absent means relay calls are free. */
  meter?: Pick<RelayMeter, 'hold' | 'release'>;
  random?: () => number;
}

/**
 * S4's Relay: TokenAuth happened in the HTTP layer; here Distribute picks the channels and the
 * call is forwarded to the chosen channel's base URL with the channel's own key in the type's
 * auth header, body and query untouched, and the upstream's status and body come back as they
 * are. Before an upstream accepted the call, a connection error, 5xx or 429 moves it to the
 * next channel (at most `maxAttempts`); a task read goes only to the channel that accepted the
 * task, and only for the tenant that created it.
 */
export class RelayService {
  constructor(private readonly options: RelayServiceOptions) {}

  async relay(call: RelayCall): Promise<RelayAnswer> {
    const sticky = await this.taskChannel(call);
    if (sticky) return this.forwardOnce(call, sticky);
    const { meter } = this.options;
    const held = await meter?.hold(call);
    let served: { answer: RelayAnswer; channelId: string | null } | undefined;
    try {
      served = await this.distributeAndForward(call);
      return served.answer;
    } finally {
      if (held) {
        const accepted = served !== undefined && served.answer.status < 300;
        await meter!
          .release(held, accepted, served?.channelId ?? null)
          .catch((error: unknown) =>
            this.options.logger.error(
              { error: (error as Error).message, relayCall: held.id },
              'relay: could not settle the call; its price stays reserved',
            ),
          );
      }
    }
  }

  /** Distribute, then forward with retries on the next channel before acceptance. */
  private async distributeAndForward(
    call: RelayCall,
  ): Promise<{ answer: RelayAnswer; channelId: string | null }> {
    const candidates = distribute(
      this.options.channels,
      call.group,
      call.model,
      this.options.random,
    ).slice(0, this.options.config.maxAttempts);
    let last: { answer: RelayAnswer; channelId: string } | undefined;
    let lastError: Error | undefined;
    for (const [position, channel] of candidates.entries()) {
      const attempt = position + 1;
      const more = attempt < candidates.length;
      try {
        const answer = await this.attempt(call, channel, attempt);
        if (!answer) continue;
        if (retryable(answer.status) && more) {
          this.options.logger.warn(
            { channel: channel.id, baseUrl: channel.baseUrl, status: answer.status, attempt },
            'relay: upstream refused before accepting; trying the next channel',
          );
          last = { answer, channelId: channel.id };
          continue;
        }
        await this.recordTask(call, channel, answer).catch((error: unknown) =>
          // The upstream created the task: answering 500 now would only make the client retry.
          this.options.logger.error(
            { channel: channel.id, error: (error as Error).message },
            'relay: could not record the task; its polls will not find it',
          ),
        );
        return { answer, channelId: channel.id };
      } catch (error) {
        lastError = error as Error;
        this.options.logger.warn(
          { channel: channel.id, baseUrl: channel.baseUrl, error: lastError.message, attempt },
          more
            ? 'relay: upstream unreachable; trying the next channel'
            : 'relay: upstream unreachable',
        );
      }
    }
    if (last) return last;
    throw new GatewayError({
      code: 'relay_upstream_unreachable',
      message: `No channel for '${call.model}' could be reached (${candidates.length} tried).`,
      httpStatus: 502,
      isRetryable: true,
      details: { model: call.model, attempts: candidates.length, error: lastError?.message },
    });
  }

  /** The channel that accepted the task this call reads, if it reads one. */
  private async taskChannel(call: RelayCall): Promise<Channel | undefined> {
    if (call.method !== 'GET' && call.method !== 'DELETE') return undefined;
    const segment = decodeURIComponent(call.path.split('/').filter(Boolean).at(-1) ?? '');
    const task = segment ? await this.options.tasks.find(call.model, segment) : undefined;
    // Another tenant's task is as unknown as a missing one: 404, never 403.
    if (task && (call.admin || task.tenantId === call.tenantId)) {
      const channel = this.options.channels.get(task.channelId);
      if (!channel?.enabled)
        throw new ServiceUnavailableError(
          'channel_unavailable',
          `The channel that accepted task '${segment}' is gone or disabled.`,
          { task: segment },
        );
      return channel;
    }
    const pollPaths = this.options.config.pollPaths[call.model] ?? [];
    if (task || pollPaths.some((prefix) => call.path.startsWith(prefix)))
      throw new NotFoundError('task', segment);
    return undefined;
  }

  /** After acceptance never retried: the task exists on that channel only. */
  private async forwardOnce(call: RelayCall, channel: Channel): Promise<RelayAnswer> {
    const answer = await this.attempt(call, channel, 1).catch((error: unknown) => {
      throw new GatewayError({
        code: 'relay_upstream_unreachable',
        message: `The channel that accepted this task could not be reached.`,
        httpStatus: 502,
        isRetryable: true,
        details: { error: (error as Error).message },
      });
    });
    if (!answer)
      throw new ServiceUnavailableError(
        'channel_unavailable',
        'Every key of the channel that accepted this task is set aside.',
      );
    return answer;
  }

  /** One upstream call; undefined when the channel has no usable key. */
  private async attempt(
    call: RelayCall,
    channel: Channel,
    attempt: number,
  ): Promise<RelayAnswer | undefined> {
    const picked = this.options.channels.pickKey(channel);
    const baseUrl = channel.baseUrl ?? '';
    if (!picked || !baseUrl) {
      this.options.logger.warn(
        { channel: channel.id, attempt },
        picked ? 'relay: channel has no base URL' : 'relay: every key of the channel is set aside',
      );
      return undefined;
    }
    const url = `${baseUrl.replace(/\/+$/, '')}${call.path}${call.search}`;
    const auth = authHeaderFor(this.options.config, channel.type);
    const response = await undiciRequest(url, {
      method: call.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(call.headers, auth, picked.key),
      body: call.body && call.body.length > 0 ? call.body : undefined,
      signal: AbortSignal.timeout(this.options.config.timeoutMs),
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    // The fields S4's operators relied on, never the key.
    this.options.logger.debug(
      {
        channel: channel.id,
        baseUrl,
        bodyBytes: call.body?.length ?? 0,
        status: response.statusCode,
        attempt,
        model: call.model,
      },
      'relay attempt',
    );
    if (keyRefused(response.statusCode))
      this.options.channels.setKeyAside(
        channel,
        picked.index,
        `upstream answered ${response.statusCode}`,
      );
    return {
      status: response.statusCode,
      headers: callerResponseHeaders(response.headers),
      body,
    };
  }

  private async recordTask(call: RelayCall, channel: Channel, answer: RelayAnswer): Promise<void> {
    if (call.method !== 'POST' || answer.status < 200 || answer.status >= 300) return;
    const id = upstreamTaskId(answer.body);
    if (!id) return;
    await this.options.tasks.record({
      model: call.model,
      upstreamTaskId: id,
      channelId: channel.id,
      tenantId: call.tenantId,
    });
  }
}
