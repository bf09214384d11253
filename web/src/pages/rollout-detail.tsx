import { useMemo, useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { List, Rollout, RolloutDecision } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';
import { Badge } from '../components/badge.js';
import { LineChart } from '../components/line-chart.js';
import { PageState } from '../components/page-state.js';
import { SplitBar } from '../components/split-bar.js';
import { ShadowStageCard } from './shadow-stage-card.js';
import { shadowState, stageState } from './rollout-stage-state.js';
import { percent, time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { Link } from '../router.js';
import {
  formatEffect,
  formatGuardrail,
  formatLowerBound,
  formatPValue,
  guardrailTitles,
} from './guardrail-format.js';

/** One rollout: stages, guardrails against their limits over time, decisions, controls. */
export function RolloutDetail(props: { id: string }) {
  const path = `/admin/rollouts/${encodeURIComponent(props.id)}`;
  const rollout = usePoll(() => apiRequest<Rollout>(path), 2000, props.id);
  const decisions = usePoll(
    () => apiRequest<List<RolloutDecision>>(`${path}/decisions?limit=500`),
    3000,
    props.id,
  );
  const [reason, setReason] = useState('');

  // Every stored evaluation, oldest first: one point per guardrail per evaluation.
  const history = useMemo(() => {
    const evaluated = [...(decisions.data?.data ?? [])]
      .filter((decision) => decision.details?.guardrails)
      .reverse();
    return {
      times: evaluated.map((decision) => Date.parse(decision.at) / 1000),
      evaluated,
    };
  }, [decisions.data]);

  const data = rollout.data;
  if (!data) return <PageState error={rollout.error} loading />;
  const live = data.status === 'active' || data.status === 'paused';
  const control = (action: string) => async () => {
    await apiRequest(`${path}/${action}`, { method: 'POST', body: reason ? { reason } : {} });
    rollout.reload();
    decisions.reload();
  };
  const providers = [data.baseline, data.canary];
  const guardrails = data.guardrails ?? [];

  return (
    <section aria-labelledby="rollout-title">
      <header class="page-header">
        <div>
          <p class="muted small">
            <Link to="/rollouts">Rollouts</Link> / {data.id}
          </p>
          <h1 id="rollout-title">
            {data.baseline} → {data.canary}{' '}
            <span class="muted">
              {data.kind === 'model' ? 'model rollout' : (data.model ?? 'all models')}
            </span>
          </h1>
        </div>
        <div data-testid="rollout-status">
          <Badge value={data.status} />
        </div>
      </header>
      {data.reason && (
        <p
          class={`notice ${data.status === 'rolled_back' ? 'notice-bad' : ''}`}
          data-testid="rollout-reason"
        >
          <strong>Reason:</strong> {data.reason}
        </p>
      )}
      <div class="grid grid-two">
        <article class="card">
          <h2>Stages</h2>
          <ol class="timeline">
            {data.shadow && (
              <li class={`timeline-${shadowState(data.shadow).replace(' ', '-')}`}>
                <strong>shadow</strong> copies of {percent(data.shadow.fraction)}
                <span class="muted">
                  {' '}
                  · budget {usd(data.shadow.budget_usd)} ·{' '}
                  {data.shadow.status === 'running'
                    ? 'current'
                    : (data.shadow.outcome ?? 'ended').replace('_', ' ')}
                </span>
              </li>
            )}
            {data.plan.stages.map((stage, index) => (
              <li key={index} class={`timeline-${stageState(data, index).replace(' ', '-')}`}>
                <strong>{percent(stage.weight)}</strong> canary
                <span class="muted">
                  {' '}
                  · at least {stage.minDurationSeconds} s · {stageState(data, index)}
                  {index === data.stage.index && live && ` since ${time(data.stage.started_at)}`}
                </span>
              </li>
            ))}
          </ol>
          <h3>Weights in force</h3>
          <SplitBar label="Weights in force" shares={data.weights} providers={providers} />
          <p class="muted small">
            Observed since {time(data.observed_split.since)}: {data.observed_split.requests}{' '}
            requests
          </p>
        </article>
        <article class="card">
          <h2>Controls</h2>
          <div class="reason-field">
            <label for="rollout-action-reason">Reason</label>
            <input
              id="rollout-action-reason"
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </div>
          <div class="form-actions">
            <ActionButton disabled={data.status !== 'active'} action={control('pause')}>
              Pause
            </ActionButton>
            <ActionButton disabled={data.status !== 'paused'} action={control('resume')}>
              Resume
            </ActionButton>
            <ActionButton variant="primary" disabled={!live} action={control('promote')}>
              Promote
            </ActionButton>
            <ActionButton variant="danger" disabled={!live} action={control('rollback')}>
              Roll back
            </ActionButton>
          </div>
          <p class="muted small">
            Evaluated every {data.plan.intervalSeconds} s; {data.plan.breachConfirmations}{' '}
            breach(es) roll back. Last evaluation: {time(data.last_evaluated_at)}.
          </p>
        </article>
      </div>
      {data.shadow && <ShadowStageCard shadow={data.shadow} canary={data.canary} />}
      <article class="card table-wrap">
        <table class="stack">
          <caption class="table-caption">Guardrails (last evaluation)</caption>
          <thead>
            <tr>
              <th scope="col">Guardrail</th>
              <th scope="col">Canary</th>
              <th scope="col">Limit</th>
              <th scope="col">Baseline</th>
              <th scope="col">Samples</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {guardrails.map((guardrail) => (
              <tr key={guardrail.name} data-guardrail={guardrail.name}>
                <th scope="row">{guardrailTitles[guardrail.name] ?? guardrail.name}</th>
                <td data-label="Canary">{formatGuardrail(guardrail.name, guardrail.value)}</td>
                <td data-label="Limit">{formatGuardrail(guardrail.name, guardrail.limit)}</td>
                <td data-label="Baseline">
                  {formatGuardrail(guardrail.name, guardrail.baselineValue)}
                </td>
                <td data-label="Samples">
                  {guardrail.samples} / {guardrail.minSamples}
                </td>
                <td data-label="Status">
                  <Badge value={guardrail.status} />
                </td>
              </tr>
            ))}
            {guardrails.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  Not evaluated yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </article>
      {(data.comparisons?.length ?? 0) > 0 && (
        <article class="card table-wrap">
          <table class="stack" data-testid="rollout-comparisons">
            <caption class="table-caption">
              Canary against baseline since the stage started (sequential tests, α{' '}
              {data.plan.statistics?.alpha ?? 0.05} over the rollout)
            </caption>
            <thead>
              <tr>
                <th scope="col">Guardrail</th>
                <th scope="col">Canary</th>
                <th scope="col">Baseline</th>
                <th scope="col">Effect</th>
                <th scope="col">Lower bound</th>
                <th scope="col">p (sequential)</th>
                <th scope="col">Samples</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {(data.comparisons ?? []).map((comparison) => (
                <tr key={comparison.name} data-comparison={comparison.name}>
                  <th scope="row">{guardrailTitles[comparison.name] ?? comparison.name}</th>
                  <td data-label="Canary">
                    {formatGuardrail(comparison.name, comparison.canaryValue)}
                  </td>
                  <td data-label="Baseline">
                    {formatGuardrail(comparison.name, comparison.baselineValue)}
                  </td>
                  <td data-label="Effect">{formatEffect(comparison, comparison.effect)}</td>
                  <td data-label="Lower bound">
                    {formatLowerBound(comparison, comparison.lowerBound)}
                  </td>
                  <td data-label="p (sequential)">
                    {/* One flex item: on a phone the label's row keeps value and bound together. */}
                    <span>
                      {formatPValue(comparison.pValue)}
                      {comparison.status !== 'disabled' && (
                        <span class="muted small"> needs ≤ {formatPValue(comparison.alpha)}</span>
                      )}
                    </span>
                  </td>
                  <td data-label="Samples">
                    {comparison.canarySamples} / {comparison.baselineSamples}
                  </td>
                  <td data-label="Verdict">
                    <Badge value={comparison.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      )}
      {history.times.length > 0 && (
        <div class="grid grid-charts">
          {/* A disabled guardrail has no limit in force: no chart of one. */}
          {Object.entries(data.plan.guardrails).flatMap(([name, guardrail]) => {
            if (!guardrail.enabled) return [];
            const points = history.evaluated.map((decision) =>
              decision.details?.guardrails?.find((entry) => entry.name === name),
            );
            return (
              <LineChart
                key={name}
                title={`${guardrailTitles[name] ?? name} (canary vs limit)`}
                times={history.times}
                format={(value) => formatGuardrail(name, value)}
                height={160}
                series={[
                  {
                    label: 'canary',
                    color: '#d97706',
                    values: points.map((point) => point?.value ?? null),
                  },
                  {
                    label: 'limit',
                    color: '#b42318',
                    dashed: true,
                    values: points.map((point) => point?.limit ?? null),
                  },
                ]}
              />
            );
          })}
        </div>
      )}
      <article class="card">
        <h2>Decisions</h2>
        <ol class="decision-list" data-testid="decisions">
          {data.decisions
            .filter((decision) => decision.decision !== 'evaluated')
            .map((decision) => (
              <li key={decision.id}>
                <Badge
                  value={decision.decision}
                  tone={decision.decision === 'rolled_back' ? 'bad' : 'info'}
                />
                <span>
                  stage {decision.stage + 1}
                  {decision.weights &&
                    ` → ${decision.weights[data.canary] !== undefined ? percent(decision.weights[data.canary]) : ''} canary`}
                  {typeof decision.details?.reason === 'string' && ` · ${decision.details.reason}`}
                </span>
                <span class="muted small">
                  {decision.actor} · {time(decision.at)}
                </span>
              </li>
            ))}
        </ol>
      </article>
    </section>
  );
}
