import type { Channel } from '../core/channel.js';
import { NoChannelError } from '../core/errors/index.js';
import { orderByPriorityTiers } from '../routing/strategies/priority-tiers.js';
import type { ChannelCache } from '../tenancy/channel-cache.js';

/**
 * S4's Distribute: the enabled channels of `group` serving `model` (passthrough or adapter
 * typed alike), highest priority tier first, weighted random inside a tier; the first is the
 * choice and the rest are the fallbacks in order. None → 503 `no_channel`.
 */
export function distribute(
  cache: Pick<ChannelCache, 'serving'>,
  group: string,
  model: string,
  random: () => number = Math.random,
): Channel[] {
  const serving = cache.serving(group, model);
  if (serving.length === 0) throw new NoChannelError(group, model);
  return orderByPriorityTiers(
    serving,
    (channel) => ({ priority: channel.priority, weight: channel.weight, weighted: true }),
    random,
  );
}
