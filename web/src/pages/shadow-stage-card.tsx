import type { RolloutShadow } from '../api/api-types.js';
import { Badge } from '../components/badge.js';
import { percent, time, usd } from '../format.js';

/**
 * A rollout's shadow stage: how much of the budget the copies spent, how they ended, and the
 * latest copies with links to what the canary produced (the clients got the baseline's).
 */
export function ShadowStageCard(props: { shadow: RolloutShadow; canary: string }) {
  const { shadow } = props;
  const share = shadow.budget_usd > 0 ? Math.min(1, shadow.reserved_usd / shadow.budget_usd) : 0;
  return (
    <article class="card" data-testid="shadow-stage">
      <h2>
        Shadow stage{' '}
        <span data-testid="shadow-status">
          <Badge
            value={shadow.status === 'running' ? 'running' : (shadow.outcome ?? 'ended')}
            tone={shadow.outcome === 'rolled_back' ? 'bad' : undefined}
          />
        </span>
      </h2>
      <p class="muted small">
        {percent(shadow.fraction)} of requests copied to {props.canary}; clients are answered by the
        baseline only, and the copies are charged to no one.
        {shadow.duration_seconds !== null && ` At least ${shadow.duration_seconds} s.`} Since{' '}
        {time(shadow.started_at)}
        {shadow.ended_at && `, ended ${time(shadow.ended_at)}`}.
      </p>
      <dl class="shadow-figures">
        <div>
          <dt>Spend</dt>
          <dd data-testid="shadow-spend">
            {usd(shadow.spent_usd)} of {usd(shadow.budget_usd)}
          </dd>
        </div>
        <div>
          <dt>Copies</dt>
          <dd data-testid="shadow-copies">{shadow.copies}</dd>
        </div>
        <div>
          <dt>Succeeded / failed / running</dt>
          <dd>
            {shadow.succeeded} / {shadow.failed} / {shadow.unfinished}
          </dd>
        </div>
      </dl>
      <div
        class="budget-meter"
        role="meter"
        aria-label="Shadow budget reserved"
        aria-valuemin={0}
        aria-valuemax={shadow.budget_usd}
        aria-valuenow={shadow.reserved_usd}
      >
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <p class="muted small">
        Reserved {usd(shadow.reserved_usd)} (estimates of the copies made)
        {shadow.budget_spent_at
          ? ` · budget spent at ${time(shadow.budget_spent_at)}: no further copies`
          : ''}
      </p>
      {shadow.recent_jobs.length > 0 && (
        <table class="stack">
          <caption class="table-caption">Latest copies</caption>
          <thead>
            <tr>
              <th scope="col">Copy</th>
              <th scope="col">Client job</th>
              <th scope="col">Status</th>
              <th scope="col">Cost</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {shadow.recent_jobs.map((job) => (
              <tr key={job.id}>
                <th scope="row" class="mono small">
                  {job.id}
                </th>
                <td data-label="Client job" class="mono small">
                  {job.client_job_id}
                </td>
                <td data-label="Status">
                  <Badge value={job.status} />
                  {job.error_code && <span class="muted small"> {job.error_code}</span>}
                </td>
                <td data-label="Cost">{usd(job.cost_usd)}</td>
                <td data-label="Output">
                  {job.outputs[0] ? (
                    <a href={job.outputs[0].url}>{job.outputs[0].asset_id}</a>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
