/** A provider's credit status, for `/api/health` and for the router's rejection reason. */
export interface CreditDescription {
  /** Whether the provider is out of credit. */
  exhausted: boolean;
  /**
   * When the current status began (epoch ms): when it ran out, or when credit came back;
   * `null` for a provider never marked either way.
   */
  since: number | null;
  /** Why it was marked exhausted (provider message, e.g. `insufficient credits`); else `null`. */
  reason: string | null;
}

/**
 * Which providers are out of credit (S1 402, S5 "insufficient credits → next provider").
 * Unlike a circuit breaker this does not heal with time: topping up is a human action, so the
 * flag stays until a health check passes and calls {@link markAvailable}.
 *
 * @example
 * credit.markExhausted('runware', now, 'Insufficient credits: top up at least $5');
 * credit.isExhausted('runware'); // true: the router skips it as `provider_out_of_credit`
 */
export class CreditState {
  private readonly states = new Map<string, CreditDescription>();

  /**
   * Marks a provider out of credit. Repeated marks keep the first `since` (when it ran out) and
   * take the latest reason.
   */
  markExhausted(provider: string, now: number, reason: string): void {
    const current = this.states.get(provider);
    const since = current?.exhausted === true && current.since !== null ? current.since : now;
    this.states.set(provider, { exhausted: true, since, reason });
  }

  /** Marks a provider usable again (a health check or paid call passed). */
  markAvailable(provider: string, now: number): void {
    const current = this.states.get(provider);
    if (current !== undefined && !current.exhausted) return;
    this.states.set(provider, { exhausted: false, since: now, reason: null });
  }

  /** Whether the provider is currently out of credit. */
  isExhausted(provider: string): boolean {
    return this.states.get(provider)?.exhausted ?? false;
  }

  /** The provider's credit status (a copy). */
  describe(provider: string): CreditDescription {
    const current = this.states.get(provider);
    return current === undefined ? { exhausted: false, since: null, reason: null } : { ...current };
  }

  /** Providers currently out of credit, sorted. */
  exhaustedProviders(): string[] {
    return [...this.states]
      .filter(([, state]) => state.exhausted)
      .map(([provider]) => provider)
      .sort();
  }
}
