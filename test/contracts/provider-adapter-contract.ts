import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, ProviderError } from '../../src/core/errors/index.js';
import type {
  InboundWebhook,
  ProviderAdapter,
  ProviderRequest,
  StatusResult,
} from '../../src/core/provider-adapter.js';
import type { FakeScenario } from '../fakes/fake-http-server.js';
import { estimateAdapterCost } from '../../src/catalog/estimate-cost.js';

/** What a provider's test gives the shared contract suite: its real adapter, talking to its fake. */
export interface ContractHarness {
  /** The real adapter, configured with the fake's base URL. */
  adapter: ProviderAdapter;
  /** Requests the adapter serves; at least one. Used for submit → status → completed. */
  requests: ProviderRequest[];
  /** Makes the fake answer the NEXT generation submissions with this scenario ('ok' resets). */
  setScenario(scenario: FakeScenario): void;
  /** Scenarios the provider cannot produce (e.g. a provider without a credit error). */
  unsupportedScenarios?: FakeScenario[];
  /** Number of generation submissions the fake has received. */
  submissions(): number;
  /**
   * Model ids the provider refuses as unknown or retired (the really retired ids where there
   * are some). The fake refuses them as the real API does; the adapter must answer
   * `provider_model_unavailable`, which falls back and marks the offering unavailable.
   */
  retiredModelIds: string[];
  /**
   * A webhook for a finished provider job, as the provider would send it. `forge` signs with a
   * wrong key; `timestampOffsetSeconds` shifts its timestamp (replay). Absent when the provider
   * has no webhooks.
   */
  webhook?(
    providerJobId: string,
    options?: { forge?: boolean; timestampOffsetSeconds?: number },
  ): Promise<InboundWebhook>;
  /**
   * False for providers whose webhooks carry no timestamp (Runware's URL token): a replay cannot
   * be told apart there, and the job engine's idempotent completion makes it change nothing.
   */
  webhookReplayDetectable?: boolean;
  /**
   * Moves the fake's test clock and sends what came due. Present for fakes whose jobs age with
   * time; fakes that advance a job at every status request leave it out.
   */
  advance?(ms: number): Promise<void>;
  close(): Promise<void>;
}

const signal = () => AbortSignal.timeout(10_000);
const submitContext = (attemptId: string, abortSignal: AbortSignal = signal()) => ({
  jobId: `gen_${attemptId}`,
  attemptId,
  signal: abortSignal,
});
let counter = 0;
const nextAttemptId = () => `att_contract${String(++counter).padStart(22, '0')}`;

async function runToCompletion(
  harness: ContractHarness,
  request: ProviderRequest,
): Promise<{ result: StatusResult; providerJobId: string; polls: number }> {
  const { adapter } = harness;
  const submitted = await adapter.submit(request, submitContext(nextAttemptId()));
  expect(typeof submitted.providerJobId).toBe('string');
  expect(submitted.providerJobId.length).toBeGreaterThan(0);
  if (submitted.immediate)
    return { result: submitted.immediate, providerJobId: submitted.providerJobId, polls: 0 };
  // The suite plays the job engine: adapters never wait, so the test loop does.
  for (let poll = 1; poll <= 60; poll++) {
    const result = await adapter.status(submitted.operation, { signal: signal() });
    if (result.status !== 'pending')
      return { result, providerJobId: submitted.providerJobId, polls: poll };
    await harness.advance?.(50);
  }
  throw new Error('the fake never completed');
}

async function expectProviderError(
  promise: Promise<unknown>,
  code: string,
  retryable: boolean,
): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.code).toBe(code);
  expect(providerError.isRetryable).toBe(retryable);
  return providerError;
}

/**
 * The shared provider-adapter contract. Every adapter runs it against its fake server: the
 * lifecycle, every error class, webhook verification (valid, forged, replayed), cancel, costs.
 */
export function runProviderContract(
  name: string,
  createHarness: () => Promise<ContractHarness>,
): void {
  describe(`${name}: provider adapter contract`, () => {
    let harness: ContractHarness;
    beforeAll(async () => {
      harness = await createHarness();
    });
    afterAll(async () => {
      await harness?.close();
    });
    const supports = (scenario: FakeScenario) => !harness.unsupportedScenarios?.includes(scenario);

    it('should declare its identity, models and prices', () => {
      const { adapter } = harness;
      expect(adapter.specificationVersion).toBe('v1');
      expect(adapter.id).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
      expect(adapter.models.length).toBeGreaterThan(0);
      for (const model of adapter.models) {
        expect(model.providerModelId.length).toBeGreaterThan(0);
        expect(model.capabilities.tasks.length).toBeGreaterThan(0);
      }
      expect(harness.requests.length).toBeGreaterThan(0);
    });

    it('should estimate a positive cost for each sample request', () => {
      for (const request of harness.requests)
        expect(estimateAdapterCost(harness.adapter, request)).toBeGreaterThan(0);
    });

    it('should take each sample request from submit through pending to completed with outputs', async () => {
      harness.setScenario('ok');
      for (const request of harness.requests) {
        const before = harness.submissions();
        const { result } = await runToCompletion(harness, request);
        expect(harness.submissions()).toBe(before + 1);
        expect(result.status).toBe('completed');
        if (result.status !== 'completed') return;
        expect(result.outputs.length).toBeGreaterThanOrEqual(1);
        for (const output of result.outputs) {
          if (output.type === 'url') expect(output.url).toMatch(/^https?:\/\//);
          else expect(output.data.length).toBeGreaterThan(0);
        }
      }
    });

    it('should map 401 to a non-retryable auth error', async () => {
      harness.setScenario('auth_error');
      await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_auth_failed',
        false,
      );
      harness.setScenario('ok');
    });

    it('should map exhausted credit to provider_insufficient_credits', async () => {
      if (!supports('insufficient_credits')) return;
      harness.setScenario('insufficient_credits');
      await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_insufficient_credits',
        true,
      );
      harness.setScenario('ok');
    });

    it('should map 429 to a retryable rate limit that honours Retry-After', async () => {
      harness.setScenario('rate_limited');
      const error = await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_rate_limited',
        true,
      );
      expect(error.retryAfterMs).toBe(7000);
      harness.setScenario('ok');
    });

    it('should map a 5xx to a retryable provider_unavailable', async () => {
      harness.setScenario('server_error');
      await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_unavailable',
        true,
      );
      harness.setScenario('ok');
    });

    it('should map malformed JSON to a retryable provider_bad_response', async () => {
      harness.setScenario('malformed_json');
      await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_bad_response',
        true,
      );
      harness.setScenario('ok');
    });

    it('should map an invalid-request answer to a non-retryable provider_invalid_request', async () => {
      harness.setScenario('invalid_request');
      await expectProviderError(
        harness.adapter.submit(harness.requests[0]!, submitContext(nextAttemptId())),
        'provider_invalid_request',
        false,
      );
      harness.setScenario('ok');
    });

    it('should have a sample request for every catalog model (the fake serves each)', () => {
      const sampled = new Set(harness.requests.map((request) => request.offering.modelKey));
      expect(
        harness.adapter.models.map((model) => model.modelKey).filter((key) => !sampled.has(key)),
      ).toEqual([]);
    });

    it('should map a model the provider does not serve to a retryable provider_model_unavailable', async () => {
      expect(harness.retiredModelIds.length).toBeGreaterThan(0);
      for (const providerModelId of harness.retiredModelIds) {
        const sample = harness.requests[0]!;
        const request = { ...sample, offering: { ...sample.offering, providerModelId } };
        const error = await expectProviderError(
          harness.adapter.submit(request, submitContext(nextAttemptId())),
          'provider_model_unavailable',
          true,
        );
        expect(error.message).toContain(harness.adapter.id);
      }
    });

    it('should give up on a hanging provider when its signal aborts', async () => {
      harness.setScenario('hang');
      await expectProviderError(
        harness.adapter.submit(
          harness.requests[0]!,
          submitContext(nextAttemptId(), AbortSignal.timeout(300)),
        ),
        'provider_timeout',
        true,
      );
      harness.setScenario('ok');
    });

    it('should cancel a running job when the provider supports it', async () => {
      if (!harness.adapter.cancel) return;
      harness.setScenario('ok');
      const submitted = await harness.adapter.submit(
        harness.requests[0]!,
        submitContext(nextAttemptId()),
      );
      if (submitted.immediate) return;
      await harness.adapter.cancel(submitted.operation, { signal: signal() });
      const after = await harness.adapter.status(submitted.operation, { signal: signal() });
      expect(['canceled', 'failed', 'pending', 'completed']).toContain(after.status);
    });

    it('should accept a correctly signed webhook and reject forged and replayed ones', async () => {
      if (!harness.webhook || !harness.adapter.parseWebhook) return;
      harness.setScenario('ok');
      const { providerJobId } = await runToCompletion(harness, harness.requests[0]!);
      const valid = await harness.adapter.parseWebhook(await harness.webhook(providerJobId));
      expect(valid.providerJobId).toBe(providerJobId);
      expect(valid.result.status).toBe('completed');
      const forged = harness.adapter.parseWebhook(
        await harness.webhook(providerJobId, { forge: true }),
      );
      await expect(forged).rejects.toBeInstanceOf(GatewayError);
      await expect(forged).rejects.toMatchObject({ httpStatus: 401 });
      if (harness.webhookReplayDetectable === false) return;
      const replayed = harness.adapter.parseWebhook(
        await harness.webhook(providerJobId, { timestampOffsetSeconds: -3600 }),
      );
      await expect(replayed).rejects.toMatchObject({ httpStatus: 401 });
    });

    it('should report health with a latency', async () => {
      harness.setScenario('ok');
      const health = await harness.adapter.healthCheck({ signal: signal() });
      expect(typeof health.ok).toBe('boolean');
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    });
  });
}
