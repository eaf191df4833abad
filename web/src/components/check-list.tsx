import type { ComponentChildren } from 'preact';

/** `list` with `item` added (`on`) or taken out. */
export const toggled = (list: string[], item: string, on: boolean): string[] =>
  on ? [...list, item] : list.filter((x) => x !== item);

/** The ticked ones of `options` (shown as code), as a plain fieldset of checkboxes under `legend`. */
export function CheckList(props: {
  legend: ComponentChildren;
  options: string[];
  value: string[];
  onChange: (ticked: string[]) => void;
}) {
  return (
    <fieldset style="border:0;padding:0;margin:0">
      <legend style="font-weight:600;font-size:.9rem;margin:.75rem 0 .3rem">{props.legend}</legend>
      {props.options.map((o) => (
        <label class="scope" style="border:0;padding:.25rem 0">
          <input
            type="checkbox"
            checked={props.value.includes(o)}
            onChange={(e) => props.onChange(toggled(props.value, o, e.currentTarget.checked))}
          />
          <span class="mono">{o}</span>
        </label>
      ))}
    </fieldset>
  );
}
