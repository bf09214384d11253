import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** Loads again now (after a change the page made). */
  reload: () => void;
}

/**
 * Loads `load()` now and then every `intervalMs` (short polling: a rollback or a breaker
 * opening shows up without a reload). Skips ticks while the tab is hidden, and never runs two
 * loads at once. `key` restarts the loop when the query changes.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key = ''): Polled<T> {
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
    return () => clearInterval(timer);
  }, [key, intervalMs, run]);

  return { data, error, reload: () => void run() };
}
