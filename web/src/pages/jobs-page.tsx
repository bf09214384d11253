import { useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { Job, JobStatus, List } from '../api/api-types.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { duration, time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { Link } from '../router.js';
import { JobDetail } from './job-detail.js';

const statuses: JobStatus[] = ['queued', 'submitted', 'running', 'succeeded', 'failed', 'canceled'];
const ages = [
  { label: 'any time', seconds: 0 },
  { label: 'last 15 min', seconds: 900 },
  { label: 'last hour', seconds: 3600 },
  { label: 'last 24 h', seconds: 86_400 },
] as const;

/**
 * A job id short enough for the table that still tells jobs apart: ids of one minute share
 * their time prefix (`gen_01m8tham…`), so the random tail is what is kept.
 */
function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 4)}…${id.slice(-8)}` : id;
}

/** `/jobs`: filtered list; `/jobs/<id>`: one job. */
export function JobsPage(props: { path: string }) {
  const id = props.path.split('/')[2];
  if (id) return <JobDetail id={decodeURIComponent(id)} />;
  return <JobList />;
}

function JobList() {
  const [status, setStatus] = useState('');
  const [user, setUser] = useState('');
  const [model, setModel] = useState('');
  const [provider, setProvider] = useState('');
  const [age, setAge] = useState(0);
  const [limit, setLimit] = useState(25);
  // Status and user filter on the server; model, provider and time narrow the page shown.
  const query = new URLSearchParams({ limit: String(limit) });
  if (status) query.set('status', status);
  if (user.trim()) query.set('user', user.trim());
  const jobs = usePoll(
    () => apiRequest<List<Job>>(`/v1/generations?${query.toString()}`),
    3000,
    query.toString(),
  );
  const since = age ? Date.now() - age * 1000 : 0;
  const shown = (jobs.data?.data ?? []).filter(
    (job) =>
      (!model || job.model === model) &&
      (!provider || job.provider === provider) &&
      (!since || Date.parse(job.created_at) >= since),
  );
  const models = [...new Set(jobs.data?.data.map((job) => job.model))].sort();
  const providers = [
    ...new Set(jobs.data?.data.flatMap((job) => (job.provider ? [job.provider] : []))),
  ].sort();

  return (
    <section aria-labelledby="jobs-title">
      <header class="page-header">
        <h1 id="jobs-title">Jobs</h1>
      </header>
      <form class="card filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <div>
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(event) => setStatus(event.currentTarget.value)}
          >
            <option value="">all</option>
            {statuses.map((entry) => (
              <option key={entry}>{entry}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-model">Model</label>
          <select
            id="filter-model"
            value={model}
            onChange={(event) => setModel(event.currentTarget.value)}
          >
            <option value="">all</option>
            {models.map((entry) => (
              <option key={entry}>{entry}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-provider">Provider</label>
          <select
            id="filter-provider"
            value={provider}
            onChange={(event) => setProvider(event.currentTarget.value)}
          >
            <option value="">all</option>
            {providers.map((entry) => (
              <option key={entry}>{entry}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-user">User</label>
          <input
            id="filter-user"
            value={user}
            onChange={(event) => setUser(event.currentTarget.value)}
          />
        </div>
        <div>
          <label for="filter-age">Created</label>
          <select
            id="filter-age"
            value={age}
            onChange={(event) => setAge(Number(event.currentTarget.value))}
          >
            {ages.map((entry) => (
              <option key={entry.seconds} value={entry.seconds}>
                {entry.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <PageState error={jobs.error} loading={!jobs.data} />
      {jobs.data && (
        <div class="card table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                <th scope="col">Prompt</th>
                <th scope="col">Cost</th>
                <th scope="col">Took</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((job) => (
                <tr key={job.id} data-job={job.id}>
                  <th scope="row">
                    <Link to={`/jobs/${job.id}`} label={`Job ${job.id}`}>
                      {shortId(job.id)}
                    </Link>
                  </th>
                  <td data-label="Status">
                    <Badge value={job.status} />
                  </td>
                  <td data-label="Model">{job.model}</td>
                  <td data-label="Provider">{job.provider ?? '–'}</td>
                  <td data-label="Prompt" class="prompt-cell hide-narrow" title={job.prompt}>
                    {job.prompt}
                  </td>
                  <td data-label="Cost" class="hide-narrow">
                    {usd(job.cost.actual_usd ?? job.cost.estimated_usd)}
                  </td>
                  <td data-label="Took" class="hide-narrow">
                    {duration(job.created_at, job.completed_at)}
                  </td>
                  <td data-label="Created">{time(job.created_at)}</td>
                </tr>
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={8} class="muted">
                    No jobs match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {jobs.data.has_more && limit < 100 && (
            <div class="table-footer">
              <button
                type="button"
                class="button button-plain"
                onClick={() => setLimit(limit + 25)}
              >
                Show more
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
