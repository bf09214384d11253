import { useState } from 'preact/hooks';
import { apiRequest, storeKey } from '../api/api-client.js';

/** Asks for the admin key, checks it against the admin API, then keeps it for this tab. */
export function LoginPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <main class="login">
      <form
        class="card login-card"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await apiRequest('/admin/routing', { key: key.trim() });
            storeKey(key.trim());
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : String(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Switchyard console</h1>
        <p class="muted">Sign in with the gateway's admin key (SWITCHYARD_ADMIN_KEY).</p>
        <label for="admin-key">Admin key</label>
        <input
          id="admin-key"
          name="admin-key"
          type="password"
          autocomplete="current-password"
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" class="button button-primary" disabled={busy || !key.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        <p class="muted small">The key is kept in this tab only (sessionStorage).</p>
      </form>
    </main>
  );
}
