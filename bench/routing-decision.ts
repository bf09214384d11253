import { HealthConfigSchema, RoutingConfigSchema } from '../src/config/config-schema.js';
import { ControlPlane } from '../src/routing/control-plane/control-plane.js';
import type { GenerationRequest } from '../src/core/generation-request.js';
import { AlertSink } from '../src/observability/alert-sink.js';
import { GatewayMetrics } from '../src/observability/gateway-metrics.js';
import { createLogger } from '../src/observability/logger.js';
import { ProviderInstances } from '../src/providers/provider-instances.js';
import { SimulatorAdapter } from '../src/providers/simulator/simulator-adapter.js';
import { SimulatorConfigSchema } from '../src/providers/simulator/simulator-profile.js';
import { ProviderHealthService } from '../src/routing/provider-health.js';
import { Router } from '../src/routing/router.js';
import type { StrategyName } from '../src/core/strategy-name.js';
import { SsrfGuard } from '../src/security/ssrf-guard.js';
import { openDatabase } from '../src/store/open-database.js';
import { runMigrations } from '../src/store/run-migrations.js';
import { parseBenchArgs } from './support/cli.js';
import { note, printTable, printTargets, writeResult, type TargetCheck } from './support/report.js';
import { round, summarize, type Summary } from './support/stats.js';

/**
 * Issue figure: "routing decision cost (µs per decision with 20 providers)".
 *
 * The router is wired as in `createGateway`: 20 simulator instances serving one model, the real
 * `ControlPlane` (on in-memory PGlite, strategy and weights set through it as an operator
 * would), the real `ProviderHealthService` fed with a window of outcomes so health-aware
 * strategies have figures to sort by, and the metrics counter the gateway increments per
 * decision. Each call is `router.plan(request, { stickyKey })` with a fresh job id as key, as
 * the submit worker calls it. No target number is set in the issue; the figure is reported.
 */

const providerCount = 20;
const batchSize = 1000;
const strategies: readonly StrategyName[] = [
  'weighted',
  'primary_first',
  'round_robin',
  'least_loaded',
  'cost_optimized',
  'quality_focused',
  'health_based',
];

interface StrategyResult {
  strategy: StrategyName;
  decisions: number;
  /** Total time ÷ decisions. */
  meanMicros: number;
  /** Over batches of {@link batchSize} decisions (µs per decision). */
  batches: Summary;
  /** Candidates in the first plan (should be all 20). */
  candidates: number;
  /** Share of decisions whose first choice was the most frequent provider. */
  topProviderShare: number;
}

async function main(): Promise<void> {
  const { quick } = parseBenchArgs();
  const decisions = quick ? 20_000 : 100_000;
  const warmUp = quick ? 5_000 : 20_000;
  const database = await openDatabase({ databaseUrl: 'memory://', dataDir: '.' });
  const logger = createLogger('silent');
  try {
    await runMigrations(database);
    const adapters = Array.from({ length: providerCount }, (_, index) => {
      const config = SimulatorConfigSchema.parse({
        id: `sim-${String(index).padStart(2, '0')}`,
        type: 'simulator',
        models: ['sim-image'],
        // Distinct prices and scores so the sorting strategies really reorder.
        costPerImage: 0.001 * (1 + ((index * 7) % 13)),
        qualityScore: 30 + ((index * 11) % 60),
      });
      return { adapter: new SimulatorAdapter(config, database), enabled: true };
    });
    const instances = new ProviderInstances(adapters);
    const alerts = new AlertSink({
      database,
      logger,
      guard: new SsrfGuard(),
      secret: () => 'whsec_bench-secret-not-used',
    });
    const health = new ProviderHealthService({
      instances,
      database,
      config: HealthConfigSchema.parse({ checkIntervalSeconds: 0 }),
      alerts,
      logger,
    });
    // A window of traffic: provider i fails 20 − i of 100 calls (80–99 % success), spread out so
    // no breaker sees consecutive failures, with p95 latencies that differ per provider.
    adapters.forEach(({ adapter }, index) => {
      const failures = providerCount - index;
      const every = Math.floor(100 / failures);
      for (let sample = 0; sample < 100; sample++) {
        const failed = sample % every === 0 && sample / every < failures;
        health.attemptFinished({
          jobId: `warm-${index}-${sample}`,
          provider: adapter.id,
          model: 'sim-image',
          phase: 'result',
          ok: !failed,
          providerFault: true,
          latencyMs: 500 + ((index * 37 + sample * 13) % 4000),
        });
      }
    });
    const metrics = new GatewayMetrics({ jobsByStatus: async () => ({}), providers: () => [] });
    const controlPlane = new ControlPlane({
      database,
      instances,
      defaults: RoutingConfigSchema.parse({}),
      reloadIntervalMs: 3_600_000,
      logger,
    });
    await controlPlane.start();
    const router = new Router(instances, {
      controlPlane,
      health,
      onDecision: (plan) =>
        metrics.routingDecisions.inc({
          strategy: plan.strategy,
          provider: plan.candidates[0]?.providerId ?? 'none',
        }),
    });
    const author = { actor: 'bench', reason: 'routing-decision benchmark' };
    await controlPlane.setWeights(
      Object.fromEntries(adapters.map(({ adapter }, index) => [adapter.id, 1 + (index % 5)])),
      {},
      author,
    );

    const request: GenerationRequest = {
      kind: 'image',
      task: 'text-to-image',
      model: 'sim-image',
      prompt: 'bench',
      inputImages: [],
      width: 512,
      height: 512,
      n: 1,
      allowResubmit: false,
    };
    // Keys made up front so their creation is not timed; shaped like job ids.
    const keys = Array.from(
      { length: decisions + warmUp },
      (_, index) => `gen_${index.toString(36).padStart(26, '0')}`,
    );
    const results: StrategyResult[] = [];
    for (const strategy of strategies) {
      await controlPlane.setStrategy(strategy, {}, author);
      const candidates = router.plan(request, { stickyKey: 'probe' }).candidates.length;
      for (let index = 0; index < warmUp; index++)
        router.plan(request, { stickyKey: keys[decisions + index] });
      const perBatch: number[] = [];
      const firstChoices = new Map<string, number>();
      const started = process.hrtime.bigint();
      for (let batch = 0; batch < decisions / batchSize; batch++) {
        const batchStarted = process.hrtime.bigint();
        for (let index = batch * batchSize; index < (batch + 1) * batchSize; index++) {
          const plan = router.plan(request, { stickyKey: keys[index] });
          // Reading the answer keeps the call from being optimised away, and shows the split.
          const first = plan.candidates[0]?.providerId ?? 'none';
          firstChoices.set(first, (firstChoices.get(first) ?? 0) + 1);
        }
        perBatch.push(Number(process.hrtime.bigint() - batchStarted) / 1000 / batchSize);
      }
      const totalMicros = Number(process.hrtime.bigint() - started) / 1000;
      results.push({
        strategy,
        decisions,
        meanMicros: totalMicros / decisions,
        batches: summarize(perBatch),
        candidates,
        topProviderShare: Math.max(...firstChoices.values()) / decisions,
      });
    }
    await controlPlane.stop();

    printTable(
      `router.plan with ${providerCount} providers, ${decisions} decisions per strategy (µs per decision)`,
      [
        'strategy',
        'mean',
        'p50 (batches)',
        'p99 (batches)',
        'max (batches)',
        'candidates',
        'top share',
      ],
      results.map((result) => [
        result.strategy,
        round(result.meanMicros),
        round(result.batches.p50),
        round(result.batches.p99),
        round(result.batches.max),
        result.candidates,
        `${round(result.topProviderShare * 100, 1)} %`,
      ]),
    );
    note(
      `batches of ${batchSize} decisions; the p99 is over batch means, so it shows GC and JIT hiccups, not single calls.`,
    );
    note(
      'top share: how often the most chosen provider came first (weighted spreads by weight; sorting strategies always pick one).',
    );
    const worst = Math.max(...results.map((result) => result.meanMicros));
    const targets: TargetCheck[] = [
      {
        name: 'routing decision, slowest strategy (no issue target)',
        target: 'reported only',
        measured: `${round(worst)} µs`,
        met: true,
      },
    ];
    printTargets(targets);
    await writeResult('routing-decision', {
      quick,
      providers: providerCount,
      batchSize,
      strategies: results,
      targets,
    });
  } finally {
    await database.close();
  }
}

await main();
