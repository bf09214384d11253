import { InvalidArgumentError, type Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatGuardrailValue } from '../rollout/evaluate-guardrails.js';
import { formatPValue } from '../rollout/compare-arms.js';
import type { RolloutDryRun } from '../rollout/plan-rollout.js';
import { formatPercent } from '../rollout/split-overrides.js';
import { formatTable } from './format-table.js';
import { parseDuration, parseStages } from './parse-duration.js';

type Print = (value: unknown, human: () => string) => void;

interface RolloutView {
  id: string;
  status: string;
  baseline: string;
  canary: string;
  model: string | null;
  stage: {
    phase?: 'shadow' | 'live';
    number: number;
    of: number;
    canary_weight: number;
    started_at: string;
  };
  shadow?: {
    status: string;
    outcome: string | null;
    fraction: number;
    budget_usd: number;
    duration_seconds: number | null;
    copies: number;
    reserved_usd: number;
    spent_usd: number;
    budget_spent_at: string | null;
    succeeded: number;
    failed: number;
    unfinished: number;
    recent_jobs: { id: string; client_job_id: string; status: string; cost_usd: number | null }[];
  } | null;
  weights: Record<string, number>;
  observed_split: Record<string, number | string | null> & { since: string; requests: number };
  guardrails:
    | {
        name: string;
        status: string;
        value: number | null;
        limit: number | null;
        samples: number;
      }[]
    | null;
  comparisons?:
    | {
        name: string;
        test: string;
        status: string;
        effect: number | null;
        lowerBound: number | null;
        pValue: number | null;
        alpha: number;
        canaryValue: number | null;
        baselineValue: number | null;
        canarySamples: number;
        baselineSamples: number;
      }[]
    | null;
  reason: string | null;
  decisions: { at: string; decision: string; stage: number; actor: string }[];
}

function describe(rollout: RolloutView): string {
  const lines = [
    `${rollout.id}  ${rollout.status}  ${rollout.baseline} → ${rollout.canary}${rollout.model ? ` (${rollout.model})` : ''}`,
    rollout.stage.phase === 'shadow'
      ? `shadow stage before stage 1/${rollout.stage.of}: live traffic all on ${rollout.baseline}, copies to ${rollout.canary}; weights ${JSON.stringify(rollout.weights)}`
      : `stage ${rollout.stage.number}/${rollout.stage.of} at ${Math.round(rollout.stage.canary_weight * 100)}% since ${rollout.stage.started_at}; weights ${JSON.stringify(rollout.weights)}`,
    ...describeShadow(rollout),
    `split since ${rollout.observed_split.since}: ${[rollout.baseline, rollout.canary]
      .map((provider) => {
        const share = rollout.observed_split[provider];
        return `${provider} ${typeof share === 'number' ? formatPercent(share) : '-'}`;
      })
      .join(', ')} (${rollout.observed_split.requests} requests)`,
  ];
  if (rollout.reason) lines.push(`reason: ${rollout.reason}`);
  if (rollout.guardrails) {
    lines.push(
      formatTable(
        ['guardrail', 'status', 'value', 'limit', 'samples'],
        rollout.guardrails.map((check) => [
          check.name,
          check.status,
          formatGuardrailValue(check.name, check.value),
          formatGuardrailValue(check.name, check.limit),
          check.samples,
        ]),
      ),
    );
  }
  if (rollout.comparisons?.length) {
    // Ranks: P(canary value > baseline value); rates: canary − baseline in points.
    const effect = (
      check: NonNullable<RolloutView['comparisons']>[number],
      value: number | null,
    ) =>
      value === null
        ? '-'
        : check.test === 'mann_whitney_u'
          ? `P ${formatPercent(value)}`
          : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} pt`;
    lines.push(
      'canary vs baseline since the stage started (sequential tests):',
      formatTable(
        [
          'guardrail',
          'verdict',
          'canary',
          'baseline',
          'effect',
          'lower bound',
          'p',
          'α',
          'samples',
        ],
        rollout.comparisons.map((check) => [
          check.name,
          check.status.replace('_', ' '),
          formatGuardrailValue(check.name, check.canaryValue),
          formatGuardrailValue(check.name, check.baselineValue),
          effect(check, check.effect),
          effect(check, check.lowerBound),
          formatPValue(check.pValue),
          formatPValue(check.alpha),
          `${check.canarySamples}/${check.baselineSamples}`,
        ]),
      ),
    );
  }
  lines.push(
    formatTable(
      ['when', 'decision', 'stage', 'by'],
      rollout.decisions.map((decision) => [
        decision.at,
        decision.decision,
        decision.stage + 1,
        decision.actor,
      ]),
    ),
  );
  return lines.join('\n');
}

/** The shadow stage in two lines: its course and its spend against the budget. */
function describeShadow(rollout: RolloutView): string[] {
  const shadow = rollout.shadow;
  if (!shadow) return [];
  const course = shadow.status === 'running' ? 'running' : `ended (${shadow.outcome ?? 'unknown'})`;
  return [
    `shadow ${course}: ${formatPercent(shadow.fraction)} of requests copied to ${rollout.canary}${shadow.duration_seconds ? ` for at least ${shadow.duration_seconds} s` : ''}`,
    `shadow copies ${shadow.copies} (${shadow.succeeded} succeeded, ${shadow.failed} failed, ${shadow.unfinished} unfinished); spent $${shadow.spent_usd.toFixed(4)} of $${shadow.budget_usd.toFixed(2)} (reserved $${shadow.reserved_usd.toFixed(4)})${shadow.budget_spent_at ? `; budget spent at ${shadow.budget_spent_at}` : ''}`,
  ];
}

/** A number option, refused by the CLI when it is not one (the gateway checks the range). */
function numberOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new InvalidArgumentError(`'${value}' is not a number.`);
  return parsed;
}

/** Per stage and guardrail: what the comparison needs to see the operator's effect in time. */
function describeDryRun(dryRun: RolloutDryRun): string {
  const { traffic } = dryRun;
  const minutes = (seconds: number | null) =>
    seconds === null ? '-' : seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  const effect = (name: string, value: number) =>
    name === 'p95_latency' || name === 'cost_per_output'
      ? `+${formatPercent(value)}`
      : `+${(value * 100).toFixed(1)} pt`;
  return [
    `traffic over the last hour: ${traffic.requestsPerSecond.toFixed(2)} requests/s; α ${dryRun.plan.statistics.alpha} over the rollout, power ${formatPercent(dryRun.plan.statistics.power)}`,
    formatTable(
      ['stage', 'canary', 'lasts', 'guardrail', 'detects', 'needs', 'takes', 'long enough'],
      dryRun.stages.flatMap((stage) =>
        stage.guardrails.map((guardrail) => [
          stage.stage + 1,
          formatPercent(stage.weight),
          minutes(stage.minDurationSeconds),
          guardrail.name,
          effect(guardrail.name, guardrail.detectableEffect),
          guardrail.requiredSamples === null
            ? 'no baseline'
            : `${guardrail.requiredSamples} ${guardrail.name === 'cost_per_output' ? 'buckets' : 'requests'}`,
          minutes(guardrail.requiredSeconds),
          guardrail.enough === null ? '-' : guardrail.enough ? 'yes' : 'NO',
        ]),
      ),
    ),
  ].join('\n');
}

/** `rollout start|status|pause|resume|promote|rollback`. */
export function registerRolloutCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const rollout = program
    .command('rollout')
    .description('canary rollouts with guardrails and automatic rollback');
  rollout
    .command('start')
    .description(
      'start moving traffic from --baseline to --canary (providers), or from --from-model to --to-model, in stages',
    )
    .option('--baseline <provider>', 'provider serving the traffic today')
    .option('--canary <provider>', 'provider being rolled out')
    .option('--model <key>', 'only this model (default: all models)')
    .option('--from-model <key>', 'a model rollout: the model whose requests move')
    .option('--to-model <key>', 'a model rollout: the model they move to')
    .option('--stages <list>', 'stages, e.g. 10%:1h,50%:3h,100% (the default)')
    .option('--interval <duration>', 'evaluation interval, e.g. 30s')
    .option(
      '--shadow <fraction>',
      'first a shadow stage: copy this fraction of requests to the canary (0 < f ≤ 1), answered by the baseline only',
      numberOption,
    )
    .option(
      '--shadow-budget-usd <usd>',
      'what the shadow copies may cost at the provider; no copy past it',
      numberOption,
    )
    .option(
      '--shadow-duration <duration>',
      'shortest shadow stage, e.g. 10m (default: until the budget is spent)',
    )
    .option(
      '--supersede-overrides',
      'set aside per-model weights/strategies that would escape an all-models rollout (restored at the end)',
    )
    .option('--reason <text>', 'recorded in the audit log')
    .option('--dry-run', 'start nothing: say how long each stage must run at the current traffic')
    .action(
      async (options: {
        dryRun?: boolean;
        baseline?: string;
        canary?: string;
        model?: string;
        fromModel?: string;
        toModel?: string;
        stages?: string;
        interval?: string;
        reason?: string;
        supersedeOverrides?: boolean;
        shadow?: number;
        shadowBudgetUsd?: number;
        shadowDuration?: string;
      }) => {
        const shadow =
          options.shadow !== undefined ||
          options.shadowBudgetUsd !== undefined ||
          options.shadowDuration !== undefined
            ? {
                fraction: options.shadow,
                budgetUsd: options.shadowBudgetUsd,
                durationSeconds: options.shadowDuration
                  ? parseDuration(options.shadowDuration)
                  : undefined,
              }
            : undefined;
        const body = {
          baseline: options.baseline,
          canary: options.canary,
          model: options.model,
          fromModel: options.fromModel,
          toModel: options.toModel,
          stages: options.stages ? parseStages(options.stages) : undefined,
          intervalSeconds: options.interval ? parseDuration(options.interval) : undefined,
          shadow,
          reason: options.reason,
          overrides: options.supersedeOverrides ? 'supersede' : undefined,
        };
        if (options.dryRun) {
          const plan = await client().post<RolloutDryRun>('/admin/rollouts?dry_run=true', body);
          print(plan, () => describeDryRun(plan));
          return;
        }
        const started = await client().post<RolloutView>('/admin/rollouts', body);
        print(started, () => describe(started));
      },
    );
  rollout
    .command('status [id]')
    .description('one rollout in detail, or the recent ones')
    .action(async (id?: string) => {
      if (id) {
        const view = await client().get<RolloutView>(`/admin/rollouts/${encodeURIComponent(id)}`);
        print(view, () => describe(view));
        return;
      }
      const list = await client().get<{ data: RolloutView[] }>('/admin/rollouts?limit=10');
      print(list, () =>
        formatTable(
          ['id', 'status', 'baseline → canary', 'model', 'stage', 'weights'],
          list.data.map((entry) => [
            entry.id,
            entry.status,
            `${entry.baseline} → ${entry.canary}`,
            entry.model,
            entry.stage.phase === 'shadow'
              ? `shadow/${entry.stage.of}`
              : `${entry.stage.number}/${entry.stage.of}`,
            JSON.stringify(entry.weights),
          ]),
        ),
      );
    });
  for (const action of ['pause', 'resume', 'promote', 'rollback'] as const) {
    rollout
      .command(`${action} <id>`)
      .description(`${action} a rollout`)
      .option('--reason <text>', 'recorded with the decision')
      .action(async (id: string, options: { reason?: string }) => {
        const view = await client().post<RolloutView>(
          `/admin/rollouts/${encodeURIComponent(id)}/${action}`,
          { reason: options.reason },
        );
        print(view, () => describe(view));
      });
  }
}
