/** What a page shows while its first load runs or when it failed. */
export function PageState(props: { error: string | undefined; loading: boolean }) {
  if (props.error)
    return (
      <p class="notice notice-bad" role="alert">
        Could not load: {props.error}
      </p>
    );
  if (props.loading) return <p class="notice">Loading…</p>;
  return null;
}
