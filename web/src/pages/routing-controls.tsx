import { useEffect, useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';
import type { RoutingSettings } from '../api/api-types.js';
import { ActionButton } from '../components/action-button.js';

const strategies = [
  'weighted',
  'primary_first',
  'round_robin',
  'least_loaded',
  'cost_optimized',
  'quality_focused',
  'health_based',
] as const;

/** Strategy, primary and chain: each saved on its own, with the page's reason. */
export function RoutingControls(props: {
  providers: string[];
  routing: RoutingSettings;
  reason: string;
  onSaved: () => void;
}) {
  const { routing } = props;
  const [strategy, setStrategy] = useState(routing.strategy);
  const [primary, setPrimary] = useState(routing.primary ?? props.providers[0] ?? '');
  const [chain, setChain] = useState(routing.chain.join(', '));
  useEffect(() => setStrategy(routing.strategy), [routing.strategy]);
  useEffect(() => setPrimary(routing.primary ?? ''), [routing.primary]);
  useEffect(() => setChain(routing.chain.join(', ')), [routing.chain.join(',')]);
  const reason = props.reason ? { reason: props.reason } : {};
  const save = async (path: string, body: Record<string, unknown>) => {
    await apiRequest(path, { method: 'PUT', body: { ...body, ...reason } });
    props.onSaved();
  };

  return (
    <article class="card" aria-labelledby="routing-title">
      <h2 id="routing-title">Routing</h2>
      <div class="form-grid">
        <label for="strategy">Strategy</label>
        <select
          id="strategy"
          value={strategy}
          onChange={(event) => setStrategy(event.currentTarget.value)}
        >
          {strategies.map((name) => (
            <option key={name} value={name}>
              {name.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <ActionButton
          disabled={strategy === routing.strategy}
          action={() => save('/admin/routing/strategy', { strategy })}
        >
          Save strategy
        </ActionButton>

        <label for="primary">Primary</label>
        <select
          id="primary"
          value={primary}
          onChange={(event) => setPrimary(event.currentTarget.value)}
        >
          {props.providers.map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
        </select>
        <ActionButton
          disabled={primary === routing.primary}
          action={() => save('/admin/routing/primary', { provider: primary })}
        >
          Save primary
        </ActionButton>

        <label for="chain">Chain (primary first)</label>
        <input id="chain" value={chain} onInput={(event) => setChain(event.currentTarget.value)} />
        <ActionButton
          disabled={chain.replace(/\s/g, '') === routing.chain.join(',')}
          action={() =>
            save('/admin/routing/chain', {
              chain: chain
                .split(',')
                .map((entry) => entry.trim())
                .filter(Boolean),
            })
          }
        >
          Save chain
        </ActionButton>
      </div>
      {routing.errors.length > 0 && (
        <ul class="error-text">
          {routing.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
    </article>
  );
}
