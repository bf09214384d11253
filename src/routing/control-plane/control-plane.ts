import { CoalescedReload } from '../../store/coalesced-reload.js';
import { ValidationError } from '../../core/errors/index.js';
import type { Logger } from '../../observability/logger.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import type { StrategyName } from '../../core/strategy-name.js';
import type { Database } from '../../store/database.js';
import { ControlPlaneStore, type AuditEntry, type ChangeAuthor } from './control-plane-store.js';
import { FlagKey, flagKeyFor, providerSwitchKey } from './flag-keys.js';
import {
  ModelRedirectSchema,
  resolveRoutingSettings,
  settingsForModel,
  WeightsSchema,
  type FlagRow,
  type ModelRedirect,
  type RoutingScope,
  type RoutingSettings,
} from './routing-settings.js';

export interface ControlPlaneOptions {
  database: Database;
  instances: ProviderInstances;
  /** Routing defaults from the config file and environment. */
  defaults: RoutingScope & { primary?: string; models?: Record<string, RoutingScope> };
  /** Backstop reload period, for a missed notification. */
  reloadIntervalMs: number;
  logger: Logger;
}

/**
 * Refuses a change before it is written (throws); a layer above installs it (a live rollout
 * owns its split). Provider switches are never guarded: they are the emergency lever.
 */
export type ControlPlaneWriteGuard = (key: string, author: ChangeAuthor) => Promise<void>;

/** A settings change as observed by one instance. */
export interface ControlPlaneChange {
  previous: RoutingSettings;
  current: RoutingSettings;
  /** When this instance applied it (ms since epoch). */
  appliedAt: number;
}

/**
 * The live routing configuration: strategy, chain, weights, primary and provider switches,
 * stored as `feature_flags` rows. Every instance LISTENs for the audit trigger's NOTIFY (in
 * process on PGlite) and reloads at once, with a periodic reload as a backstop — so a change
 * from the admin API, the CLI or plain SQL is obeyed everywhere within a second.
 */
export class ControlPlane {
  readonly store: ControlPlaneStore;
  private current: RoutingSettings;
  private readonly baseEnabled = new Map<string, boolean>();
  private readonly listeners = new Set<(change: ControlPlaneChange) => void>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly reloader = new CoalescedReload(
    () => this.readOnce(),
    (error) =>
      this.options.logger.error(
        { error: error.message },
        'control plane reload failed; keeping the last settings',
      ),
  );
  private lastGoodRows = new Map<string, FlagRow>();
  private readonly flagListeners = new Set<(rows: readonly FlagRow[]) => void>();
  private guard: ControlPlaneWriteGuard | undefined;

  constructor(private readonly options: ControlPlaneOptions) {
    this.store = new ControlPlaneStore(options.database);
    for (const instance of options.instances.list())
      this.baseEnabled.set(instance.adapter.id, instance.enabled);
    this.current = resolveRoutingSettings(options.defaults, [], this.providerIds());
  }

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = await this.store.listen(
      () => void this.reload(),
      () => {
        // Changes NOTIFYed while the connection was down are lost: read everything once.
        this.options.logger.info('control plane notifications resumed; reloading');
        void this.reload();
      },
    );
    this.timer = setInterval(() => void this.reload(), this.options.reloadIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.reloader.idle();
  }

  /** The settings in force now. */
  settings(): RoutingSettings {
    return this.current;
  }

  /** Strategy, chain and weights for one model. */
  settingsFor(model: string): ReturnType<typeof settingsForModel> {
    return settingsForModel(this.current, model);
  }

  /**
   * Calls `listener` with every flag row at each reload — for settings other than routing that
   * ride on the same table and propagation (simulator profiles).
   */
  onFlags(listener: (rows: readonly FlagRow[]) => void): () => void {
    this.flagListeners.add(listener);
    return () => this.flagListeners.delete(listener);
  }

  /** Installs the write guard (one; a second call replaces it). */
  setWriteGuard(guard: ControlPlaneWriteGuard): void {
    this.guard = guard;
  }

  onChange(listener: (change: ControlPlaneChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the flags; concurrent calls coalesce into one more read. */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  async setWeights(
    weights: Record<string, number>,
    scope: { model?: string },
    author: ChangeAuthor,
  ): Promise<void> {
    const parsed = WeightsSchema.safeParse(weights);
    if (!parsed.success)
      throw new ValidationError(
        `Invalid weights: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
        { parameter: 'weights' },
      );
    this.requireProviders(Object.keys(parsed.data), 'weights');
    await this.write(
      flagKeyFor(FlagKey.weights, scope.model),
      JSON.stringify(parsed.data),
      author,
      'Provider traffic weights',
    );
  }

  async setStrategy(
    strategy: StrategyName,
    scope: { model?: string },
    author: ChangeAuthor,
  ): Promise<void> {
    await this.write(
      flagKeyFor(FlagKey.strategy, scope.model),
      strategy,
      author,
      'Routing strategy',
    );
  }

  async setChain(chain: string[], scope: { model?: string }, author: ChangeAuthor): Promise<void> {
    if (chain.length === 0)
      throw new ValidationError('The chain needs at least one provider.', { parameter: 'chain' });
    this.requireProviders(chain, 'chain');
    await this.write(
      flagKeyFor(FlagKey.chain, scope.model),
      JSON.stringify(chain),
      author,
      'Provider fallback chain',
    );
  }

  async setPrimary(provider: string, author: ChangeAuthor): Promise<void> {
    this.requireProviders([provider], 'provider');
    await this.write(FlagKey.primary, provider, author, 'Primary provider');
  }

  /** Sends `redirect.weight` of the requests for `model` to `redirect.to` (a model rollout). */
  async setModelRedirect(
    model: string,
    redirect: ModelRedirect,
    author: ChangeAuthor,
  ): Promise<void> {
    const parsed = ModelRedirectSchema.parse(redirect);
    if (this.options.instances.offeringsFor(parsed.to).length === 0)
      throw new ValidationError(`No provider serves model '${parsed.to}'.`, {
        parameter: 'to',
      });
    await this.write(
      flagKeyFor(FlagKey.modelRedirect, model),
      JSON.stringify(parsed),
      author,
      'Model redirect',
    );
  }

  async setProviderEnabled(
    provider: string,
    enabled: boolean,
    author: ChangeAuthor,
  ): Promise<void> {
    this.requireProviders([provider], 'provider');
    await this.store.set(
      providerSwitchKey(provider),
      { flagValue: enabled, text: null, description: `Provider ${provider} switch` },
      author,
    );
    await this.reload();
  }

  /** Removes an override so the config default applies again. */
  async clear(key: string, author: ChangeAuthor): Promise<boolean> {
    await this.guard?.(key, author);
    const removed = await this.store.delete(key, author);
    await this.reload();
    return removed;
  }

  audit(options: { limit: number; key?: string }): Promise<AuditEntry[]> {
    return this.store.audit(options);
  }

  private async write(
    key: string,
    text: string,
    author: ChangeAuthor,
    description: string,
  ): Promise<void> {
    await this.guard?.(key, author);
    await this.store.set(key, { flagValue: true, text, description }, author);
    // This instance applies at once; the others follow on the NOTIFY.
    await this.reload();
  }

  private requireProviders(ids: readonly string[], parameter: string): void {
    const unknown = ids.filter((id) => !this.options.instances.get(id));
    if (unknown.length) {
      throw new ValidationError(
        `Unknown provider(s): ${unknown.join(', ')}.`,
        { parameter, known: this.providerIds() },
        'unknown_provider',
      );
    }
  }

  private providerIds(): string[] {
    return this.options.instances.list().map((instance) => instance.adapter.id);
  }

  private async readOnce(): Promise<void> {
    const rows = await this.store.readAll();
    for (const listener of this.flagListeners) listener(rows);
    let next = resolveRoutingSettings(this.options.defaults, rows, this.providerIds());
    const broken = new Set(next.errors.map((error) => error.key));
    if (broken.size) {
      // A typo in a flag must not flip routing back to defaults: its last good value stays.
      const patched = rows.flatMap((row) =>
        broken.has(row.flag_key) ? (this.lastGoodRows.get(row.flag_key) ?? []) : [row],
      );
      next = {
        ...resolveRoutingSettings(this.options.defaults, patched, this.providerIds()),
        errors: next.errors,
      };
    }
    const good = new Map<string, FlagRow>();
    for (const row of rows) {
      const kept = broken.has(row.flag_key) ? this.lastGoodRows.get(row.flag_key) : row;
      if (kept) good.set(row.flag_key, kept);
    }
    this.lastGoodRows = good;
    for (const error of next.errors) {
      if (
        !this.current.errors.some(
          (known) => known.key === error.key && known.message === error.message,
        )
      ) {
        this.options.logger.error(error, 'ignoring an unreadable control-plane flag');
      }
    }
    for (const [id, base] of this.baseEnabled)
      this.options.instances.setEnabled(id, next.providerSwitches[id] ?? base);
    const previous = this.current;
    this.current = next;
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    const unknown = Object.keys(next.weights).filter((id) => !this.baseEnabled.has(id));
    if (unknown.length)
      this.options.logger.warn(
        { unknown },
        'weights name providers that are not loaded; they get no traffic',
      );
    this.options.logger.info(
      {
        strategy: next.strategy,
        weights: next.weights,
        chain: next.chain,
        switches: next.providerSwitches,
      },
      'routing settings changed',
    );
    const change = { previous, current: next, appliedAt: Date.now() };
    for (const listener of this.listeners) listener(change);
  }
}
