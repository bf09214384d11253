import { usd } from '../format.js';

/** A line of `GET /admin/usage`: the dimensions asked for, then the figures. */
export interface UsageLine {
  day?: string;
  tenant_id?: string;
  api_key_id?: string;
  model?: string;
  provider?: string;
  settled_jobs: number;
  spend_usd: number;
}

export type SpendRows = [string, { jobs: number; spend: number }][];

/** Sums usage lines by one dimension, biggest spend first. */
export function sumBy(lines: readonly UsageLine[], pick: (line: UsageLine) => string | undefined) {
  const sums = new Map<string, { jobs: number; spend: number }>();
  for (const line of lines) {
    const key = pick(line) ?? '–';
    const entry = sums.get(key) ?? { jobs: 0, spend: 0 };
    entry.jobs += line.settled_jobs;
    entry.spend += line.spend_usd;
    sums.set(key, entry);
  }
  return [...sums.entries()].sort((left, right) => right[1].spend - left[1].spend);
}

/** Settled jobs and spend per name (tenant, model, day, key), as a small captioned table. */
export function SpendTable(props: { title: string; rows: SpendRows }) {
  return (
    <div class="card table-wrap">
      <table>
        <caption class="table-caption">{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Jobs</th>
            <th scope="col">Spend</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([name, entry]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{entry.jobs}</td>
              <td>{usd(entry.spend)}</td>
            </tr>
          ))}
          {props.rows.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                Nothing recorded.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
