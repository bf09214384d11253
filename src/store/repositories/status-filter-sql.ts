/**
 * `(<alias>.status IN (...)) IS TRUE`: the status condition of a batched update that finds its
 * jobs by id, written so that PostgreSQL cannot answer it from `generations_status_id`. A bare
 * `status = 'queued'` next to `id = input.id` let the planner, generic and custom plans alike,
 * read every `queued` entry of that index and hash-join them with the input, since statistics
 * say few jobs are queued. The index also holds every dead version since the last vacuum (each
 * job passes through `queued`; a status change is never a HOT update), so in the images bench
 * each execution read ≈ 1,200 index entries to find a handful of jobs (3.6 M entries read for
 * 13,000 requests). A condition the index cannot serve leaves the primary key: one probe per
 * input row. (On a fresh database whose statistics still describe a nearly empty table, the
 * cached plan may scan the table instead until autovacuum analyzes it, within a minute or so.)
 */
export function statusIsSql(alias: string, statuses: readonly string[]): string {
  return `(${alias}.status IN (${statuses.map((status) => `'${status}'`).join(', ')})) IS TRUE`;
}
