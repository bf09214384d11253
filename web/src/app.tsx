import { useEffect, useState } from 'preact/hooks';
import { storedKey, storeKey } from './api/api-client.js';
import { Link, useRoute } from './router.js';
import { LoginPage } from './pages/login-page.js';
import { pages } from './pages.js';

/** The shell: skip link, navigation, the page for the current path; the login form without a key. */
export function App() {
  const [key, setKey] = useState(storedKey);
  useEffect(() => {
    const update = () => setKey(storedKey());
    window.addEventListener('switchyard:key', update);
    return () => window.removeEventListener('switchyard:key', update);
  }, []);
  const path = useRoute();
  const page = pages.find((entry) => entry.matches(path)) ?? pages[0];
  useEffect(() => {
    document.title = `${key ? (page?.title ?? 'Switchyard') : 'Sign in'} · Switchyard console`;
  }, [page, key]);
  if (!key) return <LoginPage />;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Switchyard</span>
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
        {page && <page.component path={path} />}
      </main>
    </div>
  );
}
