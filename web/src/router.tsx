import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Every page lives under this prefix; the gateway answers index.html for any path below it. */
export const basePath = '/dashboard';

function currentPath(): string {
  const path = window.location.pathname.startsWith(basePath)
    ? window.location.pathname.slice(basePath.length)
    : '/';
  return path.replace(/\/+$/, '') || '/';
}

/** The path under /dashboard (`/`, `/jobs/gen_…`), re-rendered on navigation. */
export function useRoute(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}

export function navigate(path: string): void {
  window.history.pushState(null, '', `${basePath}${path}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
  // A screen reader or keyboard user lands on the new page, not on the link they left.
  window.scrollTo(0, 0);
  document.getElementById('main')?.focus({ preventScroll: true });
}

/** A real link (middle click, copy address work) that navigates in place on a plain click. */
export function Link(props: {
  to: string;
  children: ComponentChildren;
  class?: string;
  current?: boolean;
  label?: string;
}) {
  return (
    <a
      href={`${basePath}${props.to}`}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props.label}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
