import { useMemo, useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type {
  Alert,
  AnalyticsSeries,
  List,
  ProviderInstance,
  RoutingMetrics,
} from '../api/api-types.js';
import { Badge } from '../components/badge.js';
import { LineChart, type ChartSeries } from '../components/line-chart.js';
import { PageState } from '../components/page-state.js';
import { SplitBar } from '../components/split-bar.js';
import { colorOf, milliseconds, number, percent, time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';

/** Chart windows and the step each is cut into (at most 500 steps per the API). */
const windows = [
  { label: '15 min', seconds: 900, step: 15 },
  { label: '1 hour', seconds: 3600, step: 60 },
  { label: '24 hours', seconds: 86_400, step: 1200 },
] as const;

export function OverviewPage() {
  const [windowIndex, setWindowIndex] = useState(1);
  const [model, setModel] = useState('');
  const range = windows[windowIndex] ?? windows[1];
  const modelQuery = model ? `&model=${encodeURIComponent(model)}` : '';
  const series = usePoll(
    () =>
      apiRequest<AnalyticsSeries>(
        `/admin/analytics/series?window_seconds=${range.seconds}&step_seconds=${range.step}${modelQuery}`,
      ),
    5000,
    `${range.seconds}${modelQuery}`,
  );
  const instances = usePoll(() => apiRequest<List<ProviderInstance>>('/admin/providers'), 30_000);
  const models = [...new Set(instances.data?.data.flatMap((entry) => entry.models))].sort();
  const metrics = usePoll(
    () => apiRequest<RoutingMetrics>('/admin/routing/metrics?window_seconds=600'),
    3000,
  );
  const alerts = usePoll(() => apiRequest<List<Alert>>('/admin/alerts?limit=8'), 5000);
  const providers = metrics.data?.providers.map((entry) => entry.provider) ?? [];

  const charts = useMemo(() => {
    const data = series.data;
    if (!data) return undefined;
    const times = data.steps.map((step) => Date.parse(step) / 1000);
    const ids = Object.keys(data.providers);
    const lines = (pick: (entry: AnalyticsSeries['providers'][string]) => (number | null)[]) =>
      ids.map((id): ChartSeries => ({
        label: id,
        color: colorOf(id, ids),
        values: pick(data.providers[id] as AnalyticsSeries['providers'][string]),
      }));
    const perMinute = 60 / data.step_seconds;
    const perHour = 3600 / data.step_seconds;
    return {
      times,
      requests: lines((entry) => entry.routed.map((value) => value * perMinute)),
      success: lines((entry) => entry.success_rate),
      latency: lines((entry) => entry.p95_latency_ms),
      cost: lines((entry) => entry.cost_usd.map((value) => value * perHour)),
    };
  }, [series.data]);

  const shares: Record<string, number> = {};
  for (const entry of metrics.data?.providers ?? []) shares[entry.provider] = entry.share ?? 0;

  return (
    <section aria-labelledby="overview-title">
      <header class="page-header">
        <h1 id="overview-title">Overview</h1>
        <div class="header-controls">
          <label class="inline-label">
            Model{' '}
            <select value={model} onChange={(event) => setModel(event.currentTarget.value)}>
              <option value="">all models</option>
              {models.map((entry) => (
                <option key={entry}>{entry}</option>
              ))}
            </select>
          </label>
          <div class="segmented" role="group" aria-label="Chart window">
            {windows.map((entry, index) => (
              <button
                type="button"
                key={entry.label}
                class={index === windowIndex ? 'selected' : ''}
                aria-pressed={index === windowIndex}
                onClick={() => setWindowIndex(index)}
              >
                {entry.label}
              </button>
            ))}
          </div>
        </div>
      </header>
      <PageState error={metrics.error} loading={!metrics.data} />
      {metrics.data && (
        <div class="grid grid-cards">
          {metrics.data.providers.map((entry) => (
            <article class="card stat" key={entry.provider} data-provider={entry.provider}>
              <h2>
                <span class="swatch" style={{ background: colorOf(entry.provider, providers) }} />
                {entry.provider}
              </h2>
              <div class="stat-badges">
                <Badge
                  value={entry.live?.ok ? 'ok' : 'degraded'}
                  tone={entry.live?.ok ? 'good' : 'bad'}
                />
                {entry.live && !entry.live.enabled && <Badge value="disabled" />}
                {entry.live && entry.live.circuit !== 'closed' && (
                  <Badge value={`circuit ${entry.live.circuit}`} tone="bad" />
                )}
              </div>
              <dl class="figures">
                <dt>Share (10 min)</dt>
                <dd>{percent(entry.share)}</dd>
                <dt>Success</dt>
                <dd>{percent(entry.failure_rate === null ? null : 1 - entry.failure_rate, 1)}</dd>
                <dt>p95</dt>
                <dd>{milliseconds(entry.p95_latency_ms)}</dd>
                <dt>In flight</dt>
                <dd>{number(entry.live?.in_flight ?? null)}</dd>
              </dl>
            </article>
          ))}
        </div>
      )}
      {metrics.data && (
        <article class="card">
          <h2>Live split (last 10 minutes)</h2>
          <SplitBar
            label="Requests per provider over the last 10 minutes"
            shares={shares}
            providers={providers}
            testId="live-split"
          />
        </article>
      )}
      <PageState error={series.error} loading={false} />
      {charts && (
        <div class="grid grid-charts">
          <LineChart
            title="Requests per minute"
            times={charts.times}
            series={charts.requests}
            format={(value) => number(value, 1)}
          />
          <LineChart
            title="Success rate"
            times={charts.times}
            series={charts.success}
            format={(value) => percent(value)}
          />
          <LineChart
            title="p95 latency"
            times={charts.times}
            series={charts.latency}
            format={milliseconds}
          />
          <LineChart title="Cost per hour" times={charts.times} series={charts.cost} format={usd} />
        </div>
      )}
      <article class="card">
        <h2>Recent alerts</h2>
        {alerts.data && alerts.data.data.length === 0 && <p class="muted">No alerts.</p>}
        <ul class="alert-list">
          {alerts.data?.data.map((alert) => (
            <li key={alert.id}>
              <Badge value={alert.severity} />
              <span class="alert-message">{alert.message}</span>
              <time class="muted">{time(alert.created_at)}</time>
            </li>
          ))}
        </ul>
      </article>
    </section>
  );
}
