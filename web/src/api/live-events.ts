import { apiRequest, storedCaller, storedKey } from './api-client.js';

/** The kinds of `/admin/events` a page may want to reload on. */
export type LiveEventType = 'rollout' | 'routing' | 'provider' | 'alert' | 'job';
type Listener = (type: LiveEventType) => void;

const types: readonly LiveEventType[] = ['rollout', 'routing', 'provider', 'alert', 'job'];
const listeners = new Set<Listener>();
/** After a dropped stream, wait this long before asking for a new token. */
const retryMs = 3000;
let source: EventSource | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;

/** Marks the page so a person (and the browser test) can tell the live stream is open. */
function mark(state: 'connected' | 'polling'): void {
  document.documentElement.dataset.live = state;
}

/**
 * Opens the stream: the admin key buys a 60-second token (EventSource cannot send an
 * Authorization header, and the key must not go into a URL), the token opens the stream.
 * When it drops (a restart, an expired token on reconnect), pages keep polling and a new
 * token is fetched a little later.
 */
async function connect(): Promise<void> {
  if (source || listeners.size === 0 || !storedKey()) return;
  // The stream is the operator's (every tenant's jobs and rollouts): a tenant admin polls.
  if (storedCaller()?.role !== 'operator') {
    mark('polling');
    return;
  }
  try {
    const { token } = await apiRequest<{ token: string }>('/admin/events/token', {
      method: 'POST',
    });
    if (source || listeners.size === 0) return;
    const opened = new EventSource(`/admin/events?token=${encodeURIComponent(token)}`);
    source = opened;
    opened.addEventListener('ready', () => mark('connected'));
    for (const type of types)
      opened.addEventListener(type, () => {
        for (const listener of listeners) listener(type);
      });
    opened.addEventListener('error', () => {
      opened.close();
      if (source === opened) source = undefined;
      mark('polling');
      scheduleRetry();
    });
  } catch {
    // The gateway is down or restarting: polling carries on.
    mark('polling');
    scheduleRetry();
  }
}

function scheduleRetry(): void {
  if (retry !== undefined || listeners.size === 0) return;
  retry = setTimeout(() => {
    retry = undefined;
    void connect();
  }, retryMs);
}

/** Calls `listener` on each live event while subscribed; the first subscriber opens the stream. */
export function subscribeLiveEvents(listener: Listener): () => void {
  listeners.add(listener);
  void connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = undefined;
      mark('polling');
    }
  };
}
