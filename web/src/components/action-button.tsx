import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * A button that runs an API call, disables itself meanwhile and shows the gateway's error
 * message next to it when the call fails.
 */
export function ActionButton(props: {
  action: () => Promise<unknown>;
  children: ComponentChildren;
  variant?: 'primary' | 'danger' | 'plain';
  disabled?: boolean;
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <span class="action">
      <button
        type="button"
        class={`button button-${props.variant ?? 'plain'}`}
        disabled={busy || props.disabled}
        aria-label={props.label}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await props.action();
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : String(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.children}
      </button>
      {error && (
        <span class="error-text" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
