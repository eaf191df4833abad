import type { ComponentChildren } from 'preact';

/** A header cell: its label, or `wide(label)` for a column hidden on phones (`hide-narrow`). */
export type Column = string | { label: string; wide: true };
export const wide = (label: string): Column => ({ label, wide: true });

/**
 * A table in its scrolling wrapper: the header row (plus a last, unlabelled "Actions" column when
 * rows carry buttons), the rows given as children, and `empty`, the line shown when there are none
 * (pass it only then).
 */
export function Table(props: {
  columns: Column[];
  actions?: boolean;
  id?: string;
  empty?: string | false;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <thead>
          <tr>
            {props.columns.map((c) =>
              typeof c === 'string' ? <th>{c}</th> : <th class="hide-narrow">{c.label}</th>,
            )}
            {props.actions && (
              <th>
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
      {props.empty && <div class="empty">{props.empty}</div>}
    </div>
  );
}
