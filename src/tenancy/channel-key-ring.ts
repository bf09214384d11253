import type { Channel } from '../core/channel.js';

/** A key picked for one call: its position (to set it aside later) and the key itself. */
export interface PickedKey {
  index: number;
  key: string;
}

interface RingState {
  /** Which keys the state was built for; a change of keys starts afresh. */
  fingerprint: string;
  next: number;
  /** Key index → when it may be tried again. */
  asideUntil: Map<number, number>;
}

/**
 * Round-robin over a channel's keys, skipping keys set aside after an auth or credit refusal
 * until their cool-down ends. State is per process: each instance finds a dead key on its own
 * first use of it, which costs one refused call per instance, not a shared write per call.
 */
export class ChannelKeyRing {
  private readonly states = new Map<string, RingState>();

  constructor(private readonly options: { setAsideMs: number; now: () => number }) {}

  /** The next usable key, or undefined when every key is set aside. */
  pick(channel: Channel): PickedKey | undefined {
    const state = this.state(channel);
    const now = this.options.now();
    for (let step = 0; step < channel.keys.length; step++) {
      const index = (state.next + step) % channel.keys.length;
      const until = state.asideUntil.get(index);
      if (until !== undefined && until > now) continue;
      state.asideUntil.delete(index);
      state.next = (index + 1) % channel.keys.length;
      return { index, key: channel.keys[index]! };
    }
    return undefined;
  }

  /** Takes a key out of rotation for the cool-down; true when it was in rotation until now. */
  setAside(channel: Channel, index: number): boolean {
    const state = this.state(channel);
    const now = this.options.now();
    const wasUsable = (state.asideUntil.get(index) ?? 0) <= now;
    state.asideUntil.set(index, now + this.options.setAsideMs);
    return wasUsable;
  }

  /** How many keys are usable and set aside now (for health views). */
  counts(channel: Channel): { available: number; setAside: number } {
    const state = this.state(channel);
    const now = this.options.now();
    let setAside = 0;
    for (const until of state.asideUntil.values()) if (until > now) setAside++;
    return { available: channel.keys.length - setAside, setAside };
  }

  /** Forgets channels that no longer exist. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.states.keys()) if (!ids.has(id)) this.states.delete(id);
  }

  private state(channel: Channel): RingState {
    const fingerprint = channel.keyTails.join(',') + channel.keys.length;
    let state = this.states.get(channel.id);
    if (!state || state.fingerprint !== fingerprint) {
      state = { fingerprint, next: 0, asideUntil: new Map() };
      this.states.set(channel.id, state);
    }
    return state;
  }
}
