import { apiRequest } from '../api/api-client.js';
import type { Alert, AuditEntry, List } from '../api/api-types.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { time } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { DataTable } from '../components/data-table.js';

function flagValue(value: AuditEntry['old_value']): string {
  if (!value) return '–';
  return value.flag_value_text ?? String(value.flag_value);
}

/** Alerts and the control-plane audit log, newest first. */
export function ActivityPage() {
  const alerts = usePoll(() => apiRequest<List<Alert>>('/admin/alerts?limit=50'), 5000);
  const audit = usePoll(() => apiRequest<List<AuditEntry>>('/admin/audit?limit=100'), 5000);
  return (
    <section aria-labelledby="activity-title">
      <header class="page-header">
        <h1 id="activity-title">Audit and alerts</h1>
      </header>
      <article class="card">
        <h2>Alerts</h2>
        <PageState error={alerts.error} loading={!alerts.data} />
        {alerts.data?.data.length === 0 && <p class="muted">No alerts.</p>}
        <ul class="alert-list">
          {alerts.data?.data.map((alert) => (
            <li key={alert.id}>
              <Badge value={alert.severity} />
              <strong>{alert.alert_type.replace(/_/g, ' ')}</strong>
              <span class="alert-message">{alert.message}</span>
              <time class="muted small">{time(alert.created_at)}</time>
            </li>
          ))}
        </ul>
      </article>
      <PageState error={audit.error} loading={!audit.data} />
      {audit.data && (
        <DataTable
          caption="Control-plane changes"
          columns={['When', 'Setting', 'Change', 'By', 'Reason']}
        >
          {audit.data.data.map((entry) => (
            <tr key={entry.id}>
              <td data-label="When">{time(entry.changed_at)}</td>
              <th scope="row" class="wrap">
                {entry.flag_key}
              </th>
              <td data-label="Change" class="wrap">
                <span class="muted">{entry.action}</span> {flagValue(entry.old_value)} →{' '}
                {flagValue(entry.new_value)}
              </td>
              <td data-label="By" class="wrap">
                {entry.actor}
              </td>
              <td data-label="Reason" class="wrap">
                {entry.reason ?? ''}
              </td>
            </tr>
          ))}
          {audit.data.data.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No changes yet.
              </td>
            </tr>
          )}
        </DataTable>
      )}
    </section>
  );
}
