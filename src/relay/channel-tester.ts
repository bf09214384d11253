import { request as undiciRequest } from 'undici';
import { passthroughChannelType } from '../core/channel.js';
import type { Config } from '../config/config-schema.js';
import { NotFoundError } from '../core/errors/index.js';
import type { HealthCheckResult } from '../core/provider-adapter.js';
import { callWithTimeout } from '../providers/kernel/call-with-timeout.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import type { ChannelCache } from '../tenancy/channel-cache.js';
import { authHeaderFor } from './relay-headers.js';

/**
 * `POST /admin/channels/{id}/test`: an adapter-typed channel runs its adapter's cheap,
 * never-billable health check with the next key in rotation; a passthrough channel is asked
 * `GET <base URL>` with its key (any answer but 5xx, 401 or 403 passes: the upstream is up and
 * takes the key). A refused key is set aside as in traffic.
 */
export class ChannelTester {
  constructor(
    private readonly options: {
      channels: Pick<ChannelCache, 'get' | 'pickKey' | 'setKeyAside' | 'problem'>;
      instances: ProviderInstances;
      relay: Config['relay'];
      timeoutMs: number;
    },
  ) {}

  async test(id: string): Promise<HealthCheckResult> {
    const channel = this.options.channels.get(id);
    if (!channel) {
      const problem = this.options.channels.problem(id);
      if (problem) return { ok: false, latencyMs: 0, error: `not loaded: ${problem}` };
      throw new NotFoundError('channel', id);
    }
    if (channel.type !== passthroughChannelType) {
      const adapter = this.options.instances.adapter(channel.id);
      if (!adapter) return { ok: false, latencyMs: 0, error: 'the channel did not build' };
      return callWithTimeout(
        channel.id,
        this.options.timeoutMs,
        new AbortController().signal,
        (signal) => adapter.healthCheck({ signal }),
      );
    }
    const picked = this.options.channels.pickKey(channel);
    if (!picked) return { ok: false, latencyMs: 0, error: 'every key is set aside' };
    const auth = authHeaderFor(this.options.relay, channel.type);
    const started = performance.now();
    try {
      const response = await undiciRequest(channel.baseUrl!, {
        method: 'GET',
        headers: { [auth.header]: `${auth.prefix}${picked.key}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body.dump();
      const latencyMs = Math.round(performance.now() - started);
      const status = response.statusCode;
      if (status === 401 || status === 403) {
        this.options.channels.setKeyAside(channel, picked.index, `test answered ${status}`);
        return { ok: false, latencyMs, error: `the upstream refused the key (${status})` };
      }
      if (status >= 500) return { ok: false, latencyMs, error: `the upstream answered ${status}` };
      return { ok: true, latencyMs };
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      return { ok: false, latencyMs, error: (error as Error).message };
    }
  }
}
