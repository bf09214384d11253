import { apiRequest } from '../api/api-client.js';
import type { List, ProviderInstance, Rollout } from '../api/api-types.js';
import { Badge } from '../components/badge.js';
import { PageState } from '../components/page-state.js';
import { percent, time } from '../format.js';
import { usePoll } from '../hooks/use-poll.js';
import { Link } from '../router.js';
import { RolloutDetail } from './rollout-detail.js';
import { StartRolloutForm } from './start-rollout-form.js';

/** `/rollouts`: the list and the start form; `/rollouts/<id>`: one rollout. */
export function RolloutsPage(props: { path: string }) {
  const id = props.path.split('/')[2];
  if (id) return <RolloutDetail id={decodeURIComponent(id)} />;
  return <RolloutList />;
}

function RolloutList() {
  const rollouts = usePoll(() => apiRequest<List<Rollout>>('/admin/rollouts?limit=50'), 3000);
  const providers = usePoll(() => apiRequest<List<ProviderInstance>>('/admin/providers'), 10_000);
  return (
    <section aria-labelledby="rollouts-title">
      <header class="page-header">
        <h1 id="rollouts-title">Rollouts</h1>
      </header>
      <PageState error={rollouts.error} loading={!rollouts.data} />
      {rollouts.data && (
        <div class="card table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Rollouts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Rollout</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Stage</th>
                <th scope="col">Started</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rollouts.data.data.map((rollout) => (
                <tr key={rollout.id}>
                  <th scope="row">
                    <Link to={`/rollouts/${rollout.id}`}>
                      {rollout.baseline} → {rollout.canary}
                    </Link>
                  </th>
                  <td data-label="Status">
                    <Badge value={rollout.status} />
                  </td>
                  <td data-label="Model">{rollout.model ?? 'all'}</td>
                  <td data-label="Stage">
                    {rollout.stage.number}/{rollout.stage.of} (
                    {percent(rollout.stage.canary_weight)})
                  </td>
                  <td data-label="Started">{time(rollout.created_at)}</td>
                  <td data-label="Reason" class="wrap">
                    {rollout.reason ?? ''}
                  </td>
                </tr>
              ))}
              {rollouts.data.data.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    No rollouts yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {providers.data && <StartRolloutForm providers={providers.data.data} />}
    </section>
  );
}
