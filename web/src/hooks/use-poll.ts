import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { subscribeLiveEvents, type LiveEventType } from '../api/live-events.js';

/** What changes the operator pages by default: a rollback, a weight, a provider switch. */
const operatorEvents: readonly LiveEventType[] = ['rollout', 'routing', 'provider', 'alert'];
/** Live events come in bursts (a promotion is a decision and a weight change): one load each. */
const liveDebounceMs = 250;

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** Loads again now (after a change the page made). */
  reload: () => void;
}

/**
 * Loads `load()` now, again whenever the gateway's live stream (`/admin/events`) reports a
 * change of one of `liveEvents`, and every `intervalMs` regardless (the fallback when the stream
 * is down or the key cannot open it). Skips ticks while the tab is hidden, and never runs two
 * loads at once. `key` restarts the loop when the query changes.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  key = '',
  liveEvents: readonly LiveEventType[] = operatorEvents,
): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const running = useRef(false);
  const generation = useRef(0);

  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    const mine = generation.current;
    try {
      const value = await loadRef.current();
      if (mine === generation.current) {
        setData(value);
        setError(undefined);
      }
    } catch (caught) {
      if (mine === generation.current)
        setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      running.current = false;
    }
  }, []);

  useEffect(() => {
    generation.current += 1;
    running.current = false;
    setData(undefined);
    void run();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void run();
    }, intervalMs);
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeLiveEvents((type) => {
      if (!liveEvents.includes(type) || debounce !== undefined) return;
      debounce = setTimeout(() => {
        debounce = undefined;
        void run();
      }, liveDebounceMs);
    });
    return () => {
      clearInterval(timer);
      clearTimeout(debounce);
      unsubscribe();
    };
    // `liveEvents` is left out: a constant per call site, and a new array each render must not
    // resubscribe.
  }, [key, intervalMs, run]);

  return { data, error, reload: () => void run() };
}
