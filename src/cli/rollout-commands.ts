import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import { parseDuration, parseStages } from './parse-duration.js';

type Print = (value: unknown, human: () => string) => void;

interface RolloutView {
  id: string;
  status: string;
  baseline: string;
  canary: string;
  model: string | null;
  stage: { number: number; of: number; canary_weight: number; started_at: string };
  weights: Record<string, number>;
  observed_split_10m: Record<string, number | null>;
  guardrails:
    | {
        name: string;
        status: string;
        value: number | null;
        limit: number | null;
        samples: number;
      }[]
    | null;
  reason: string | null;
  decisions: { at: string; decision: string; stage: number; actor: string }[];
}

function describe(rollout: RolloutView): string {
  const lines = [
    `${rollout.id}  ${rollout.status}  ${rollout.baseline} → ${rollout.canary}${rollout.model ? ` (${rollout.model})` : ''}`,
    `stage ${rollout.stage.number}/${rollout.stage.of} at ${Math.round(rollout.stage.canary_weight * 100)}% since ${rollout.stage.started_at}; weights ${JSON.stringify(rollout.weights)}`,
    `split over the last 10 min: ${Object.entries(rollout.observed_split_10m)
      .filter(([key]) => key !== 'requests')
      .map(
        ([provider, share]) =>
          `${provider} ${share === null ? '-' : `${(share * 100).toFixed(1)}%`}`,
      )
      .join(', ')} (${rollout.observed_split_10m.requests} requests)`,
  ];
  if (rollout.reason) lines.push(`reason: ${rollout.reason}`);
  if (rollout.guardrails) {
    lines.push(
      formatTable(
        ['guardrail', 'status', 'value', 'limit', 'samples'],
        rollout.guardrails.map((check) => [
          check.name,
          check.status,
          check.value === null ? null : Number(check.value.toPrecision(4)),
          check.limit === null ? null : Number(check.limit.toPrecision(4)),
          check.samples,
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
    .description('start moving traffic from --baseline to --canary in stages')
    .requiredOption('--baseline <provider>', 'provider serving the traffic today')
    .requiredOption('--canary <provider>', 'provider being rolled out')
    .option('--model <key>', 'only this model (default: all models)')
    .option('--stages <list>', 'stages, e.g. 10%:1h,50%:3h,100% (the default)')
    .option('--interval <duration>', 'evaluation interval, e.g. 30s')
    .option('--reason <text>', 'recorded in the audit log')
    .action(
      async (options: {
        baseline: string;
        canary: string;
        model?: string;
        stages?: string;
        interval?: string;
        reason?: string;
      }) => {
        const body = {
          baseline: options.baseline,
          canary: options.canary,
          model: options.model,
          stages: options.stages ? parseStages(options.stages) : undefined,
          intervalSeconds: options.interval ? parseDuration(options.interval) : undefined,
          reason: options.reason,
        };
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
            `${entry.stage.number}/${entry.stage.of}`,
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
