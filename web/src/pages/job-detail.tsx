import { apiRequest } from '../api/api-client.js';
import type { Job } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { duration, percent, time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { Link, navigate } from '../router.js';

const finished = new Set(['succeeded', 'failed', 'canceled']);

/** One job: what was asked, each attempt on a shared time axis, cost, outputs, actions. */
export function JobDetail(props: { id: string }) {
  const path = `/v1/generations/${encodeURIComponent(props.id)}`;
  const job = usePoll(() => apiRequest<Job>(path), 2000, props.id);
  const data = job.data;
  if (!data) return <PageState error={job.error} loading />;
  const start = Date.parse(data.created_at);
  const end = Math.max(
    Date.parse(data.completed_at ?? new Date().toISOString()),
    ...data.attempts.map((attempt) => Date.parse(attempt.ended_at ?? new Date().toISOString())),
  );
  const span = Math.max(end - start, 1);

  return (
    <section aria-labelledby="job-title">
      <header class="page-header">
        <div>
          <p class="muted small">
            <Link to="/jobs">Jobs</Link> / {data.id}
          </p>
          <h1 id="job-title">
            Job <span class="muted small">{data.id}</span>
          </h1>
        </div>
        <div class="form-actions">
          <span data-testid="job-status">
            <Badge value={data.status} />
          </span>
          <ActionButton
            variant="danger"
            disabled={finished.has(data.status)}
            action={async () => {
              await apiRequest(`${path}/cancel`, { method: 'POST' });
              job.reload();
            }}
          >
            Cancel
          </ActionButton>
          <ActionButton
            disabled={!finished.has(data.status) || data.status === 'canceled'}
            action={async () => {
              const next = await apiRequest<Job>(`${path}/regenerate`, {
                method: 'POST',
                body: {},
              });
              navigate(`/jobs/${next.id}`);
            }}
          >
            Regenerate
          </ActionButton>
        </div>
      </header>
      <div class="grid grid-two">
        <article class="card">
          <h2>Request</h2>
          <dl class="figures figures-wide">
            <dt>Model</dt>
            <dd>
              {data.model} ({data.task})
            </dd>
            <dt>Provider</dt>
            <dd>{data.provider ?? '–'}</dd>
            <dt>User</dt>
            <dd>{data.user ?? '–'}</dd>
            <dt>Progress</dt>
            <dd>{percent(data.progress)}</dd>
            <dt>Cost</dt>
            <dd>
              {usd(data.cost.actual_usd)} actual · {usd(data.cost.estimated_usd)} estimated
            </dd>
            <dt>Created</dt>
            <dd>{time(data.created_at)}</dd>
            <dt>Took</dt>
            <dd>{duration(data.created_at, data.completed_at)}</dd>
            {data.regenerated_from && (
              <>
                <dt>Regenerated from</dt>
                <dd>
                  <Link to={`/jobs/${data.regenerated_from}`}>{data.regenerated_from}</Link>
                </dd>
              </>
            )}
          </dl>
          <h3>Prompt</h3>
          <p>{data.prompt}</p>
          {data.error && (
            <p class="notice notice-bad" role="status">
              <strong>{data.error.code}</strong>: {data.error.message}
            </p>
          )}
          {data.warnings.length > 0 && (
            <>
              <h3>Warnings</h3>
              <ul>
                {data.warnings.map((warning, index) => (
                  <li key={index}>{warning.message ?? warning.code ?? JSON.stringify(warning)}</li>
                ))}
              </ul>
            </>
          )}
        </article>
        <article class="card">
          <h2>Attempts</h2>
          {data.attempts.length === 0 && <p class="muted">Not submitted yet.</p>}
          <ol class="attempts">
            {data.attempts.map((attempt) => {
              const from = Date.parse(attempt.started_at) - start;
              const to = Date.parse(attempt.ended_at ?? new Date().toISOString()) - start;
              return (
                <li key={attempt.id}>
                  <strong>{attempt.provider}</strong> <Badge value={attempt.status} />{' '}
                  <span class="muted small">
                    {duration(attempt.started_at, attempt.ended_at)} · {usd(attempt.cost_usd)}
                  </span>
                  {attempt.error && (
                    <div class="error-text">
                      {attempt.error.code}: {attempt.error.message}
                    </div>
                  )}
                  <div class="attempt-bar" aria-hidden="true">
                    <span
                      style={{
                        left: `${(from / span) * 100}%`,
                        width: `${((to - from) / span) * 100}%`,
                        background:
                          attempt.status === 'succeeded'
                            ? 'var(--good)'
                            : attempt.status === 'failed'
                              ? 'var(--bad)'
                              : 'var(--accent)',
                      }}
                    />
                  </div>
                </li>
              );
            })}
          </ol>
          <h3>Webhook</h3>
          {data.webhook ? (
            <>
              <p class="wrap-text">
                <Badge
                  value={data.webhook.status}
                  tone={
                    data.webhook.status === 'delivered'
                      ? 'good'
                      : data.webhook.status === 'failed'
                        ? 'bad'
                        : 'muted'
                  }
                />{' '}
                {data.webhook.url}
              </p>
              <ol class="attempts">
                {data.webhook.deliveries.map((delivery) => (
                  <li key={delivery.attempt}>
                    #{delivery.attempt} <Badge value={delivery.ok ? 'ok' : 'failed'} />{' '}
                    <span class="muted small">
                      {delivery.status_code ?? delivery.error ?? ''} · {delivery.duration_ms} ms ·{' '}
                      {time(delivery.at)}
                    </span>
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <p class="muted">None.</p>
          )}
        </article>
      </div>
      <article class="card">
        <h2>Outputs</h2>
        {data.outputs.length === 0 && (
          <p class="muted">No outputs{finished.has(data.status) ? '' : ' yet'}.</p>
        )}
        <div class="outputs">
          {data.outputs.map((output, index) => (
            <figure key={output.asset_id} class="output">
              {output.mime_type.startsWith('video/') ? (
                <video
                  src={output.url}
                  controls
                  preload="metadata"
                  aria-label={`Output ${index + 1}, video`}
                  data-testid="output-video"
                />
              ) : (
                <img
                  src={output.url}
                  alt={`Output ${index + 1} for “${data.prompt}”`}
                  loading="lazy"
                />
              )}
              <figcaption class="muted small">
                {output.mime_type} · {output.width ?? '?'}×{output.height ?? '?'}
                {output.duration ? ` · ${output.duration} s` : ''} ·{' '}
                <a href={output.url} target="_blank" rel="noreferrer">
                  open
                </a>
              </figcaption>
            </figure>
          ))}
        </div>
      </article>
    </section>
  );
}
