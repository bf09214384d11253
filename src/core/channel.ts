/** The channel type of an HTTP upstream that Switchyard only relays (new-api's "Bltcy" channel). */
export const passthroughChannelType = 'passthrough';

/** The group of every caller without one, and of every env/config provider. */
export const defaultGroup = 'default';

/**
 * A channel: a provider instance created at run time (new-api's channel). Stored in the
 * database with its keys encrypted; every instance holds the decrypted keys in memory only.
 */
export interface Channel {
  /** `chan_…`; also the provider instance id of an adapter-typed channel. */
  id: string;
  /** An adapter type from the provider registry (`runway`, `fal`, …) or `passthrough`. */
  type: string;
  /** Unique, human-chosen name. */
  name: string;
  /** Routing groups it serves; a caller in none of them never reaches it. */
  groups: readonly string[];
  /** Upstream base URL (no `/v1`); null means the adapter's default host. */
  baseUrl: string | null;
  /** Upstream API keys, plaintext, in memory only: never logged, never returned. */
  keys: readonly string[];
  /** The last characters of each key (`…a1b2`), what lists and logs may show. */
  keyTails: readonly string[];
  /** Models (catalog keys, or relay families like `runway`) the channel serves. */
  models: readonly string[];
  /** Served model → the upstream's own model (`runway` → `gen4_turbo`); null means none. */
  modelMapping: Readonly<Record<string, string>> | null;
  /** Higher tiers are tried first; inside a tier, `weight` decides at random. */
  priority: number;
  /** Relative share of traffic inside its priority tier (0 means only when nothing else is). */
  weight: number;
  /** Operator switch; a disabled channel is never routed to. */
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The masked form of a key: only its last four characters. */
export function maskKey(key: string): string {
  return `…${key.slice(-4)}`;
}
