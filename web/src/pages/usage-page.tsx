import { apiRequest } from '../api/api-client.js';
import type { List } from '../api/api-types.js';
import { PageState } from '../components/page-state.js';
import { SpendTable, sumBy, type UsageLine } from '../components/spend-table.js';
import { usd } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';

interface UsageReport {
  data: UsageLine[];
  totals: { settled_jobs: number; spend_usd: number; refunded_jobs: number; reserved_usd: number };
}

/**
 * A tenant admin's spend: `GET /admin/usage`, which the gateway confines to the key's tenant,
 * summed per model, day, key and provider. Key names come from the tenant's own key list.
 */
export function UsagePage() {
  // Usage and keys change with jobs, which the tenant's pages do not follow live: poll only.
  const usage = usePoll(() => apiRequest<UsageReport>('/admin/usage'), 10_000, '', []);
  const keys = usePoll(
    () => apiRequest<List<{ id: string; name: string | null; prefix: string }>>('/admin/keys'),
    30_000,
    '',
    [],
  );
  const keyName = (id: string | undefined) => {
    const key = keys.data?.data.find((entry) => entry.id === id);
    return key ? (key.name ?? `${key.prefix}…`) : id;
  };
  const lines = usage.data?.data ?? [];
  const totals = usage.data?.totals;
  return (
    <section aria-labelledby="usage-title">
      <header class="page-header">
        <h1 id="usage-title">Usage</h1>
      </header>
      <PageState error={usage.error} loading={!usage.data} />
      {totals && (
        <article class="card" data-testid="usage-totals">
          <h2>Totals</h2>
          <dl class="figures figures-short">
            <dt>Settled jobs</dt>
            <dd>{totals.settled_jobs}</dd>
            <dt>Spend</dt>
            <dd>{usd(totals.spend_usd)}</dd>
            <dt>Refunded jobs</dt>
            <dd>{totals.refunded_jobs}</dd>
            <dt>Reserved now</dt>
            <dd>{usd(totals.reserved_usd)}</dd>
          </dl>
        </article>
      )}
      {usage.data && (
        <div class="grid grid-charts">
          <SpendTable title="Per model" rows={sumBy(lines, (line) => line.model)} />
          <SpendTable title="Per day" rows={sumBy(lines, (line) => line.day)} />
          <SpendTable title="Per key" rows={sumBy(lines, (line) => keyName(line.api_key_id))} />
          <SpendTable title="Per provider" rows={sumBy(lines, (line) => line.provider)} />
        </div>
      )}
    </section>
  );
}
