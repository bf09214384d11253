import { apiRequest, storedCaller } from '../api/api-client.js';
import type { List } from '../api/api-types.js';
import { DataTable } from '../components/data-table.js';
import { KeyRevokeCell } from '../components/key-revoke-cell.js';
import { PageState } from '../components/page-state.js';
import { time, usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { NewKeyForm } from './new-key-form.js';

interface Tenant {
  id: string;
  name: string;
  group: string;
  balance_usd: number | null;
  reserved_usd: number;
  budgets: Record<'day' | 'month', { soft_usd: number | null; hard_usd: number | null }>;
}
interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  scopes: string[];
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

function budget(limits: { soft_usd: number | null; hard_usd: number | null }): string {
  if (limits.soft_usd === null && limits.hard_usd === null) return 'none';
  return `${usd(limits.soft_usd)} soft · ${usd(limits.hard_usd)} hard`;
}

/**
 * A tenant admin's own tenant (balance and budgets, which only the operator changes) and its
 * API keys: create, revoke. `/admin/keys` answers this key with its tenant's keys only.
 */
export function TenantKeysPage() {
  const tenantId = storedCaller()?.tenant?.id ?? '';
  const tenant = usePoll(
    () => apiRequest<Tenant>(`/admin/tenants/${encodeURIComponent(tenantId)}`),
    10_000,
    tenantId,
    [],
  );
  const keys = usePoll(() => apiRequest<List<ApiKey>>('/admin/keys'), 10_000, '', []);
  const data = tenant.data;
  return (
    <section aria-labelledby="keys-title">
      <header class="page-header">
        <h1 id="keys-title">Keys</h1>
      </header>
      <PageState error={tenant.error ?? keys.error} loading={!data} />
      {data && (
        <article class="card" data-testid="own-tenant">
          <h2>{data.name}</h2>
          <dl class="figures figures-short">
            <dt>Group</dt>
            <dd>{data.group}</dd>
            <dt>Balance</dt>
            <dd>{data.balance_usd === null ? 'unlimited' : usd(data.balance_usd)}</dd>
            <dt>Reserved</dt>
            <dd>{usd(data.reserved_usd)}</dd>
            <dt>Daily budget</dt>
            <dd>{budget(data.budgets.day)}</dd>
            <dt>Monthly budget</dt>
            <dd>{budget(data.budgets.month)}</dd>
          </dl>
        </article>
      )}
      {tenantId && <NewKeyForm tenantId={tenantId} onCreated={keys.reload} />}
      <DataTable caption="API keys" columns={['Key', 'Scopes', 'Expires', 'Last used', 'Actions']}>
        {keys.data?.data.map((key) => (
          <tr key={key.id} data-key={key.id}>
            <th scope="row">
              {key.name ?? key.id} <span class="muted small">{key.prefix}…</span>
            </th>
            <td data-label="Scopes">{key.scopes.join(', ')}</td>
            <td data-label="Expires">{key.expires_at ? time(key.expires_at) : 'never'}</td>
            <td data-label="Last used">{time(key.last_used_at)}</td>
            <KeyRevokeCell apiKey={key} onRevoked={() => keys.reload()} />
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
