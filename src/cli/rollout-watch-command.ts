import type { Command } from 'commander';
import { z } from 'zod';
import type { AdminClient } from './admin-client.js';
import { formatGuardrailValue } from '../rollout/evaluate-guardrails.js';
import { formatPercent } from '../rollout/split-overrides.js';
import { parseDuration } from './parse-duration.js';

/** What the watch reads of `GET /admin/rollouts/{id}` (loose: other fields pass by). */
const WatchedRolloutSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  baseline: z.string(),
  canary: z.string(),
  stage: z.looseObject({ number: z.number(), of: z.number(), canary_weight: z.number() }),
  weights: z.record(z.string(), z.number()),
  observed_split: z.looseObject({ requests: z.number() }),
  guardrails: z
    .array(
      z.looseObject({
        name: z.string(),
        status: z.string(),
        value: z.number().nullable(),
        limit: z.number().nullable(),
        samples: z.number(),
      }),
    )
    .nullable(),
  reason: z.string().nullable(),
  decisions: z.array(
    z.looseObject({
      at: z.string(),
      decision: z.string(),
      stage: z.number(),
      actor: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
type WatchedRollout = z.infer<typeof WatchedRolloutSchema>;

/** The states a rollout does not leave, with the exit code each ends the watch with. */
const endings: Record<string, number> = { completed: 0, rolled_back: 2 };

/** One snapshot as the watch prints and compares it. */
export function watchSnapshot(rollout: WatchedRollout) {
  const last = rollout.decisions[0];
  const share = (provider: string) => {
    const value = rollout.observed_split[provider];
    return typeof value === 'number' ? value : null;
  };
  return {
    id: rollout.id,
    status: rollout.status,
    stage: rollout.stage.number,
    stages: rollout.stage.of,
    canary_weight: rollout.stage.canary_weight,
    weights: rollout.weights,
    split: {
      requests: rollout.observed_split.requests,
      [rollout.baseline]: share(rollout.baseline),
      [rollout.canary]: share(rollout.canary),
    },
    guardrails: (rollout.guardrails ?? []).map(({ name, status, value, limit, samples }) => ({
      name,
      status,
      value,
      limit,
      samples,
    })),
    last_decision: last
      ? { at: last.at, decision: last.decision, stage: last.stage + 1, actor: last.actor }
      : null,
    reason: rollout.reason,
  };
}
type Snapshot = ReturnType<typeof watchSnapshot>;

/** The human view: a few lines, the same on a terminal (redrawn) and in a log (appended). */
export function formatSnapshot(snapshot: Snapshot, baseline: string, canary: string): string {
  const percent = (value: number | null | undefined) =>
    typeof value === 'number' ? formatPercent(value) : '-';
  const lines = [
    `${snapshot.id}  ${snapshot.status}  stage ${snapshot.stage}/${snapshot.stages} at ${percent(snapshot.canary_weight)} canary`,
    `split: ${baseline} ${percent(snapshot.split[baseline])}, ${canary} ${percent(snapshot.split[canary])} (${snapshot.split.requests} requests)`,
    ...snapshot.guardrails.map(
      (check) =>
        `  ${check.name}: ${formatGuardrailValue(check.name, check.value)} / limit ${formatGuardrailValue(check.name, check.limit)}  ${check.status} (${check.samples} samples)`,
    ),
  ];
  const last = snapshot.last_decision;
  if (last)
    lines.push(
      `last decision: ${last.decision} at stage ${last.stage} by ${last.actor}, ${last.at}`,
    );
  if (snapshot.reason) lines.push(`reason: ${snapshot.reason}`);
  return lines.join('\n');
}

/** Where the watch writes, and whether it may redraw. */
export interface WatchStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * `rollout watch <id>`: polls the rollout every `--interval` and shows it: redrawn in place on
 * a terminal, a new block of lines (or one JSON line with `--json`) only when something
 * changed otherwise. Ends when the rollout does: exit 0 when completed, 2 when rolled back.
 */
export function registerRolloutWatchCommand(
  program: Command,
  client: () => AdminClient,
  stream: WatchStream = process.stdout,
): void {
  const rollout = program.commands.find((command) => command.name() === 'rollout');
  if (!rollout) throw new Error('the rollout command must be registered first');
  rollout
    .command('watch <id>')
    .description(
      'live status: stage, split, guardrails against their limits, last decision; exits 0 when completed, 2 when rolled back',
    )
    .option('--interval <duration>', 'refresh every (e.g. 2s, 500ms)', '2s')
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard rollout watch ro_01jx2m4k7p\n  switchyard --json rollout watch ro_01jx2m4k7p --interval 5s | jq .status',
    )
    .action(async (id: string, options: { interval: string }) => {
      const intervalMs = parseInterval(options.interval);
      const json = program.opts<{ json?: boolean }>().json === true;
      const api = client();
      let previous = '';
      let drawnLines = 0;
      for (;;) {
        const rollout = WatchedRolloutSchema.parse(
          await api.get(`/admin/rollouts/${encodeURIComponent(id)}`),
        );
        const snapshot = watchSnapshot(rollout);
        const key = JSON.stringify(snapshot);
        const ending = endings[snapshot.status];
        if (key !== previous) {
          previous = key;
          if (json) stream.write(`${key}\n`);
          else {
            const text = formatSnapshot(snapshot, rollout.baseline, rollout.canary);
            // Move up over the previous block and clear it, so the view stays in place.
            if (stream.isTTY && drawnLines > 0) stream.write(`\x1b[${drawnLines}F\x1b[J`);
            stream.write(`${text}\n${stream.isTTY ? '' : '\n'}`);
            drawnLines = text.split('\n').length;
          }
        }
        if (ending !== undefined) {
          process.exitCode = ending;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    });
}

/** `2s`, `500ms` or plain seconds; at least 100 ms, so a typo cannot hammer the gateway. */
function parseInterval(text: string): number {
  const milliseconds = /^(\d+)ms$/.exec(text.trim());
  const value = milliseconds ? Number(milliseconds[1]) : parseDuration(text) * 1000;
  if (!Number.isFinite(value) || value < 100)
    throw new Error(`--interval must be at least 100ms, got '${text}'`);
  return value;
}
