import { useState } from 'preact/hooks';
import { apiRequest, storeKey, type AdminCaller } from '../api/api-client.js';

/**
 * Asks for an admin key, asks the gateway whose it is (the operator's, or a tenant admin's), then
 * keeps both for this tab: the shell shows each role only the pages its key may use.
 */
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
            const caller = await apiRequest<AdminCaller>('/admin/whoami', { key: key.trim() });
            storeKey(key.trim(), caller);
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : String(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Switchyard console</h1>
        <p class="muted">
          Sign in with the gateway's admin key (SWITCHYARD_ADMIN_KEY), or with a tenant's API key
          that has the admin scope.
        </p>
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
