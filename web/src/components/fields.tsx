import type { ComponentChildren } from 'preact';

/** A labelled input bound to `value`: the label (and a hint after a dash) above it; text unless `type` says. */
export function TextField(props: {
  id: string;
  label: string;
  hint?: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'url' | 'password';
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
}) {
  return (
    <>
      <label for={props.id}>
        {props.label}
        {props.hint && (
          <>
            {' '}
            <span class="hint">— {props.hint}</span>
          </>
        )}
      </label>
      <input
        id={props.id}
        // Preact types <input> attributes per type; the three allowed here take the same ones.
        type={(props.type ?? 'text') as 'text'}
        autocomplete={props.autocomplete}
        placeholder={props.placeholder}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        required={props.required}
      />
    </>
  );
}

/** A search box bound to `value`, named by `label` for screen readers (no visible label). */
export function SearchBox(props: {
  label: string;
  placeholder: string;
  value: string;
  onValue: (value: string) => void;
  style?: string;
}) {
  return (
    <input
      type="search"
      aria-label={props.label}
      placeholder={props.placeholder}
      value={props.value}
      onInput={(e) => props.onValue(e.currentTarget.value)}
      style={props.style}
    />
  );
}
