import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/index.js';
import type {
  CallContext,
  HealthCheckResult,
  ProviderAdapter,
  StatusResult,
  SubmitResult,
} from '../../core/provider-adapter.js';
import { redactingAdapter, secretsInConfig } from './redacting-adapter.js';

const key = 'acme-Secret-Key-0042';

/** An adapter that quotes its key everywhere, with a private field to prove `this` is kept. */
class LeakyAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly id = 'acme';
  readonly type = 'acme';
  readonly models = [];
  #key = key;

  async submit(): Promise<SubmitResult> {
    throw new ProviderError({
      providerId: 'acme',
      code: 'provider_invalid_request',
      message: `acme answered 400: bad key ${this.#key}`,
      responseBody: `{"error":"bad key ${this.#key}"}`,
    });
  }

  async status(): Promise<StatusResult> {
    return {
      status: 'failed',
      code: 'provider_generation_failed',
      message: `failed for ${this.#key}`,
      isRetryable: false,
    };
  }

  async healthCheck(_context: CallContext): Promise<HealthCheckResult> {
    return { ok: false, latencyMs: 1, error: `401 for ${encodeURIComponent(this.#key)}` };
  }
}

const context = { signal: new AbortController().signal } as CallContext;

describe('redactingAdapter', () => {
  const adapter = redactingAdapter(new LeakyAdapter(), [key]);

  it('should redact thrown provider errors and keep their code', async () => {
    const error = await adapter.submit({} as never, {} as never).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('provider_invalid_request');
    expect((error as ProviderError).message).not.toContain(key);
    expect((error as ProviderError).responseBody).not.toContain(key);
  });

  it('should redact failure texts returned inside a successful call', async () => {
    const status = await adapter.status(null, context);
    expect(JSON.stringify(status)).not.toContain(key);
    const health = await adapter.healthCheck(context);
    expect(health.error).not.toContain(encodeURIComponent(key));
  });

  it("should redact a caller's own key passed in the call's context", async () => {
    const callerKey = 'caller-Own-Key-77b1c9';
    const echoing = redactingAdapter(
      {
        specificationVersion: 'v1',
        id: 'acme',
        type: 'acme',
        models: [],
        submit: () => Promise.reject(new Error('unused')),
        healthCheck: () => Promise.reject(new Error('unused')),
        status: async (_operation, call) => ({
          status: 'failed',
          code: 'provider_auth_failed',
          message: `bad key ${call.apiKey ?? ''}`,
          isRetryable: false,
        }),
      },
      [key],
    );
    const status = await echoing.status(null, { ...context, apiKey: callerKey });
    expect(status).toMatchObject({ status: 'failed', code: 'provider_auth_failed' });
    expect(JSON.stringify(status)).not.toContain(callerKey);
  });

  it('should find the credentials in a config entry', () => {
    expect(
      secretsInConfig({ id: 'x', apiKey: 'a1', webhookSecret: 'w2', auth: { token: 't3' } }),
    ).toEqual(['a1', 'w2', 't3']);
  });
});
