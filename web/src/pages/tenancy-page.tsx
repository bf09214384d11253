import { apiRequest } from '../api/api-client.js';
import type { List } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { DataTable } from '../components/data-table.js';
import { KeyRevokeCell } from '../components/key-revoke-cell.js';

interface Tenant {
  id: string;
  name: string;
  group: string;
  balance_usd: number | null;
  reserved_usd: number;
  budgets: { day: { soft_usd: number | null; hard_usd: number | null } };
}
interface ApiKey {
  id: string;
  tenant_id: string;
  name: string | null;
  prefix: string;
  scopes: string[];
  rate_limit_rpm: number | null;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface Channel {
  id: string;
  type: string;
  name: string;
  groups: string[];
  models: string[];
  enabled: boolean;
  health: { keys_available: number; error?: string };
}

/** Tenants with their balances, their API keys, and the channels per routing group. */
export function TenancyPage() {
  const tenants = usePoll(() => apiRequest<List<Tenant>>('/admin/tenants'), 5000);
  const keys = usePoll(() => apiRequest<List<ApiKey>>('/admin/keys'), 5000);
  const channels = usePoll(() => apiRequest<List<Channel>>('/admin/channels'), 5000);
  const tenantName = (id: string) =>
    tenants.data?.data.find((tenant) => tenant.id === id)?.name ?? id;
  return (
    <section aria-labelledby="tenancy-title">
      <header class="page-header">
        <h1 id="tenancy-title">Tenants, keys and channels</h1>
      </header>
      <PageState error={tenants.error ?? keys.error ?? channels.error} loading={!tenants.data} />
      <DataTable
        caption="Tenants"
        columns={['Name', 'Group', 'Balance', 'Reserved', 'Daily budget']}
      >
        {tenants.data?.data.map((tenant) => (
          <tr key={tenant.id}>
            <th scope="row">{tenant.name}</th>
            <td data-label="Group">{tenant.group}</td>
            <td data-label="Balance">
              {tenant.balance_usd === null ? 'unlimited' : usd(tenant.balance_usd)}
            </td>
            <td data-label="Reserved">{usd(tenant.reserved_usd)}</td>
            <td data-label="Daily budget">
              {tenant.budgets.day.soft_usd === null && tenant.budgets.day.hard_usd === null
                ? 'none'
                : `${usd(tenant.budgets.day.soft_usd)} soft · ${usd(tenant.budgets.day.hard_usd)} hard`}
            </td>
          </tr>
        ))}
        {tenants.data?.data.length === 0 && (
          <tr>
            <td colSpan={5} class="muted">
              No tenants: the gateway runs single-tenant with the admin key.
            </td>
          </tr>
        )}
      </DataTable>
      <DataTable
        caption="API keys"
        columns={['Key', 'Tenant', 'Scopes', 'Rate limit', 'Last used', 'Actions']}
      >
        {keys.data?.data.map((key) => (
          <tr key={key.id}>
            <th scope="row">
              {key.name ?? key.id} <span class="muted small">{key.prefix}…</span>
            </th>
            <td data-label="Tenant">{tenantName(key.tenant_id)}</td>
            <td data-label="Scopes">{key.scopes.join(', ')}</td>
            <td data-label="Rate limit">
              {key.rate_limit_rpm ? `${key.rate_limit_rpm}/min` : 'default'}
            </td>
            <td data-label="Last used">{time(key.last_used_at)}</td>
            <KeyRevokeCell apiKey={key} onRevoked={() => keys.reload()} />
          </tr>
        ))}
        {keys.data?.data.length === 0 && (
          <tr>
            <td colSpan={6} class="muted">
              No API keys.
            </td>
          </tr>
        )}
      </DataTable>
      <DataTable
        caption="Channels"
        columns={['Channel', 'Groups', 'Models', 'Keys', 'State', 'Actions']}
      >
        {channels.data?.data.map((channel) => (
          <tr key={channel.id}>
            <th scope="row">
              {channel.name} <span class="muted small">{channel.type}</span>
            </th>
            <td data-label="Groups">{channel.groups.join(', ')}</td>
            <td data-label="Models" class="wrap">
              {channel.models.join(', ')}
            </td>
            <td data-label="Keys">{channel.health.keys_available} available</td>
            <td>
              <Badge
                value={channel.enabled ? 'enabled' : 'disabled'}
                tone={channel.enabled ? 'good' : 'muted'}
              />
              {channel.health.error && <div class="error-text">{channel.health.error}</div>}
            </td>
            <td>
              <ActionButton
                label={`${channel.enabled ? 'Disable' : 'Enable'} channel ${channel.name}`}
                action={async () => {
                  await apiRequest(`/admin/channels/${encodeURIComponent(channel.id)}`, {
                    method: 'PATCH',
                    body: { enabled: !channel.enabled },
                  });
                  channels.reload();
                }}
              >
                {channel.enabled ? 'Disable' : 'Enable'}
              </ActionButton>
            </td>
          </tr>
        ))}
        {channels.data?.data.length === 0 && (
          <tr>
            <td colSpan={6} class="muted">
              No channels.
            </td>
          </tr>
        )}
      </DataTable>
    </section>
  );
}
