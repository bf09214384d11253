import { useState } from 'preact/hooks';
import { apiRequest } from '../api/api-client.js';

const scopes = ['generate', 'read', 'admin'] as const;

/**
 * Creates one of the tenant's API keys (`POST /admin/keys`) and shows its plaintext once: the
 * gateway keeps only a hash, so this answer is the only place the key ever appears.
 */
export function NewKeyForm(props: { tenantId: string; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>(['generate', 'read']);
  const [created, setCreated] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      aria-labelledby="new-key-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        setCreated(undefined);
        try {
          const answer = await apiRequest<{ key: string }>('/admin/keys', {
            method: 'POST',
            body: { tenant: props.tenantId, scopes: chosen, ...(name ? { name } : {}) },
          });
          setCreated(answer.key);
          setName('');
          props.onCreated();
        } catch (caught) {
          setError(caught instanceof Error ? caught.message : String(caught));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="new-key-title">New key</h2>
      <div class="filters">
        <div>
          <label for="new-key-name">Name</label>
          <input
            id="new-key-name"
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <fieldset class="scope-choices">
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                checked={chosen.includes(scope)}
                onChange={(event) =>
                  setChosen(
                    event.currentTarget.checked
                      ? [...chosen, scope]
                      : chosen.filter((entry) => entry !== scope),
                  )
                }
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="button button-primary" disabled={busy || chosen.length === 0}>
          Create key
        </button>
      </div>
      {created && (
        <p class="notice" role="status">
          Copy the key now; it is not shown again:{' '}
          <code class="new-key" data-testid="new-key">
            {created}
          </code>
        </p>
      )}
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
