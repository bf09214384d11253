import { useEffect, useState } from 'preact/hooks';
import {
  apiRequest,
  storedCaller,
  storedKey,
  storeKey,
  type AdminCaller,
} from './api/api-client.js';
import { PageState } from './components/page-state.js';
import { Link, useRoute } from './router.js';
import { LoginPage } from './pages/login-page.js';
import { pageLackingScope, pagesFor } from './pages.js';
import { ScopeNotice } from './components/scope-notice.js';

/**
 * The shell: skip link, navigation, the page for the current path; the login form without a key.
 * The menu is the caller's: the operator's pages, or a tenant admin's own jobs, usage and keys.
 */
export function App() {
  const [key, setKey] = useState(storedKey);
  const [caller, setCaller] = useState(storedCaller);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const update = () => {
      setKey(storedKey());
      setCaller(storedCaller());
    };
    window.addEventListener('switchyard:key', update);
    return () => window.removeEventListener('switchyard:key', update);
  }, []);
  // A tab signed in before the dashboard knew roles has a key but no caller: ask once.
  useEffect(() => {
    if (!key || caller) return;
    apiRequest<AdminCaller>('/admin/whoami')
      .then((found) => storeKey(key, found))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : 'failed'));
  }, [key, caller]);
  const path = useRoute();
  const pages = caller ? pagesFor(caller) : [];
  const lacking = caller ? pageLackingScope(caller, path) : undefined;
  const page = lacking ?? pages.find((entry) => entry.matches(path)) ?? pages[0];
  useEffect(() => {
    document.title = `${key ? (page?.title ?? 'Switchyard') : 'Sign in'} · Switchyard console`;
  }, [page, key]);
  if (!key) return <LoginPage />;
  if (!caller) return <PageState error={error} loading />;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">
          Switchyard
          {caller.tenant && (
            <span class="brand-tenant" data-testid="signed-in-tenant">
              {caller.tenant.name}
            </span>
          )}
        </span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((entry) => (
              <li key={entry.path}>
                <Link to={entry.path} current={entry === page}>
                  {entry.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="button button-plain signout" onClick={() => storeKey(null)}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {lacking?.scope ? (
          <ScopeNotice title={lacking.title} scope={lacking.scope} />
        ) : (
          page && <page.component path={path} />
        )}
      </main>
    </div>
  );
}
