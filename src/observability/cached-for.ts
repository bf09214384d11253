/**
 * Memoises an async read for `ms`: a scrape-time database count then costs one query per
 * interval however often Prometheus (or several) scrape.
 */
export function cachedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let value: { at: number; result: Promise<T> } | undefined;
  return () => {
    if (!value || Date.now() - value.at > ms) value = { at: Date.now(), result: read() };
    return value.result;
  };
}
