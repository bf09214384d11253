import { useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { List, ProviderInstance, RoutingMetrics, RoutingSettings } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { milliseconds, number, percent } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { RoutingControls } from './routing-controls.js';
import { WeightsEditor } from './weights-editor.js';

/** Health and switches per provider, and the control plane's routing settings. */
export function ProvidersPage() {
  const instances = usePoll(() => apiRequest<List<ProviderInstance>>('/admin/providers'), 3000);
  const metrics = usePoll(
    () => apiRequest<RoutingMetrics>('/admin/routing/metrics?window_seconds=600'),
    3000,
  );
  const routing = usePoll(() => apiRequest<RoutingSettings>('/admin/routing'), 3000);
  const [reason, setReason] = useState('');
  const reload = () => {
    instances.reload();
    metrics.reload();
    routing.reload();
  };
  const ids = instances.data?.data.map((instance) => instance.id) ?? [];
  const reasonBody = reason ? { reason } : {};

  return (
    <section aria-labelledby="providers-title">
      <header class="page-header">
        <h1 id="providers-title">Providers</h1>
        <div class="reason-field">
          <label for="change-reason">Reason for changes</label>
          <input
            id="change-reason"
            placeholder="recorded in the audit log"
            value={reason}
            maxLength={500}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
        </div>
      </header>
      <PageState error={instances.error ?? metrics.error} loading={!instances.data} />
      {instances.data && (
        <div class="card table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Providers and their health</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Health</th>
                <th scope="col">Circuit</th>
                <th scope="col">Credits</th>
                <th scope="col">Success</th>
                <th scope="col">p95</th>
                <th scope="col">In flight</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {instances.data.data.map((instance) => {
                const live = metrics.data?.providers.find(
                  (entry) => entry.provider === instance.id,
                )?.live;
                return (
                  <tr key={instance.id} data-provider={instance.id}>
                    <th scope="row">
                      {instance.id}
                      <div class="muted small">{instance.type}</div>
                    </th>
                    <td data-label="Health">
                      <span class="cell-stack">
                        {instance.enabled ? (
                          <Badge
                            value={live?.ok === false ? 'degraded' : 'ok'}
                            tone={live?.ok === false ? 'bad' : 'good'}
                          />
                        ) : (
                          <Badge value="disabled" tone="bad" />
                        )}
                        {live?.error && <span class="muted small">{live.error}</span>}
                      </span>
                    </td>
                    <td data-label="Circuit">
                      <Badge value={instance.circuit} />
                    </td>
                    <td data-label="Credits">
                      <Badge value={instance.credits} />
                    </td>
                    <td data-label="Success">{percent(live?.success_rate ?? null, 1)}</td>
                    <td data-label="p95">{milliseconds(live?.p95_latency_ms ?? null)}</td>
                    <td data-label="In flight">{number(live?.in_flight ?? null)}</td>
                    <td class="actions">
                      <ActionButton
                        variant={instance.enabled ? 'danger' : 'primary'}
                        label={`${instance.enabled ? 'Disable' : 'Enable'} ${instance.id}`}
                        action={async () => {
                          await apiRequest(
                            `/admin/providers/${encodeURIComponent(instance.id)}/${instance.enabled ? 'disable' : 'enable'}`,
                            { method: 'POST', body: reasonBody },
                          );
                          reload();
                        }}
                      >
                        {instance.enabled ? 'Disable' : 'Enable'}
                      </ActionButton>
                      <ActionButton
                        label={`${instance.circuit === 'closed' ? 'Open' : 'Close'} the circuit of ${instance.id}`}
                        action={async () => {
                          await apiRequest(
                            `/admin/providers/${encodeURIComponent(instance.id)}/circuit`,
                            {
                              method: 'POST',
                              body: { state: instance.circuit === 'closed' ? 'open' : 'closed' },
                            },
                          );
                          reload();
                        }}
                      >
                        {instance.circuit === 'closed' ? 'Open circuit' : 'Close circuit'}
                      </ActionButton>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {routing.data && ids.length > 0 && (
        <div class="grid grid-two">
          <WeightsEditor providers={ids} routing={routing.data} reason={reason} onSaved={reload} />
          <RoutingControls
            providers={ids}
            routing={routing.data}
            reason={reason}
            onSaved={reload}
          />
        </div>
      )}
    </section>
  );
}
