import { creditsFromBalance } from '../kernel/check-health.js';
import { parseOperation } from '../kernel/parse-operation.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderError } from '../../core/errors/index.js';
import type {
  CallContext,
  HealthCheckResult,
  JsonValue,
  ProviderAdapter,
  ProviderOutput,
  ProviderRequest,
  StatusResult,
  SubmitContext,
  SubmitResult,
} from '../../core/provider-adapter.js';
import type { ModelOffering } from '../../core/model-capabilities.js';
import { estimateCost } from '../../catalog/estimate-cost.js';
import type { Database } from '../../store/database.js';
import { SimulatorOperationRepository } from '../../store/repositories/simulator-operation-repository.js';
import { renderMp4 } from './render-mp4.js';
import { sampleLatency } from './sample-latency.js';
import { renderPng } from './render-png.js';
import { simulatorModels } from './simulator-models.js';
import {
  SimulatorProfileSchema,
  type SimulatorConfig,
  type SimulatorFailureKind,
  type SimulatorProfile,
  type SimulatorProfilePatch,
} from './simulator-profile.js';

/** What the simulator stores as its operation handle (and in its own ledger). */
const SimulatorOperationSchema = z.object({
  attemptId: z.string(),
  submittedAt: z.number(),
  latencyMs: z.number(),
  kind: z.enum(['image', 'video']),
  prompt: z.string(),
  seed: z.number(),
  width: z.number(),
  height: z.number(),
  durationSeconds: z.number(),
  outputs: z.number(),
  costUsd: z.number(),
});
type SimulatorOperation = z.infer<typeof SimulatorOperationSchema>;

function failure(providerId: string, kind: SimulatorFailureKind): ProviderError {
  switch (kind) {
    case 'rate_limited':
      return new ProviderError({
        providerId,
        code: 'provider_rate_limited',
        message: 'Simulated rate limit (429).',
        statusCode: 429,
        retryAfterMs: 1000,
      });
    case 'insufficient_credits':
      return new ProviderError({
        providerId,
        code: 'provider_insufficient_credits',
        message: 'Simulated insufficient credits (402).',
        statusCode: 402,
      });
    case 'timeout':
      return new ProviderError({
        providerId,
        code: 'provider_timeout',
        message: 'Simulated provider timeout.',
      });
    case 'server_error':
      return new ProviderError({
        providerId,
        code: 'provider_unavailable',
        message: 'Simulated provider error (500).',
        statusCode: 500,
      });
  }
}

/**
 * The built-in provider: produces real PNGs and MP4s after a configurable latency, and injects
 * failures on demand. It keeps a ledger of submissions in the gateway database — its "provider
 * side" — so that a submission is found again by attempt id after a crash, never made twice.
 */
export class SimulatorAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1';
  readonly type = 'simulator';
  readonly id: string;
  private currentProfile: SimulatorProfile;
  private offerings: ModelOffering[];
  private readonly operations: SimulatorOperationRepository<SimulatorOperation>;

  constructor(
    config: SimulatorConfig,
    database: Database,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.id = config.id;
    this.currentProfile = SimulatorProfileSchema.parse({
      latencyMs: config.latencyMs,
      failureRate: config.failureRate,
      failureKinds: config.failureKinds,
      costPerImage: config.costPerImage,
      costPerSecond: config.costPerSecond,
      models: config.models,
      qualityScore: config.qualityScore,
      creditUsd: config.creditUsd,
    });
    this.offerings = simulatorModels(this.currentProfile);
    this.operations = new SimulatorOperationRepository(database, SimulatorOperationSchema);
  }

  get models(): readonly ModelOffering[] {
    return this.offerings;
  }

  /** The current profile (latency, failures, prices). */
  get profile(): SimulatorProfile {
    return this.currentProfile;
  }

  /** Applies a runtime profile change (drills); models keep their keys, prices follow. */
  updateProfile(patch: SimulatorProfilePatch): SimulatorProfile {
    this.currentProfile = SimulatorProfileSchema.parse({ ...this.currentProfile, ...patch });
    this.offerings = simulatorModels(this.currentProfile);
    return this.currentProfile;
  }

  async submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult> {
    const profile = this.currentProfile;
    if (profile.failureRate > 0 && this.random() < profile.failureRate) {
      const kinds = profile.failureKinds;
      throw failure(this.id, kinds[Math.floor(this.random() * kinds.length)] ?? 'server_error');
    }
    const durationSeconds = request.kind === 'video' ? (request.duration ?? 4) : 0;
    const operation: SimulatorOperation = {
      attemptId: context.attemptId,
      submittedAt: this.now(),
      latencyMs: sampleLatency(profile.latencyMs.p50, profile.latencyMs.p95, this.random),
      kind: request.kind,
      prompt: request.prompt,
      seed: request.seed ?? createHash('sha256').update(context.attemptId).digest().readUInt32BE(0),
      width: request.width ?? (request.kind === 'video' ? 864 : 512),
      height: request.height ?? (request.kind === 'video' ? 480 : 512),
      durationSeconds,
      outputs: request.n,
      costUsd: estimateCost(request.offering.price, { ...request, duration: durationSeconds }),
    };
    // Idempotent on attempt id: a resubmission returns the first operation unchanged.
    const stored = await this.operations.insertOrCount({
      attemptId: context.attemptId,
      providerId: this.id,
      generationId: context.jobId,
      operation,
    });
    return { operation: stored as unknown as JsonValue, providerJobId: stored.attemptId };
  }

  async recover(_request: ProviderRequest, context: SubmitContext): Promise<SubmitResult | null> {
    const stored = await this.operations.find(context.attemptId);
    if (!stored) return null;
    return { operation: stored as unknown as JsonValue, providerJobId: stored.attemptId };
  }

  async status(operation: JsonValue, _context: CallContext): Promise<StatusResult> {
    const simulated = parseOperation(this.id, SimulatorOperationSchema, operation);
    const elapsed = this.now() - simulated.submittedAt;
    if (elapsed < simulated.latencyMs) {
      const progress = simulated.latencyMs > 0 ? elapsed / simulated.latencyMs : 0;
      return {
        status: 'pending',
        phase: progress < 0.2 ? 'queued' : 'running',
        progress: Math.round(progress * 100) / 100,
      };
    }
    return {
      status: 'completed',
      outputs: await this.render(simulated),
      usage: { costUsd: simulated.costUsd },
    };
  }

  async cancel(_operation: JsonValue, _context: CallContext): Promise<void> {
    // Nothing runs on a simulated provider; once the engine marks the job canceled it stops
    // polling, which is all a cancel has to achieve here.
  }

  async healthCheck(_context: CallContext): Promise<HealthCheckResult> {
    const profile = this.currentProfile;
    if (profile.failureRate >= 1) {
      const exhausted = profile.failureKinds.every((kind) => kind === 'insufficient_credits');
      return {
        ok: false,
        latencyMs: 0,
        error: `simulated failure: ${profile.failureKinds.join(', ')}`,
        credits: { exhausted },
      };
    }
    if (profile.creditUsd !== undefined)
      return { ok: true, latencyMs: 0, credits: creditsFromBalance(profile.creditUsd) };
    return { ok: true, latencyMs: 0, credits: { exhausted: false } };
  }

  private async render(operation: SimulatorOperation): Promise<ProviderOutput[]> {
    if (operation.kind === 'video') {
      const data = await renderMp4({
        prompt: operation.prompt,
        seed: operation.seed,
        width: operation.width,
        height: operation.height,
        durationSeconds: operation.durationSeconds,
      });
      return [
        {
          type: 'bytes',
          data,
          mimeType: 'video/mp4',
          width: operation.width,
          height: operation.height,
          durationSeconds: operation.durationSeconds,
        },
      ];
    }
    const outputs: ProviderOutput[] = [];
    for (let index = 0; index < operation.outputs; index++) {
      const data = await renderPng({
        prompt: operation.prompt,
        seed: operation.seed + index,
        width: operation.width,
        height: operation.height,
      });
      outputs.push({
        type: 'bytes',
        data,
        mimeType: 'image/png',
        width: operation.width,
        height: operation.height,
      });
    }
    return outputs;
  }
}
