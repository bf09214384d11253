import type { ComponentChildren } from 'preact';

/**
 * A captioned table in a card, as every list in the dashboard shows one: plain column headers,
 * and on a phone the rows stack into labelled blocks (`stack`, with each cell's `data-label`).
 * The rows are the children.
 */
export function DataTable(props: {
  caption: string;
  columns: readonly string[];
  children: ComponentChildren;
}) {
  return (
    <div class="card table-wrap">
      <table class="stack">
        <caption class="table-caption">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
