/**
 * What a page shows when the signed-in key lacks the scope its API needs, instead of the
 * gateway's 403: the key is fine, it just cannot do this.
 */
export function ScopeNotice(props: { title: string; scope: string }) {
  return (
    <section aria-labelledby="scope-title">
      <header class="page-header">
        <h1 id="scope-title">{props.title}</h1>
      </header>
      <p class="notice" role="status" data-testid="scope-notice">
        This key lacks the <code>{props.scope}</code> scope, so this page cannot be shown. Ask the
        operator for a key with the <code>{props.scope}</code> scope, or use the other pages.
      </p>
    </section>
  );
}
