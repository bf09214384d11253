import { useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { AnalyticsSeries, Job, List, RoutingMetrics } from '../api/api-types.js';
import { LineChart } from '../components/line-chart.js';
import { PageState } from '../components/page-state.js';
import { colorOf, number, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { DataTable } from '../components/data-table.js';
import { SpendTable, sumBy, type UsageLine } from '../components/spend-table.js';

/** Spend per provider from the rollups, the tenants' ledger, and estimates against actuals. */
export function CostsPage() {
  const [windowSeconds, setWindowSeconds] = useState(86_400);
  const metrics = usePoll(
    () => apiRequest<RoutingMetrics>(`/admin/routing/metrics?window_seconds=${windowSeconds}`),
    5000,
    String(windowSeconds),
  );
  const daily = usePoll(
    () =>
      apiRequest<AnalyticsSeries>(
        '/admin/analytics/series?window_seconds=1209600&step_seconds=86400',
      ),
    30_000,
  );
  const usage = usePoll(() => apiRequest<{ data: UsageLine[] }>('/admin/usage'), 10_000);
  const tenants = usePoll(
    () => apiRequest<List<{ id: string; name: string }>>('/admin/tenants'),
    30_000,
  );
  const tenantName = (id: string | undefined) =>
    tenants.data?.data.find((tenant) => tenant.id === id)?.name ?? id;
  const jobs = usePoll(() => apiRequest<List<Job>>('/v1/generations?limit=100'), 10_000);

  const estimates = new Map<string, { estimated: number; actual: number; jobs: number }>();
  for (const job of jobs.data?.data ?? []) {
    if (job.cost.actual_usd === null) continue;
    const entry = estimates.get(job.model) ?? { estimated: 0, actual: 0, jobs: 0 };
    entry.estimated += job.cost.estimated_usd ?? 0;
    entry.actual += job.cost.actual_usd;
    entry.jobs += 1;
    estimates.set(job.model, entry);
  }
  const lines = usage.data?.data ?? [];
  const ids = Object.keys(daily.data?.providers ?? {});

  return (
    <section aria-labelledby="costs-title">
      <header class="page-header">
        <h1 id="costs-title">Costs</h1>
        <div class="segmented" role="group" aria-label="Provider spend window">
          {[
            { label: '1 hour', seconds: 3600 },
            { label: '24 hours', seconds: 86_400 },
          ].map((entry) => (
            <button
              type="button"
              key={entry.seconds}
              class={entry.seconds === windowSeconds ? 'selected' : ''}
              aria-pressed={entry.seconds === windowSeconds}
              onClick={() => setWindowSeconds(entry.seconds)}
            >
              {entry.label}
            </button>
          ))}
        </div>
      </header>
      <PageState error={metrics.error} loading={!metrics.data} />
      <div class="grid grid-two">
        {metrics.data && (
          <div class="card table-wrap">
            <table>
              <caption class="table-caption">Spend per provider</caption>
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Spend</th>
                  <th scope="col">Per output</th>
                </tr>
              </thead>
              <tbody>
                {metrics.data.providers.map((entry) => (
                  <tr key={entry.provider}>
                    <th scope="row">{entry.provider}</th>
                    <td>{entry.routed}</td>
                    <td>{usd(entry.cost_usd)}</td>
                    <td>{usd(entry.cost_per_output_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <DataTable
          caption="Estimated vs actual (last 100 jobs)"
          columns={['Model', 'Jobs', 'Estimated', 'Actual', 'Ratio']}
        >
          {[...estimates.entries()].map(([model, entry]) => (
            <tr key={model}>
              <th scope="row">{model}</th>
              <td data-label="Jobs">{entry.jobs}</td>
              <td data-label="Estimated">{usd(entry.estimated)}</td>
              <td data-label="Actual">{usd(entry.actual)}</td>
              <td data-label="Ratio">
                {entry.estimated ? number(entry.actual / entry.estimated, 2) : '–'}
              </td>
            </tr>
          ))}
          {estimates.size === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No finished jobs with a cost.
              </td>
            </tr>
          )}
        </DataTable>
      </div>
      {daily.data && (
        <LineChart
          title="Spend per day (14 days)"
          times={daily.data.steps.map((step) => Date.parse(step) / 1000)}
          format={usd}
          series={ids.map((id) => ({
            label: id,
            color: colorOf(id, ids),
            values: daily.data?.providers[id]?.cost_usd ?? [],
          }))}
        />
      )}
      <h2>Tenant ledger</h2>
      <PageState error={usage.error} loading={!usage.data} />
      <div class="grid grid-charts">
        <SpendTable title="Per tenant" rows={sumBy(lines, (line) => tenantName(line.tenant_id))} />
        <SpendTable title="Per model" rows={sumBy(lines, (line) => line.model)} />
        <SpendTable title="Per day" rows={sumBy(lines, (line) => line.day)} />
      </div>
    </section>
  );
}
